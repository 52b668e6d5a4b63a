"""`/cti preflight` on the demo cluster: good and bad users / device pools, with the fixes."""

from __future__ import annotations

from typing import Any

import pytest

from commands.engine.base import Role, UsageError
from commands.engine.context import ConfiguredApplication
from commands.workflows.preflight import COMMANDS
from cucmsim.model import CALL_MANAGER, CallForward, Line, LineAppearance, key
from cucmsim.serviceability import lifecycle
from cucmsim.serviceability.lifecycle import Action
from tests.integration.commands.simobjects import plant_device, plant_phone, plant_user

(PREFLIGHT,) = COMMANDS


def test_good_app_user_and_device_pool(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    sim.reset_counters()
    reply = plan_only(
        make_ctx(role=Role.VIEWER), PREFLIGHT, app_user="ctiapp_ivr", device_pool="DP_CTI"
    )
    text = reply.as_text()
    assert reply.status == "ok", text
    assert "✗" not in text
    assert "✓ Cisco CTIManager running: started on cucm-sub1, cucm-sub2" in text
    assert (
        "✓ Device registration and recovery (CMG_Sub1_Sub2): route points and ports register "
        "and recover on cucm-sub1 > cucm-sub2 (Cisco CallManager)"
    ) in text
    assert "✓ Standard CTI Enabled: member" in text
    assert "ctiapp_ivr controls 1 devices of 2000" in text
    assert not any(op.startswith(("update", "add", "remove")) for op in sim.counters()["axl"])


def test_bad_app_user_and_device_pool_name_the_fixes(make_ctx: Any, plan_only: Any) -> None:
    reply = plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_rec", device_pool="DP_NOPE")
    text = reply.as_text()
    assert reply.status == "error"
    assert "✗ Device pool DP_NOPE: does not exist (valid: " in text and "DP_CTI" in text
    assert "✗ Standard CTI Enabled: not a member" in text
    assert '`/cti add-user-to-group ctiapp_rec "Standard CTI Enabled"`' in text


def test_single_node_cm_group_has_no_device_recovery(make_ctx: Any, plan_only: Any) -> None:
    """Device recovery is Cisco CallManager's job: CTIManager on cucm-pub is not the point."""
    reply = plan_only(make_ctx(), PREFLIGHT, device_pool="Default")
    text = reply.as_text()
    assert reply.status == "warning"
    assert "⚠ Device registration and recovery (Default): route points and ports register" in text
    assert "a single node, so nothing recovers them when it fails" in text
    assert "add a second node to CM group Default" in text
    assert "Cisco CTIManager is not started on cucm-pub" not in text


def _call_manager(sim: Any, node: str, action: Action) -> None:
    lifecycle.apply(sim.cluster, node, CALL_MANAGER, action, transition_s=0)


def test_device_recovery_checks_call_manager_on_the_cm_group(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    _call_manager(sim, "cucm-sub2", "Stop")
    try:
        one_down = plan_only(make_ctx(), PREFLIGHT, device_pool="DP_CTI").as_text()
        _call_manager(sim, "cucm-sub1", "Stop")
        all_down = plan_only(make_ctx(), PREFLIGHT, device_pool="DP_CTI")
    finally:
        for node in ("cucm-sub1", "cucm-sub2"):
            _call_manager(sim, node, "Start")
    assert "⚠ Device registration and recovery (CMG_Sub1_Sub2)" in one_down
    assert "Cisco CallManager is not started on cucm-sub2 Stopped" in one_down
    assert "fix: start Cisco CallManager on cucm-sub2 (Cisco Unified Serviceability" in one_down
    assert "✓ Cisco CTIManager running: started on cucm-sub1, cucm-sub2" in one_down
    assert all_down.status == "error"
    assert (
        "✗ Device registration and recovery (CMG_Sub1_Sub2): Cisco CallManager is not started "
        "on any node of CM group CMG_Sub1_Sub2"
    ) in all_down.as_text()


def test_provider_failover_checks_the_applications_ctimanagers(
    make_ctx: Any, plan_only: Any
) -> None:
    both = plan_only(
        make_ctx(), PREFLIGHT, app_user="ctiapp_ivr", ctimanager="CUCM-SUB1,cucm-sub2"
    ).as_text()
    assert (
        "✓ CTI provider failover (ctiapp_ivr): primary cucm-sub1 Started, backup cucm-sub2 "
        "Started (from ctimanager=)"
    ) in both
    on_pub = plan_only(
        make_ctx(), PREFLIGHT, app_user="ctiapp_ivr", ctimanager="cucm-pub,cucm-sub2"
    ).as_text()
    assert "⚠ CTI provider failover (ctiapp_ivr): primary cucm-pub not activated" in on_pub
    assert "will not fail back by itself" in on_pub
    assert "fix: `/cti service activate cucm-pub`" in on_pub


def test_provider_failover_from_the_applications_health_settings(
    make_ctx: Any, plan_only: Any
) -> None:
    apps = (
        ConfiguredApplication("CTIAPP_IVR", None, "cucm-sub1", None),
        ConfiguredApplication("ctiapp_ivr", "other-cluster", "cucm-pub", "cucm-sub2"),
    )
    text = plan_only(make_ctx(applications=apps), PREFLIGHT, app_user="ctiapp_ivr").as_text()
    assert (
        "⚠ CTI provider failover (CTIAPP_IVR): primary cucm-sub1 Started (from the application's "
        "health settings); no backup CTIManager"
    ) in text
    unknown = plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_ivr").as_text()
    assert "CTI provider failover" not in unknown
    assert "Give `ctimanager=primary,backup`" in unknown


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("cucm-sub9", "Unknown node `cucm-sub9`"),
        ("cucm-sub1,cucm-sub2,cucm-pub", "two nodes at most"),
        ("cucm-sub1,CUCM-SUB1", "twice"),
        ("bad/node", "not a valid node name"),
    ],
)
def test_bad_ctimanager_is_a_usage_error(
    sim: Any, make_ctx: Any, plan_only: Any, value: str, message: str
) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError, match=message):
        plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_ivr", ctimanager=value)
    assert "controlcenter" not in sim.counters()


def test_missing_users_point_at_the_right_kind(make_ctx: Any, plan_only: Any) -> None:
    text = plan_only(make_ctx(), PREFLIGHT, app_user="jsmith").as_text()
    assert "✗ Application user jsmith: does not exist" in text
    assert "--end-user" in text
    end = plan_only(make_ctx(), PREFLIGHT, app_user="jsmith", end_user=True).as_text()
    assert "✓ End user jsmith: exists" in end
    assert '`/cti add-user-to-group jsmith "Standard CTI Enabled" --end-user`' in end
    ghost = plan_only(make_ctx(), PREFLIGHT, app_user="ghost_app").as_text()
    assert "✗ Application user ghost_app: does not exist" in ghost


def test_device_headroom_exhausted(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    key = ("cucm-sub1", "cisco ctimanager", "ctimaxdevicesperprovider")
    with sim.cluster.lock:
        sim.cluster.service_parameters[key].value = "1"
    try:
        text = plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_ivr").as_text()
    finally:
        with sim.cluster.lock:
            sim.cluster.service_parameters[key].value = "2000"
    assert "✗ Max devices headroom: ctiapp_ivr controls 1 devices of 1 per provider" in text
    assert "`/cti params set max-devices-per-provider 2 --all-nodes`" in text


def test_bad_input_is_a_usage_error(sim: Any, make_ctx: Any, plan_only: Any) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError):
        plan_only(make_ctx(), PREFLIGHT, app_user="bad user!")
    with pytest.raises(UsageError, match="--end-user"):
        plan_only(make_ctx(), PREFLIGHT, end_user=True)
    assert sim.counters().get("axl", {}) == {}


def test_redundancy_forwards_pass_when_set_with_a_css(make_ctx: Any, plan_only: Any) -> None:
    text = plan_only(make_ctx(), PREFLIGHT, app_user="ctiapp_ivr").as_text()
    assert (
        "✓ Redundancy forwards (CFNA/CFOF with a CSS): set on all 1 DN(s) of its route points "
        "and ports" in text
    )


def test_redundancy_forward_gaps_name_each_dn_and_the_fix(
    sim: Any, make_ctx: Any, plan_only: Any
) -> None:
    with sim.cluster.lock:
        sim.cluster.lines[(key("7481"), key("PT_CTI"))] = Line(
            "7481",
            "PT_CTI",
            forwards={
                "callForwardNoAnswer": CallForward(destination="6000"),
                "callForwardOnFailure": CallForward("6000", calling_search_space="CSS_Internal"),
            },
        )
        sim.cluster.lines[(key("7482"), key("PT_CTI"))] = Line("7482", "PT_CTI")
    plant_device(sim, "PF_RP1")
    plant_device(sim, "PF_PORT1", port=True)
    plant_phone(sim, "SEPPF0000000001")
    with sim.cluster.lock:
        for name, pattern in (("PF_RP1", "7481"), ("PF_PORT1", "7482")):
            sim.cluster.devices[key(name)].lines = [LineAppearance(1, pattern, "PT_CTI")]
    plant_user(
        sim,
        "pf_app",
        devices=["PF_RP1", "SEPPF0000000001", "PF_PORT1"],
        groups=["Standard CTI Enabled"],
    )
    reply = plan_only(make_ctx(), PREFLIGHT, app_user="pf_app")
    text = reply.as_text()
    assert reply.status == "error"
    assert (
        "✗ Redundancy forwards (CFNA/CFOF with a CSS): PF_RP1 DN 7481 in PT_CTI: CFNA 6000 has "
        "no CSS, no CFNA internal; PF_PORT1 DN 7482 in PT_CTI: no CFNA, no CFNA internal, "
        "no CFOF" in text
    )
    assert (
        "fix: `/cti update-line 7481 partition=PT_CTI cfna=6000 cfof=6000 forward-css=<CSS>` "
        "(and the same for each DN listed)" in text
    )
