"""Every /cti command end to end over signed HTTP: a CTI application's story, one step a test.

An operator provisions the CUCM side of CTI applications from Slack and an
admin does the risky parts, each command sent as a signed slash command to
the real HTTP stack, its plan confirmed with a signed button click where it
asks. After each write the test checks three things: the reply (Applied,
change-set id), the simulator's model read directly (not through the bot),
and the change-log rows in the bot's database.

Each test stands alone, in any order: it makes the objects it starts from
(planted in the simulator, or by an earlier step of the story sent within
the test), every name its own (`unique`), so the session-wide stack's other
tests never see them. A test names the commands it covers (`covers`), and one
test checks that every command is covered.
"""

from __future__ import annotations

import copy
import inspect
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.changelog.store import ChangeSetRecord
from bot.health.checks.base import CheckResult
from bot.health.store import alert_key
from commands.catalog import all_specs
from commands.engine.args import parse
from cucmsim.model import CTI_MANAGER, Device, Line, ServiceState, User, key
from tests.e2e import slack_helpers
from tests.e2e.conftest import ADMIN, OPERATOR, VIEWER, Stack, Unique
from tests.e2e.hardening import write_count
from tests.e2e.slack_helpers import change_set_id, text_of
from tests.integration.commands.simobjects import plant_device, plant_user

PT = "PT_CTI"
FALLBACK = "8400"  # where CFNA / CFOF send calls while the application is down
HEARTBEAT = "CtiApplicationHeartbeatMaxInterval"  # clusterwide: set on every node at once
NODES = ("cucm-pub", "cucm-sub1", "cucm-sub2")
Row = tuple[str, str, str]  # (operation, object type, object name)
TEST_ONLY = {"tparam set"}  # conftest's own workflow, not a product command
covers = pytest.mark.covers  # the commands a test is there to run end to end


class Cti:
    """Sends `/cti` commands for one test and notes which commands it sent."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sent: set[str] = set()

    def note(self, text: str) -> None:
        found = self.stack.bot.registry.resolve(parse(text).positionals)
        assert found is not None, text
        self.sent.add(found[0].spec.name)

    def run(self, text: str, user: str) -> dict[str, Any]:
        self.note(text)
        return slack_helpers.run(self.stack, text, user)

    def run_confirmed(self, text: str, user: str) -> dict[str, Any]:
        self.note(text)
        return slack_helpers.run_confirmed(self.stack, text, user)


@pytest.fixture
def cti(stack: Stack, request: pytest.FixtureRequest) -> Iterator[Cti]:
    """After the test: it did send every command it says it covers."""
    sender = Cti(stack)
    yield sender
    marker = request.node.get_closest_marker("covers")
    claimed = set(marker.args) if marker is not None else set()
    assert claimed <= sender.sent, f"covers {sorted(claimed - sender.sent)} but never sent them"


def app_user_of_its_own(stack: Stack, unique: Unique, **planted: Any) -> str:
    userid = unique.name("e2e_app")
    plant_user(stack.sim, userid, **planted)
    return userid


# ----------------------------------------------------------------------- independent reads


def line(stack: Stack, pattern: str, partition: str = PT) -> Line | None:
    with stack.sim.cluster.lock:
        return copy.deepcopy(stack.sim.cluster.lines.get((key(pattern), key(partition))))


def device(stack: Stack, name: str) -> Device | None:
    with stack.sim.cluster.lock:
        return copy.deepcopy(stack.sim.cluster.devices.get(key(name)))


def app_user(stack: Stack, userid: str) -> User:
    with stack.sim.cluster.lock:
        return copy.deepcopy(stack.sim.cluster.app_users[key(userid)])


def cti_manager(stack: Stack, node: str) -> ServiceState:
    with stack.sim.cluster.lock:
        return copy.deepcopy(stack.sim.cluster.services[(node, CTI_MANAGER)])


def parameter(stack: Stack, node: str, name: str) -> str:
    with stack.sim.cluster.lock:
        found = stack.sim.cluster.service_parameters[(key(node), key(CTI_MANAGER), key(name))]
        return found.value


def forwards(found: Line | None) -> dict[str, str | None]:
    assert found is not None
    return {block: fwd.destination for block, fwd in found.forwards.items() if fwd.destination}


def axl_count(stack: Stack, operation: str) -> int:
    return stack.sim.counters().get("axl", {}).get(operation, 0)


# ----------------------------------------------------------------------- the change log


def applied(
    stack: Stack, message: dict[str, object], command: str, actor: str, rows: list[Row]
) -> ChangeSetRecord:
    """The reply says Applied with its change set; the database holds exactly these writes."""
    text = text_of(message)
    assert "Applied" in text, text
    record = stack.bot.changelog.get(change_set_id(message))
    assert record is not None
    assert (record.command, record.status, record.actor_id) == (command, "applied", actor)
    assert record.error is None and record.finished_at is not None
    assert [(c.operation, c.object_type, c.object_name) for c in record.changes] == rows
    assert [c.status for c in record.changes] == ["applied"] * len(rows)
    return record


# ----------------------------------------------------------------------- earlier steps


def create_routepoint(cti: Cti, unique: Unique, userid: str) -> tuple[str, str, int]:
    """A route point of this test's own on a DN of its own, controlled by `userid`.

    Returns its name, its DN and the change set that created it.
    """
    rp, dn = unique.name("RP_E2E"), unique.dn()
    text = f"create-routepoint {rp} {dn} partition={PT} device-pool=DP_CTI app-user={userid}"
    message = cti.run(text, OPERATOR)
    assert "Applied" in text_of(message), text_of(message)
    return rp, dn, change_set_id(message)


# ----------------------------------------------------------------------- reads


READS = [
    ("help", VIEWER, ["/cti version", "/cti params show", "/cti log"], ["/cti undo"]),
    ("whoami", OPERATOR, [OPERATOR, "operator"], ["admin"]),
    ("version", VIEWER, ["lab", "12.5.1.11900-146", "0 unreachable"], []),
    ("service status", VIEWER, ["cucm-sub1", "cucm-sub2", "Started"], []),
    (
        "params show node=cucm-sub1",
        VIEWER,
        ["Maximum Devices Per Node", "CtiMaxDevicesPerNode", "cucm-sub1"],
        ["cucm-sub2"],
    ),
    ("health", VIEWER, ["CTI health of lab", "cucm-sub1", "Started"], []),
]


@pytest.mark.parametrize(
    ("text", "user", "present", "absent"), READS, ids=[r[0].split()[0] for r in READS]
)
def test_read_commands(
    stack: Stack, cti: Cti, text: str, user: str, present: list[str], absent: list[str]
) -> None:
    writes = write_count(stack.sim)
    reply = text_of(cti.run(text, user))
    for expected in present:
        assert expected in reply, (expected, reply)
    for unexpected in absent:
        assert unexpected not in reply, (unexpected, reply)
    assert write_count(stack.sim) == writes


@covers("capacity")
def test_capacity_charts_the_sweeps_samples(stack: Stack, cti: Cti) -> None:
    stack.bot.monitor.scheduler.run("lab", "limits")  # a sweep records the samples charted
    writes = write_count(stack.sim)
    reply = text_of(cti.run("capacity --since 7d", VIEWER))
    assert "CTI capacity of lab, last 7d" in reply and "Node cucm-" in reply, reply
    assert write_count(stack.sim) == writes


@covers("preflight")
def test_preflight_names_the_missing_group_and_the_fix(
    stack: Stack, cti: Cti, unique: Unique
) -> None:
    userid = app_user_of_its_own(stack, unique)
    reply = text_of(cti.run(f"preflight app-user={userid} device-pool=DP_CTI", VIEWER))
    assert "Standard CTI Enabled" in reply and f"/cti add-user-to-group {userid}" in reply, reply
    assert "CMG_Sub1_Sub2" in reply


@covers("doctor")
def test_doctor_posts_its_summary_and_the_findings_in_the_thread(stack: Stack, cti: Cti) -> None:
    posts = slack_helpers.delivered(stack, "chat.postMessage")
    writes = write_count(stack.sim)
    cti.note("doctor")
    response, _ = stack.peer.command("doctor", ADMIN)
    assert response.status_code == 200, response.text
    head, details = (
        c.params for c in stack.fake.wait_for("chat.postMessage", count=posts + 2)[-2:]
    )
    assert "thread_ts" not in head and details["thread_ts"]
    assert "Doctor of lab" in text_of(head) and "passed" in text_of(head)
    assert "✓ credentials: AXL user axladmin" not in text_of(head)
    found = text_of(details)
    for check in ("credentials", "permissions", "params", "limits"):
        assert f"✓ {check}:" in found, found
    assert "✗" not in found, found
    assert write_count(stack.sim) == writes


# ----------------------------------------------------------------------- writes


@covers("add-user-to-group")
def test_add_user_to_group(stack: Stack, cti: Cti, unique: Unique) -> None:
    userid = app_user_of_its_own(stack, unique)
    message = cti.run(f"add-user-to-group {userid} enabled", OPERATOR)
    applied(stack, message, "add-user-to-group", OPERATOR, [("updateAppUser", "app_user", userid)])
    assert app_user(stack, userid).groups == ["Standard CTI Enabled"]
    reply = text_of(cti.run(f"preflight app-user={userid} device-pool=DP_CTI", VIEWER))
    assert f"/cti add-user-to-group {userid}" not in reply, reply


@covers("add-line")
def test_add_line_with_redundancy_forwards(stack: Stack, cti: Cti, unique: Unique) -> None:
    dn = unique.dn()
    message = cti.run(
        f'add-line {dn} partition={PT} cfna={FALLBACK} cfof={FALLBACK} description="E2E overflow"',
        OPERATOR,
    )
    applied(stack, message, "add-line", OPERATOR, [("addLine", "line", f"{dn}/{PT}")])
    found = line(stack, dn)
    assert found is not None and found.description == "E2E overflow"
    assert forwards(found) == {
        "callForwardNoAnswer": FALLBACK,
        "callForwardNoAnswerInt": FALLBACK,
        "callForwardOnFailure": FALLBACK,
    }


@covers("update-line")
def test_update_line(stack: Stack, cti: Cti, unique: Unique) -> None:
    dn, busy = unique.dns(2)
    added = cti.run(f"add-line {dn} partition={PT} cfna={FALLBACK} cfof={FALLBACK}", OPERATOR)
    assert "Applied" in text_of(added), text_of(added)
    message = cti.run(f"update-line {dn} partition={PT} cfna={busy} cfnr={busy}", OPERATOR)
    applied(stack, message, "update-line", OPERATOR, [("updateLine", "line", f"{dn}/{PT}")])
    assert forwards(line(stack, dn)) == {
        "callForwardNoAnswer": busy,
        "callForwardNoAnswerInt": busy,
        "callForwardOnFailure": FALLBACK,
        "callForwardNotRegistered": busy,
    }


@covers("create-routepoint")
def test_create_routepoint_with_app_user(stack: Stack, cti: Cti, unique: Unique) -> None:
    userid = app_user_of_its_own(stack, unique)
    rp, dn = unique.name("RP_E2E"), unique.dn()
    applies = axl_count(stack, "applyCtiRoutePoint")
    message = cti.run(
        f"create-routepoint {rp} {dn} partition={PT} device-pool=DP_CTI max-calls=20 "
        f"busy-trigger=18 cfna={FALLBACK} cfof={FALLBACK} app-user={userid}",
        OPERATOR,
    )
    applied(
        stack,
        message,
        "create-routepoint",
        OPERATOR,
        [
            ("addLine", "line", f"{dn}/{PT}"),
            ("addCtiRoutePoint", "route_point", rp),
            ("updateAppUser", "app_user", userid),
            ("applyCtiRoutePoint", "route_point", rp),
        ],
    )
    found = device(stack, rp)
    assert found is not None and found.product == "CTI Route Point"
    assert found.device_pool == "DP_CTI"
    assert [(a.pattern, a.partition, a.max_num_calls, a.busy_trigger) for a in found.lines] == [
        (dn, PT, 20, 18)
    ]
    assert forwards(line(stack, dn)) == {
        "callForwardNoAnswer": FALLBACK,
        "callForwardNoAnswerInt": FALLBACK,
        "callForwardOnFailure": FALLBACK,
    }
    assert app_user(stack, userid).associated_devices == [rp]
    assert axl_count(stack, "applyCtiRoutePoint") == applies + 1


@covers("update-routepoint")
def test_update_routepoint(stack: Stack, cti: Cti, unique: Unique) -> None:
    rp, _, _ = create_routepoint(cti, unique, app_user_of_its_own(stack, unique))
    text = f'update-routepoint {rp} max-calls=30 busy-trigger=25 description="E2E IVR"'
    message = cti.run(text, OPERATOR)
    applied(
        stack,
        message,
        "update-routepoint",
        OPERATOR,
        [("updateCtiRoutePoint", "route_point", rp), ("applyCtiRoutePoint", "route_point", rp)],
    )
    found = device(stack, rp)
    assert found is not None and found.description == "E2E IVR"
    assert (found.lines[0].max_num_calls, found.lines[0].busy_trigger) == (30, 25)


@covers("sync-routepoint")
def test_sync_routepoint(stack: Stack, cti: Cti, unique: Unique) -> None:
    rp, _, _ = create_routepoint(cti, unique, app_user_of_its_own(stack, unique))
    applies = axl_count(stack, "applyCtiRoutePoint")
    message = cti.run(f"sync-routepoint {rp}", OPERATOR)
    applied(
        stack, message, "sync-routepoint", OPERATOR, [("applyCtiRoutePoint", "route_point", rp)]
    )
    assert axl_count(stack, "applyCtiRoutePoint") == applies + 1


@covers("create-ports")
def test_create_a_few_ports_for_the_app_user(stack: Stack, cti: Cti, unique: Unique) -> None:
    userid = app_user_of_its_own(stack, unique)
    base, dns = unique.name("E2E"), unique.dns(4)
    names = [f"{base}P{n}" for n in range(1, 5)]
    message = cti.run(
        f"create-ports {base}P{{1..4}} {dns[0]}-{dns[-1]} partition={PT} device-pool=DP_CTI "
        f"app-user={userid} cfna={FALLBACK} cfof={FALLBACK}",
        OPERATOR,
    )
    rows: list[Row] = []
    for name, dn in zip(names, dns, strict=True):
        rows += [("addLine", "line", f"{dn}/{PT}"), ("addPhone", "cti_port", name)]
    applied(
        stack, message, "create-ports", OPERATOR, [*rows, ("updateAppUser", "app_user", userid)]
    )
    for name, dn in zip(names, dns, strict=True):
        port = device(stack, name)
        assert port is not None and port.product == "CTI Port", name
        assert [(a.pattern, a.partition) for a in port.lines] == [(dn, PT)]  # one line each
        assert forwards(line(stack, dn))["callForwardOnFailure"] == FALLBACK
    assert sorted(app_user(stack, userid).associated_devices) == sorted(names)


def create_eleven_ports(cti: Cti, unique: Unique) -> tuple[dict[str, Any], list[str], list[str]]:
    """Eleven ports of this test's own, confirmed (more than ten asks first).

    Returns the outcome message, the ports' names and their DNs.
    """
    base, dns = unique.name("E2E"), unique.dns(11)
    message = cti.run_confirmed(
        f"create-ports {base}Q{{01..11}} {dns[0]}-{dns[-1]} partition={PT} device-pool=DP_CTI",
        OPERATOR,
    )
    return message, [f"{base}Q{n:02d}" for n in range(1, 12)], dns


@covers("create-ports")
def test_create_more_than_ten_ports_asks_first(stack: Stack, cti: Cti, unique: Unique) -> None:
    message, names, dns = create_eleven_ports(cti, unique)
    rows: list[Row] = []
    for name, dn in zip(names, dns, strict=True):
        rows += [("addLine", "line", f"{dn}/{PT}"), ("addPhone", "cti_port", name)]
    applied(stack, message, "create-ports", OPERATOR, rows)
    assert all(device(stack, name) is not None for name in names)
    assert line(stack, dns[-1]) is not None


def ports_of_its_own(stack: Stack, unique: Unique, count: int) -> list[str]:
    names = [unique.name("E2EPORT") for _ in range(count)]
    for name in names:
        plant_device(stack.sim, name, port=True)
    return names


@covers("associate-device")
def test_associate_device(stack: Stack, cti: Cti, unique: Unique) -> None:
    userid = app_user_of_its_own(stack, unique)
    ports = ports_of_its_own(stack, unique, 3)
    message = cti.run(f"associate-device {userid} {' '.join(ports)}", OPERATOR)
    applied(stack, message, "associate-device", OPERATOR, [("updateAppUser", "app_user", userid)])
    assert sorted(app_user(stack, userid).associated_devices) == sorted(ports)


@covers("dissociate-device")
def test_dissociate_device_is_confirmed_first(stack: Stack, cti: Cti, unique: Unique) -> None:
    ports = ports_of_its_own(stack, unique, 3)
    userid = app_user_of_its_own(stack, unique, devices=ports)
    message = cti.run_confirmed(f"dissociate-device {userid} {ports[1]}", OPERATOR)
    applied(stack, message, "dissociate-device", OPERATOR, [("updateAppUser", "app_user", userid)])
    assert sorted(app_user(stack, userid).associated_devices) == sorted([ports[0], ports[2]])


@covers("add-user-to-group")
def test_add_recording_groups(stack: Stack, cti: Cti, unique: Unique) -> None:
    userid = app_user_of_its_own(stack, unique)
    message = cti.run(
        f'add-user-to-group {userid} enabled "standard cti allow call recording"', OPERATOR
    )
    applied(stack, message, "add-user-to-group", OPERATOR, [("updateAppUser", "app_user", userid)])
    assert sorted(app_user(stack, userid).groups) == [
        "Standard CTI Allow Call Recording",  # written in CUCM's spelling
        "Standard CTI Enabled",
    ]


@covers("remove-user-from-group")
def test_remove_user_from_group_is_confirmed_first(stack: Stack, cti: Cti, unique: Unique) -> None:
    groups = ["Standard CTI Enabled", "Standard CTI Allow Call Recording"]
    userid = app_user_of_its_own(stack, unique, groups=groups)
    message = cti.run_confirmed(
        f'remove-user-from-group {userid} "Standard CTI Allow Call Recording"', OPERATOR
    )
    applied(
        stack,
        message,
        "remove-user-from-group",
        OPERATOR,
        [("updateAppUser", "app_user", userid)],
    )
    assert app_user(stack, userid).groups == ["Standard CTI Enabled"]


@covers("provision-app")
def test_provision_app_in_one_change_set(stack: Stack, cti: Cti, unique: Unique) -> None:
    userid = app_user_of_its_own(stack, unique)
    rp, base, dns = unique.name("RP_E2E"), unique.name("E2E"), unique.dns(3)
    message = cti.run(
        f"provision-app {userid} routepoint={rp} dn={dns[0]} ports={base}A{{1..2}} "
        f"port-dns={dns[1]}-{dns[2]} cfna={FALLBACK} cfof={FALLBACK} device-pool=DP_CTI "
        f"partition={PT}",
        OPERATOR,
    )
    record = applied(
        stack,
        message,
        "provision-app",
        OPERATOR,
        [
            *[("addLine", "line", f"{dn}/{PT}") for dn in dns],
            ("addCtiRoutePoint", "route_point", rp),
            ("addPhone", "cti_port", f"{base}A1"),
            ("addPhone", "cti_port", f"{base}A2"),
            ("updateAppUser", "app_user", userid),
            ("applyCtiRoutePoint", "route_point", rp),
        ],
    )
    user = app_user(stack, userid)
    assert sorted(user.associated_devices) == sorted([f"{base}A1", f"{base}A2", rp])
    assert user.groups == ["Standard CTI Enabled"]
    assert record.changes[6].after is not None
    assert "Standard CTI Enabled" in record.changes[6].after["groups"]
    for dn in dns:
        assert forwards(line(stack, dn)) == {
            "callForwardNoAnswer": FALLBACK,
            "callForwardNoAnswerInt": FALLBACK,
            "callForwardOnFailure": FALLBACK,
        }


def _heartbeat_rows(nodes: tuple[str, ...]) -> list[Row]:
    return [
        ("updateServiceParameter", "service_parameter", f"{node}/{CTI_MANAGER}/{HEARTBEAT}")
        for node in nodes
    ]


@covers("params set", "undo")
def test_params_set_is_confirmed_first_and_undo_restores_it(stack: Stack, cti: Cti) -> None:
    """A clusterwide parameter: every node in one change set, never one node alone.

    The parameter is the cluster's, not this test's: undo puts it back as seeded.
    """
    assert {parameter(stack, node, HEARTBEAT) for node in NODES} == {"3600"}
    message = cti.run_confirmed('params set "Application Heartbeat Maximum Interval" 600', ADMIN)
    record = applied(stack, message, "params set", ADMIN, _heartbeat_rows(NODES))
    for change in record.changes:
        assert change.before is not None and change.after is not None
        assert (change.before["value"], change.after["value"]) == ("3600", "600")
    assert {parameter(stack, node, HEARTBEAT) for node in NODES} == {"600"}

    message = cti.run_confirmed(f"undo {record.id}", ADMIN)
    undo = applied(stack, message, "undo", ADMIN, _heartbeat_rows(NODES[::-1]))
    assert undo.undo_of == record.id
    assert {parameter(stack, node, HEARTBEAT) for node in NODES} == {"3600"}


@covers("service activate", "service restart", "service deactivate")
def test_service_activate_restart_deactivate(stack: Stack, cti: Cti) -> None:
    """CTIManager on the publisher: off -> activated -> restarted -> off again, as seeded."""
    row = [("soapDoServiceDeployment", "service", f"cucm-pub/{CTI_MANAGER}")]
    assert not cti_manager(stack, "cucm-pub").activated
    message = cti.run_confirmed("service activate cucm-pub", ADMIN)
    applied(stack, message, "service activate", ADMIN, row)
    started = cti_manager(stack, "cucm-pub")
    assert started.activated and started.status == "Started" and started.start_time

    message = cti.run_confirmed("service restart cucm-pub", ADMIN)
    restart = [("soapDoControlServices", "service", f"cucm-pub/{CTI_MANAGER}")]
    applied(stack, message, "service restart", ADMIN, restart)
    restarted = cti_manager(stack, "cucm-pub")
    assert restarted.status == "Started" and restarted.start_time
    assert restarted.start_time > started.start_time

    message = cti.run_confirmed("service deactivate cucm-pub", ADMIN)
    applied(stack, message, "service deactivate", ADMIN, row)
    stopped = cti_manager(stack, "cucm-pub")
    assert not stopped.activated and stopped.status == "Stopped"


@covers("remove-routepoint")
def test_remove_routepoint_is_confirmed_first(stack: Stack, cti: Cti, unique: Unique) -> None:
    (port,) = ports_of_its_own(stack, unique, 1)
    userid = app_user_of_its_own(stack, unique, devices=[port])
    rp, dn, _ = create_routepoint(cti, unique, userid)
    message = cti.run_confirmed(f"remove-routepoint {rp}", ADMIN)
    applied(
        stack,
        message,
        "remove-routepoint",
        ADMIN,
        [
            ("updateAppUser", "app_user", userid),
            ("removeCtiRoutePoint", "route_point", rp),
            ("removeLine", "line", f"{dn}/{PT}"),
        ],
    )
    assert device(stack, rp) is None and line(stack, dn) is None
    assert app_user(stack, userid).associated_devices == [port]  # the port stays


@covers("remove-ports")
def test_remove_ports_of_a_range_is_confirmed_first(stack: Stack, cti: Cti, unique: Unique) -> None:
    created, names, dns = create_eleven_ports(cti, unique)
    assert "Applied" in text_of(created), text_of(created)
    base = names[0].removesuffix("Q01")
    message = cti.run_confirmed(f"remove-ports {base}Q{{04..11}}", ADMIN)
    rows: list[Row] = [("removePhone", "cti_port", name) for name in names[3:]]
    rows += [("removeLine", "line", f"{dn}/{PT}") for dn in dns[3:]]
    applied(stack, message, "remove-ports", ADMIN, rows)
    assert all(device(stack, name) is None for name in names[3:])
    assert line(stack, dns[-1]) is None and line(stack, dns[2]) is not None
    assert device(stack, names[2]) is not None  # outside the range


@covers("create-routepoint")
def test_dry_run_writes_nothing(stack: Stack, cti: Cti, unique: Unique) -> None:
    rp, dn = unique.name("RP_E2E"), unique.dn()
    writes = write_count(stack.sim)
    message = cti.run(f"create-routepoint {rp} {dn} partition={PT} --dry-run", OPERATOR)
    text = text_of(message)
    assert "Dry run" in text and "Applied" not in text, text
    record = stack.bot.changelog.query(actor_id=OPERATOR, limit=1)[0]  # the reply names none
    assert rp in record.command_text
    assert (record.command, record.status, record.changes) == ("create-routepoint", "dry_run", ())
    assert write_count(stack.sim) == writes
    assert device(stack, rp) is None and line(stack, dn) is None


# ----------------------------------------------------------------------- reads of the record


@covers("log")
def test_log_lists_the_route_point_story(stack: Stack, cti: Cti, unique: Unique) -> None:
    rp, _, created = create_routepoint(cti, unique, app_user_of_its_own(stack, unique))
    removed = change_set_id(cti.run_confirmed(f"remove-routepoint {rp}", ADMIN))
    other = change_set_id(cti.run(f"add-line {unique.dn()} partition={PT}", OPERATOR))
    reply = text_of(cti.run(f"log object={rp}", VIEWER))
    for set_id in (created, removed):
        assert f"#{set_id}" in reply, (set_id, reply)
    assert f"#{other} " not in reply  # other objects filtered out


@covers("show-change")
def test_show_change_shows_every_write(stack: Stack, cti: Cti, unique: Unique) -> None:
    rp, _, set_id = create_routepoint(cti, unique, app_user_of_its_own(stack, unique))
    reply = text_of(cti.run(f"show-change {set_id}", VIEWER))
    assert f"Change set #{set_id}" in reply
    for operation in (
        "Add Directory Number",
        "Add CTI Route Point",
        "Update Application User",
        "Apply Config to CTI Route Point",
    ):
        assert operation in reply, (operation, reply)
    assert rp in reply and "applied" in reply


@covers("silence", "silences", "unsilence")
def test_silence_silences_unsilence(stack: Stack, cti: Cti) -> None:
    def active() -> list[int]:
        return [s.id for s in stack.bot.monitor.store.silences(datetime.now(UTC))]

    message = cti.run("silence node cucm-sub2 1h e2e maintenance", OPERATOR)
    text = text_of(message)
    assert "Silence #" in text, text
    silence_id = int(text.split("Silence #", 1)[1].split(":", 1)[0])
    assert silence_id in active()
    listed = text_of(cti.run("silences", VIEWER))
    assert f"#{silence_id}" in listed and "cucm-sub2" in listed and "e2e maintenance" in listed
    assert "ended" in text_of(cti.run(f"unsilence {silence_id}", OPERATOR))
    assert silence_id not in active()
    assert f"#{silence_id} " not in text_of(cti.run("silences", VIEWER))


@covers("alert ack", "alert silence")
def test_alert_ack_and_silence_typed_as_the_buttons_send_them(
    stack: Stack, cti: Cti, unique: Unique
) -> None:
    """An alert of this test's own (a check no sweep runs), resolved again at the end.

    This stack never starts the alert notifier, so the alert is never posted to Slack:
    the commands are typed, with the id the buttons would carry.
    """
    engine = stack.bot.monitor.alerts
    subject = unique.name("e2e-subject-")
    failing = CheckResult("lab", "e2e", subject, False, "critical", f"{subject} failing")
    for _ in range(engine.settings.fire_after):
        engine.process("lab", "e2e", [failing])
    alert = engine.store.get_alert(alert_key("lab", "e2e", subject))
    assert alert is not None and alert.state == "firing"
    try:
        acked = text_of(cti.run(f"alert ack {alert.id}", OPERATOR))
        assert "Acknowledged" in acked, acked
        found = engine.store.get_alert_by_id(alert.id)
        assert found is not None and (found.state, found.acked_by) == ("acknowledged", OPERATOR)

        silenced = text_of(cti.run(f"alert silence {alert.id} 1h e2e patching", OPERATOR))
        assert "Silenced for 1h" in silenced, silenced
        found = engine.store.get_alert_by_id(alert.id)
        assert found is not None and found.state == "silenced"
    finally:
        for _ in range(engine.settings.resolve_after):
            engine.process("lab", "e2e", [])  # a complete run without it: it passes
    resolved = engine.store.get_alert_by_id(alert.id)
    assert resolved is not None and resolved.state == "resolved"


def test_every_command_is_covered_end_to_end(stack: Stack) -> None:
    """Guards the claim above: a new command fails here until a test here covers it."""
    covered: set[str] = set()
    for name, test in inspect.getmembers(sys.modules[__name__], inspect.isfunction):
        marks = getattr(test, "pytestmark", []) if name.startswith("test_") else []
        covered |= {arg for mark in marks if mark.name == "covers" for arg in mark.args}
    for text, *_ in READS:
        found = stack.bot.registry.resolve(parse(text).positionals)
        assert found is not None, text
        covered.add(found[0].spec.name)
    assert {spec.name for spec in all_specs()} - TEST_ONLY - covered == set()
