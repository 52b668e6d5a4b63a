"""Forwards for application-failure redundancy, on every command that sets them.

The simulator stores both CFNA blocks and each forward's CSS, and refuses a
CSS that does not exist, so a product that forgets the internal CFNA or the
CSS shows here.
"""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.apply import apply_plan
from commands.engine.base import Plan, Role, UsageError
from commands.engine.objects import change
from commands.kinds.lines import LINE
from commands.workflows.lines import AddLineCommand, UpdateLineCommand
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.provision import ProvisionAppCommand
from commands.workflows.routepoints import CreateRoutePointCommand
from cucmsim.model import CallingSearchSpace, key
from tests.integration.commands.conftest import plan_only
from tests.integration.commands.simdevices import axl_writes, line
from tests.integration.commands.simobjects import plant_user

ADD = AddLineCommand()
UPDATE = UpdateLineCommand()
ALL_REDUNDANCY_CSS = {
    "callForwardNoAnswer": "CSS_Internal",
    "callForwardNoAnswerInt": "CSS_Internal",
    "callForwardOnFailure": "CSS_Internal",
}


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = plan_only(ctx, command, **args)
    assert isinstance(outcome, Plan), outcome
    return outcome


def _apply(ctx: Any, command: Any, **args: Any) -> Plan:
    plan = _plan(ctx, command, **args)
    reply = apply_plan(ctx, plan)
    assert reply.status == "ok", reply.as_text()
    return plan


def test_cfna_sets_external_and_internal_with_the_forward_css(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    plan = _apply(
        ctx,
        ADD,
        dn="7401",
        partition="PT_CTI",
        cfna="6000",
        cfof="6000",
        forward_css="css_internal",
    )
    held = line(sim, "7401", "PT_CTI")
    assert (held["cfna"], held["cfna_int"], held["cfof"]) == ("6000", "6000", "6000")
    assert held["forward_css"] == ALL_REDUNDANCY_CSS, "CUCM's spelling of the CSS is kept"
    assert plan.steps[0].summary == (
        "Create DN 7401 in PT_CTI (CFNA 6000 via CSS_Internal, CFOF 6000 via CSS_Internal)"
    )
    assert plan.warnings == []


def test_own_css_options_win_over_forward_css(sim, make_ctx) -> None:
    with sim.cluster.lock:
        sim.cluster.css[key("CSS_CTI")] = CallingSearchSpace("CSS_CTI", ["PT_CTI"])
    ctx = make_ctx(role=Role.OPERATOR)
    _apply(
        ctx,
        ADD,
        dn="7402",
        cfna="6000",
        cfof="6000",
        forward_css="CSS_Internal",
        cfof_css="CSS_CTI",
    )
    held = line(sim, "7402", None)
    assert held["forward_css"] == {**ALL_REDUNDANCY_CSS, "callForwardOnFailure": "CSS_CTI"}


def test_update_line_sets_only_the_css_of_existing_forwards(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    _apply(ctx, ADD, dn="7403", partition="PT_CTI", cfna="6000", cfof="6000")
    assert line(sim, "7403", "PT_CTI")["forward_css"] == {}
    sim.reset_counters()
    _apply(ctx, UPDATE, dn="7403", partition="PT_CTI", cfna_css="CSS_Internal")
    held = line(sim, "7403", "PT_CTI")
    assert held["forward_css"] == {
        "callForwardNoAnswer": "CSS_Internal",
        "callForwardNoAnswerInt": "CSS_Internal",
    }
    assert (held["cfna"], held["cfna_int"]) == ("6000", "6000")
    assert axl_writes(sim) == {"updateLine": 1}


@pytest.mark.parametrize(
    ("command", "args"),
    [
        (ADD, {"dn": "7404", "cfna": "6000", "cfna_css": "CSS_NOPE"}),
        (ADD, {"dn": "7404", "cfof": "6000", "forward_css": "css_nope"}),
        (CreateRoutePointCommand(), {"name": "RP_F1", "dn": "7404", "cfof_css": "CSS_NOPE"}),
        (CreatePortsCommand(), {"names": "FP{1..2}", "dns": "7404-7405", "cfna_css": "CSS_NOPE"}),
    ],
)
def test_unknown_forward_css_is_refused_before_any_write(sim, make_ctx, command, args) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=r"Calling search space `(?i:css_nope)` does not exist"):
        plan_only(make_ctx(role=Role.OPERATOR), command, **args)
    assert axl_writes(sim) == {}


def test_clearing_a_forward_with_its_own_css_is_refused(make_ctx) -> None:
    with pytest.raises(UsageError, match="drop `cfna-css=`"):
        plan_only(make_ctx(), ADD, dn="7406", cfna="none", cfna_css="CSS_Internal")


def test_target_in_a_partition_without_css_names_the_partition(make_ctx) -> None:
    plan = _plan(make_ctx(), ADD, dn="7407", cfna="6000", cfof="6000")
    (warning,) = plan.warnings
    assert warning.startswith("CFNA and CFOF target 6000 is in partition PT_Internal")
    assert "`<None>` callers get reorder" in warning
    assert "`cfna-css=` / `cfof-css=` a CSS that contains PT_Internal" in warning


def test_css_that_does_not_reach_the_target_warns(sim, make_ctx) -> None:
    with sim.cluster.lock:
        sim.cluster.css[key("CSS_CTI")] = CallingSearchSpace("CSS_CTI", ["PT_CTI"])
    plan = _plan(make_ctx(), ADD, dn="7408", cfof="6000", cfof_css="CSS_CTI")
    assert plan.warnings == [
        "CFOF target 6000 is in partition PT_Internal, which CSS_CTI does not contain "
        "(PT_CTI): callers get reorder when the application fails."
    ]


def test_target_that_is_not_a_dn_is_allowed_and_said(make_ctx) -> None:
    plan = _plan(make_ctx(), ADD, dn="7409", cfna="914085550199", forward_css="CSS_Internal")
    assert plan.warnings == []
    assert any(
        "CFNA target 914085550199 is not a DN on cluster lab: it is dialled through CSS_Internal"
        in note
        for note in plan.notes
    )
    bare = _plan(make_ctx(), ADD, dn="7409", cfna="914085550199")
    assert any("not a DN on cluster lab and is given without a calling" in w for w in bare.warnings)


def test_target_in_no_partition_needs_no_css(make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    _apply(ctx, ADD, dn="6410")
    assert _plan(ctx, ADD, dn="7410", cfna="6410").warnings == []


def test_ports_and_provision_write_both_cfna_blocks(sim, make_ctx) -> None:
    ctx = make_ctx(role=Role.OPERATOR)
    ports = _apply(
        ctx,
        CreatePortsCommand(),
        names="FWP{1..2}",
        dns="7411-7412",
        partition="PT_CTI",
        cfna="6000",
        cfof="6000",
        forward_css="CSS_Internal",
    )
    assert ports.warnings == []
    held = line(sim, "7412", "PT_CTI")
    assert (held["cfna_int"], held["forward_css"]) == ("6000", ALL_REDUNDANCY_CSS)
    plant_user(sim, "fw_app")
    provision = _apply(
        ctx,
        ProvisionAppCommand(),
        app_user="fw_app",
        routepoint="RP_FW",
        dn="7413",
        partition="PT_CTI",
        cfna="6000",
        cfof="6000",
    )
    assert any("target 6000 is in partition PT_Internal" in w for w in provision.warnings)
    assert line(sim, "7413", "PT_CTI")["cfna_int"] == "6000"


def test_undo_of_a_state_recorded_before_the_internal_block_leaves_it(sim, make_ctx, cucm) -> None:
    """A change-log state from before ctibot managed CFNA internal must still undo cleanly."""
    ctx = make_ctx(role=Role.OPERATOR)
    _apply(ctx, ADD, dn="7414", partition="PT_CTI", cfna="6000", cfof="6000")
    current = LINE.read(cucm, "7414/PT_CTI")
    old_after = {**current, "forwards": dict(current["forwards"])}
    del old_after["forwards"]["no_answer_int"]
    old_before = {
        **old_after,
        "forwards": {**old_after["forwards"], "on_failure": dict(current["forwards"]["all"])},
    }
    assert LINE.satisfied(current, old_before, old_after)
    change(cucm, LINE, "7414/PT_CTI", old_after, old_before, "undo").run()
    held = line(sim, "7414", "PT_CTI")
    assert (held["cfof"], held["cfna_int"]) == (None, "6000")
