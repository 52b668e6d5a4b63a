"""The fault matrix: every write each workflow sends x every way a CUCM call can fail.

For each workflow a clean first run records, from the simulator's own request
log, which write operations it sends; then, on fresh objects, each of those
operations is made to fail once in each way (no answer before CUCM acted, no
answer after it acted, TCP reset, 503 beyond retries, AXL fault, 401). The
three views must then agree, and nothing may be half-applied silently:

- applied: the reply says so, every change row is `applied`, and planning the
  same command again finds nothing to do (CUCM really holds the result);
- failed/compensated: the reply is an error naming the failed step, no row is
  left `applied`, and the simulator's whole model is back to what it was;
- partial: the reply is an error naming every object left changed or UNKNOWN,
  and the change log marks exactly those rows.

Commands go through the `Runner` (with the confirmation click for risky ones),
the path every front end takes.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog, ChangeSetRecord
from bot.cucm.cluster import CucmCluster, SingleCluster
from commands.catalog import build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.runner import ConfirmationRequest, Outcome, Runner
from tests.e2e.hardening import write_log
from tests.integration.commands.conftest import FAST_RETRIES, FAULT_DELAY_S
from tests.integration.commands.simobjects import plant_device, plant_user

KINDS = ("timeout", "timeout_after", "reset", "http503", "axl_fault", "http401")
CTI = "Cisco CTIManager"
ACTOR = Actor(user_id="UFAULT", name="fault", channel_id="CFAULT")
_numbers = itertools.count(1)


@pytest.fixture
def runner(cucm: CucmCluster, tmp_path: Path, _migrated_changelog: Path) -> Runner:
    path = tmp_path / "changelog.db"
    shutil.copyfile(_migrated_changelog, path)
    engine = make_engine(f"sqlite:///{path}")
    return build_runner(SingleCluster(cucm), ChangeLog(engine), ConfirmationStore(engine), 900)


@pytest.fixture(autouse=True)
def _no_leftover_faults(sim: Any) -> Iterator[None]:
    yield
    sim.clear_faults()


def run(runner: Runner, text: str) -> Reply:
    """`/cti text` as an admin; a confirmation is clicked at once."""
    outcome: Outcome = runner.handle(text, ACTOR, Role.ADMIN)
    if isinstance(outcome, ConfirmationRequest):
        outcome = runner.decide(outcome.token, ACTOR, Role.ADMIN, True)
    assert isinstance(outcome, Reply), outcome
    return outcome


# ------------------------------------------------------------------ the workflows under test
#
# Each `prepare(sim, runner, n)` plants fresh objects for case n (setting up with
# clean runs where a workflow needs prior state) and returns the command text.


def _routepoint(sim: Any, runner: Runner, n: int) -> str:
    plant_user(sim, f"fm_rp{n}")
    return (
        f"create-routepoint RP_FM{n} 81{n:03d} partition=PT_CTI device-pool=DP_CTI "
        f"app-user=fm_rp{n}"
    )


def _add_line(sim: Any, runner: Runner, n: int) -> str:
    return f"add-line 82{n:03d} partition=PT_CTI cfna=6000 description=fm{n}"


def _update_line(sim: Any, runner: Runner, n: int) -> str:
    assert run(runner, f"add-line 83{n:03d} partition=PT_CTI cfna=6000").status == "ok"
    return f"update-line 83{n:03d} partition=PT_CTI cfna=6100 description=changed{n}"


def _ports(sim: Any, runner: Runner, n: int) -> str:
    plant_user(sim, f"fm_pt{n}")
    return (
        f"create-ports CTIFM{n}_{{1..2}} 84{n:03d}1-84{n:03d}2 partition=PT_CTI "
        f"device-pool=DP_CTI app-user=fm_pt{n}"
    )


def _associate(sim: Any, runner: Runner, n: int) -> str:
    plant_user(sim, f"fm_as{n}", devices=["RP_MAIN"])
    plant_device(sim, f"RP_FMAS{n}")
    return f"associate-device fm_as{n} RP_FMAS{n}"


def _group(sim: Any, runner: Runner, n: int) -> str:
    plant_user(sim, f"fm_gr{n}", groups=["Standard CCM End Users"])
    return f'add-user-to-group fm_gr{n} "Standard CTI Enabled"'


def _provision(sim: Any, runner: Runner, n: int) -> str:
    plant_user(sim, f"fm_pv{n}", groups=["Standard CCM End Users"])
    return (
        f"provision-app fm_pv{n} routepoint=RP_FMPV{n} dn=85{n:03d}0 ports=CPFM{n}_{{1..1}} "
        f"port-dns=85{n:03d}1 cfna=6000 device-pool=DP_CTI partition=PT_CTI"
    )


def _params(sim: Any, runner: Runner, n: int) -> str:
    return f"params set maximumdevicespernode {1000 + n}"


def _activate(sim: Any, runner: Runner, n: int) -> str:
    with sim.cluster.lock:
        state = sim.cluster.services[("cucm-pub", CTI)]
        state.activated, state.status = False, "Stopped"
        state.settles_at = state.restart_after = state.start_time = None
    return "service activate cucm-pub"


def _undo(sim: Any, runner: Runner, n: int) -> str:
    reply = run(runner, f"add-line 86{n:03d} partition=PT_CTI cfna=6000")
    assert reply.status == "ok" and reply.change_set_id is not None
    return f"undo {reply.change_set_id}"


def _remove_routepoint(sim: Any, runner: Runner, n: int) -> str:
    plant_user(sim, f"fm_rr{n}")
    created = run(
        runner,
        f"create-routepoint RP_FMRR{n} 87{n:03d} partition=PT_CTI device-pool=DP_CTI "
        f"app-user=fm_rr{n}",
    )
    assert created.status == "ok", created.as_text()
    return f"remove-routepoint RP_FMRR{n}"


WORKFLOWS: dict[str, Callable[[Any, Runner, int], str]] = {
    "create-routepoint": _routepoint,
    "add-line": _add_line,
    "update-line": _update_line,
    "create-ports": _ports,
    "associate-device": _associate,
    "add-user-to-group": _group,
    "provision-app": _provision,
    "params set": _params,
    "service activate": _activate,
    "undo": _undo,
    "remove-routepoint": _remove_routepoint,
}


# ------------------------------------------------------------------ independent views


def snapshot(sim: Any) -> dict[str, Any]:
    """The simulator's whole configuration, minus what CUCM regenerates (uuids, timers)."""

    def clean(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = dataclasses.asdict(value)
        if isinstance(value, dict):
            drop = {"uuid", "ctiid", "start_time", "settles_at", "restart_after", "status"}
            return {str(k): clean(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    with sim.cluster.lock:
        c = sim.cluster
        tables = {
            "devices": c.devices,
            "lines": c.lines,
            "users": c.users,
            "app_users": c.app_users,
            "service_parameters": c.service_parameters,
            "services": c.services,
        }
        return {name: clean(dict(table)) for name, table in tables.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = []
    for table in before:
        for name in sorted(set(before[table]) | set(after[table])):
            if before[table].get(name) != after[table].get(name):
                out.append(
                    f"{table}[{name}]: {before[table].get(name)} -> {after[table].get(name)}"
                )
    return out


def operations_of(sim: Any, runner: Runner, workflow: str) -> list[str]:
    """The write operations a clean run of the workflow sends, in order, from the sim's log."""
    text = WORKFLOWS[workflow](sim, runner, next(_numbers))
    sim.reset_counters()
    reply = run(runner, text)
    assert reply.status == "ok", reply.as_text()
    ops = list(dict.fromkeys(op for _, op in write_log(sim)))
    assert ops, f"{workflow} sent no write"
    return ops


def inject(sim: Any, operation: str, kind: str) -> None:
    if kind == "http503":
        sim.inject_fault(operation, kind, count=FAST_RETRIES.max_attempts + 1)  # beyond retries
    elif kind in ("timeout", "timeout_after"):
        sim.inject_fault(operation, kind, delay_s=FAULT_DELAY_S)
    elif kind == "axl_fault":
        sim.inject_fault(operation, kind, axlcode=5003, message="Injected fault for the matrix")
    else:
        sim.inject_fault(operation, kind)


def named(object_name: str, shown: str) -> bool:
    """Lines are logged as `DN/partition`; replies say `DN in partition`."""
    return object_name in shown or object_name.split("/")[0] in shown


def check_agreement(
    sim: Any,
    runner: Runner,
    text: str,
    reply: Reply,
    record: ChangeSetRecord,
    before: dict[str, Any],
    where: str,
) -> str:
    shown = reply.as_text()
    statuses = [c.status for c in record.changes]
    assert record.status in {"applied", "failed", "compensated", "partial"}, (where, record)
    assert "pending" not in statuses, (where, statuses)
    assert f"#{record.id}" in shown, (where, shown)
    if record.status == "applied":
        assert reply.status in ("ok", "warning"), (where, shown)
        assert set(statuses) == {"applied"}, (where, statuses)
        again = run(runner, f"{text} --dry-run") if not text.startswith("undo") else None
        if again is not None:  # CUCM holds the whole result: nothing left to do
            assert again.title.startswith("No change"), (where, again.as_text())
        return "applied"
    assert reply.status == "error", (where, shown)
    assert "applied" not in statuses, (where, statuses)
    failed = [c for c in record.changes if c.status in ("failed", "unknown")]
    assert len(failed) == 1, (where, statuses)
    assert named(failed[0].object_name, shown), (where, shown)
    if record.status in ("failed", "compensated"):
        assert "unknown" not in statuses and "compensation_failed" not in statuses
        assert ("compensated" in statuses) == (record.status == "compensated"), (where, statuses)
        after = snapshot(sim)
        assert after == before, (where, diff(before, after))
        return record.status
    # partial: every object left changed or in an unknown state is named, loudly.
    left = [c for c in record.changes if c.status in ("unknown", "compensation_failed")]
    assert left, (where, statuses)
    for change in left:
        assert named(change.object_name, shown), (where, change.object_name, shown)
    if any(c.status == "unknown" for c in left):
        assert "UNKNOWN" in shown, (where, shown)
    else:
        assert "compensation FAILED" in shown, (where, shown)
    return "partial"


@pytest.mark.slow  # ~70 s: 66 cases, still run by `make test`
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_fault_matrix(sim: Any, runner: Runner, workflow: str, kind: str) -> None:
    outcomes: dict[str, str] = {}
    for operation in operations_of(sim, runner, workflow):
        sim.clear_faults()
        text = WORKFLOWS[workflow](sim, runner, next(_numbers))
        before = snapshot(sim)
        inject(sim, operation, kind)
        try:
            reply = run(runner, text)
        finally:
            sim.clear_faults()
        where = f"{workflow} / {operation} / {kind}"
        assert reply.change_set_id is not None, (where, reply.as_text())
        record = runner.changelog.get(reply.change_set_id)
        assert record is not None
        assert operation in {c.operation for c in record.changes} or record.status == "applied"
        outcomes[operation] = check_agreement(sim, runner, text, reply, record, before, where)
    # A fault CUCM never acted on can never be reported as applied... unless the write was
    # re-sent after a 401/reset (nothing reached CUCM the first time) and then held.
    if kind in ("axl_fault", "http503"):
        assert "applied" not in outcomes.values(), outcomes
    print(workflow, kind, outcomes)
