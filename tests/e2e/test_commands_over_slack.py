"""Every /cti command end to end over signed HTTP: one CTI application's story.

An operator provisions the CUCM side of two CTI applications from Slack and
an admin does the risky parts, each command sent as a signed slash command
to the real HTTP stack, its plan confirmed with a signed button click where
it asks. After each write the test checks three things: the reply (Applied,
change-set id), the simulator's model read directly (not through the bot),
and the change-log rows in the bot's database.

The steps run in file order and build on each other (a route point is
updated after it was created); every object name is this module's own, so
the session-wide stack's other tests never see them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.changelog.store import ChangeSetRecord
from commands.catalog import all_specs
from commands.engine.args import parse
from cucmsim.model import CTI_MANAGER, Device, Line, ServiceState, User, key
from tests.e2e import slack_helpers
from tests.e2e.conftest import ADMIN, OPERATOR, VIEWER, Stack
from tests.e2e.hardening import write_count
from tests.e2e.slack_helpers import change_set_id, text_of
from tests.integration.commands.simobjects import plant_user

PT = "PT_CTI"
IVR, REC, APP = "e2e_ivr", "e2e_rec", "e2e_app"  # application users of this story
RP = "RP_E2E_IVR"
FALLBACK = "8400"  # where CFNA / CFOF send calls while the application is down
HEARTBEAT = "CtiApplicationHeartbeatMaxInterval"  # clusterwide: set on every node at once
NODES = ("cucm-pub", "cucm-sub1", "cucm-sub2")
Row = tuple[str, str, str]  # (operation, object type, object name)
TEST_ONLY = {"tparam set"}  # conftest's own workflow, not a product command

RAN: set[str] = set()  # every command this module sent, by registry name


def _note(stack: Stack, text: str) -> None:
    found = stack.bot.registry.resolve(parse(text).positionals)
    assert found is not None, text
    RAN.add(found[0].spec.name)


def run(stack: Stack, text: str, user: str) -> dict[str, Any]:
    _note(stack, text)
    return slack_helpers.run(stack, text, user)


def run_confirmed(stack: Stack, text: str, user: str) -> dict[str, Any]:
    _note(stack, text)
    return slack_helpers.run_confirmed(stack, text, user)


@dataclass
class Story:
    """Change-set ids of earlier steps, for the steps that refer back to them."""

    sets: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def story(stack: Stack) -> Iterator[Story]:
    for userid in (IVR, REC, APP):
        plant_user(stack.sim, userid)
    yield Story()


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
    ("capacity --since 7d", VIEWER, ["CTI capacity of lab, last 7d", "Node cucm-"], []),
]


@pytest.mark.parametrize(
    ("text", "user", "present", "absent"), READS, ids=[r[0].split()[0] for r in READS]
)
def test_read_commands(
    stack: Stack, text: str, user: str, present: list[str], absent: list[str]
) -> None:
    writes = write_count(stack.sim)
    reply = text_of(run(stack, text, user))
    for expected in present:
        assert expected in reply, (expected, reply)
    for unexpected in absent:
        assert unexpected not in reply, (unexpected, reply)
    assert write_count(stack.sim) == writes


def test_preflight_names_the_missing_group_and_the_fix(stack: Stack, story: Story) -> None:
    reply = text_of(run(stack, f"preflight app-user={IVR} device-pool=DP_CTI", VIEWER))
    assert "Standard CTI Enabled" in reply and f"/cti add-user-to-group {IVR}" in reply, reply
    assert "CMG_Sub1_Sub2" in reply


def test_doctor_posts_its_summary_and_the_findings_in_the_thread(stack: Stack) -> None:
    posts = len(stack.fake.calls_to("chat.postMessage"))
    writes = write_count(stack.sim)
    _note(stack, "doctor")
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


# ----------------------------------------------------------------------- writes, in story order


def test_add_user_to_group(stack: Stack, story: Story) -> None:
    message = run(stack, f"add-user-to-group {IVR} enabled", OPERATOR)
    applied(stack, message, "add-user-to-group", OPERATOR, [("updateAppUser", "app_user", IVR)])
    assert app_user(stack, IVR).groups == ["Standard CTI Enabled"]
    reply = text_of(run(stack, f"preflight app-user={IVR} device-pool=DP_CTI", VIEWER))
    assert f"/cti add-user-to-group {IVR}" not in reply, reply


def test_add_line_with_redundancy_forwards(stack: Stack, story: Story) -> None:
    message = run(
        stack,
        f'add-line 8401 partition={PT} cfna={FALLBACK} cfof={FALLBACK} description="E2E overflow"',
        OPERATOR,
    )
    applied(stack, message, "add-line", OPERATOR, [("addLine", "line", f"8401/{PT}")])
    found = line(stack, "8401")
    assert found is not None and found.description == "E2E overflow"
    assert forwards(found) == {
        "callForwardNoAnswer": FALLBACK,
        "callForwardNoAnswerInt": FALLBACK,
        "callForwardOnFailure": FALLBACK,
    }


def test_update_line(stack: Stack, story: Story) -> None:
    message = run(stack, f"update-line 8401 partition={PT} cfna=8409 cfnr=8409", OPERATOR)
    applied(stack, message, "update-line", OPERATOR, [("updateLine", "line", f"8401/{PT}")])
    assert forwards(line(stack, "8401")) == {
        "callForwardNoAnswer": "8409",
        "callForwardNoAnswerInt": "8409",
        "callForwardOnFailure": FALLBACK,
        "callForwardNotRegistered": "8409",
    }


def test_create_routepoint_with_app_user(stack: Stack, story: Story) -> None:
    applies = axl_count(stack, "applyCtiRoutePoint")
    message = run(
        stack,
        f"create-routepoint {RP} 8410 partition={PT} device-pool=DP_CTI max-calls=20 "
        f"busy-trigger=18 cfna={FALLBACK} cfof={FALLBACK} app-user={IVR}",
        OPERATOR,
    )
    record = applied(
        stack,
        message,
        "create-routepoint",
        OPERATOR,
        [
            ("addLine", "line", f"8410/{PT}"),
            ("addCtiRoutePoint", "route_point", RP),
            ("updateAppUser", "app_user", IVR),
            ("applyCtiRoutePoint", "route_point", RP),
        ],
    )
    story.sets["create-routepoint"] = record.id
    rp = device(stack, RP)
    assert rp is not None and rp.product == "CTI Route Point" and rp.device_pool == "DP_CTI"
    assert [(a.pattern, a.partition, a.max_num_calls, a.busy_trigger) for a in rp.lines] == [
        ("8410", PT, 20, 18)
    ]
    assert forwards(line(stack, "8410")) == {
        "callForwardNoAnswer": FALLBACK,
        "callForwardNoAnswerInt": FALLBACK,
        "callForwardOnFailure": FALLBACK,
    }
    assert app_user(stack, IVR).associated_devices == [RP]
    assert axl_count(stack, "applyCtiRoutePoint") == applies + 1


def test_update_routepoint(stack: Stack, story: Story) -> None:
    text = f'update-routepoint {RP} max-calls=30 busy-trigger=25 description="E2E IVR"'
    message = run(stack, text, OPERATOR)
    applied(
        stack,
        message,
        "update-routepoint",
        OPERATOR,
        [("updateCtiRoutePoint", "route_point", RP), ("applyCtiRoutePoint", "route_point", RP)],
    )
    rp = device(stack, RP)
    assert rp is not None and rp.description == "E2E IVR"
    assert (rp.lines[0].max_num_calls, rp.lines[0].busy_trigger) == (30, 25)


def test_sync_routepoint(stack: Stack, story: Story) -> None:
    applies = axl_count(stack, "applyCtiRoutePoint")
    message = run(stack, f"sync-routepoint {RP}", OPERATOR)
    applied(
        stack, message, "sync-routepoint", OPERATOR, [("applyCtiRoutePoint", "route_point", RP)]
    )
    assert axl_count(stack, "applyCtiRoutePoint") == applies + 1


def test_create_a_few_ports_for_the_app_user(stack: Stack, story: Story) -> None:
    names, dns = [f"E2EP{n}" for n in range(1, 5)], [f"842{n}" for n in range(1, 5)]
    message = run(
        stack,
        f"create-ports E2EP{{1..4}} 8421-8424 partition={PT} device-pool=DP_CTI "
        f"app-user={IVR} cfna={FALLBACK} cfof={FALLBACK}",
        OPERATOR,
    )
    rows: list[Row] = []
    for name, dn in zip(names, dns, strict=True):
        rows += [("addLine", "line", f"{dn}/{PT}"), ("addPhone", "cti_port", name)]
    applied(stack, message, "create-ports", OPERATOR, [*rows, ("updateAppUser", "app_user", IVR)])
    for name, dn in zip(names, dns, strict=True):
        port = device(stack, name)
        assert port is not None and port.product == "CTI Port", name
        assert [(a.pattern, a.partition) for a in port.lines] == [(dn, PT)]  # one line each
        assert forwards(line(stack, dn))["callForwardOnFailure"] == FALLBACK
    assert sorted(app_user(stack, IVR).associated_devices) == sorted([RP, *names])


def test_create_more_than_ten_ports_asks_first(stack: Stack, story: Story) -> None:
    names = [f"E2EQ{n:02d}" for n in range(1, 12)]
    message = run_confirmed(
        stack, f"create-ports E2EQ{{01..11}} 8431-8441 partition={PT} device-pool=DP_CTI", OPERATOR
    )
    rows: list[Row] = []
    for n, name in enumerate(names):
        rows += [("addLine", "line", f"{8431 + n}/{PT}"), ("addPhone", "cti_port", name)]
    applied(stack, message, "create-ports", OPERATOR, rows)
    assert all(device(stack, name) is not None for name in names)
    assert line(stack, "8441") is not None


def test_associate_device(stack: Stack, story: Story) -> None:
    message = run(stack, f"associate-device {REC} E2EQ01 E2EQ02 E2EQ03", OPERATOR)
    applied(stack, message, "associate-device", OPERATOR, [("updateAppUser", "app_user", REC)])
    assert sorted(app_user(stack, REC).associated_devices) == ["E2EQ01", "E2EQ02", "E2EQ03"]


def test_dissociate_device_is_confirmed_first(stack: Stack, story: Story) -> None:
    message = run_confirmed(stack, f"dissociate-device {REC} E2EQ02", OPERATOR)
    applied(stack, message, "dissociate-device", OPERATOR, [("updateAppUser", "app_user", REC)])
    assert sorted(app_user(stack, REC).associated_devices) == ["E2EQ01", "E2EQ03"]


def test_add_recording_groups(stack: Stack, story: Story) -> None:
    message = run(
        stack, f'add-user-to-group {REC} enabled "standard cti allow call recording"', OPERATOR
    )
    applied(stack, message, "add-user-to-group", OPERATOR, [("updateAppUser", "app_user", REC)])
    assert sorted(app_user(stack, REC).groups) == [
        "Standard CTI Allow Call Recording",  # written in CUCM's spelling
        "Standard CTI Enabled",
    ]


def test_remove_user_from_group_is_confirmed_first(stack: Stack, story: Story) -> None:
    message = run_confirmed(
        stack, f'remove-user-from-group {REC} "Standard CTI Allow Call Recording"', OPERATOR
    )
    applied(
        stack, message, "remove-user-from-group", OPERATOR, [("updateAppUser", "app_user", REC)]
    )
    assert app_user(stack, REC).groups == ["Standard CTI Enabled"]


def test_provision_app_in_one_change_set(stack: Stack, story: Story) -> None:
    message = run(
        stack,
        f"provision-app {APP} routepoint=RP_E2E_APP dn=8450 ports=E2EA{{1..2}} "
        f"port-dns=8451-8452 cfna={FALLBACK} cfof={FALLBACK} device-pool=DP_CTI partition={PT}",
        OPERATOR,
    )
    record = applied(
        stack,
        message,
        "provision-app",
        OPERATOR,
        [
            ("addLine", "line", f"8450/{PT}"),
            ("addLine", "line", f"8451/{PT}"),
            ("addLine", "line", f"8452/{PT}"),
            ("addCtiRoutePoint", "route_point", "RP_E2E_APP"),
            ("addPhone", "cti_port", "E2EA1"),
            ("addPhone", "cti_port", "E2EA2"),
            ("updateAppUser", "app_user", APP),
            ("applyCtiRoutePoint", "route_point", "RP_E2E_APP"),
        ],
    )
    user = app_user(stack, APP)
    assert sorted(user.associated_devices) == ["E2EA1", "E2EA2", "RP_E2E_APP"]
    assert user.groups == ["Standard CTI Enabled"]
    assert record.changes[6].after is not None
    assert "Standard CTI Enabled" in record.changes[6].after["groups"]
    for dn in ("8450", "8451", "8452"):
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


def test_params_set_is_confirmed_first(stack: Stack, story: Story) -> None:
    """A clusterwide parameter: every node in one change set, never one node alone."""
    assert {parameter(stack, node, HEARTBEAT) for node in NODES} == {"3600"}
    message = run_confirmed(stack, 'params set "Application Heartbeat Maximum Interval" 600', ADMIN)
    record = applied(stack, message, "params set", ADMIN, _heartbeat_rows(NODES))
    story.sets["params set"] = record.id
    for change in record.changes:
        assert change.before is not None and change.after is not None
        assert (change.before["value"], change.after["value"]) == ("3600", "600")
    assert {parameter(stack, node, HEARTBEAT) for node in NODES} == {"600"}


def test_service_activate_restart_deactivate(stack: Stack, story: Story) -> None:
    """CTIManager on the publisher: off -> activated -> restarted -> off again, as seeded."""
    row = [("soapDoServiceDeployment", "service", f"cucm-pub/{CTI_MANAGER}")]
    assert not cti_manager(stack, "cucm-pub").activated
    message = run_confirmed(stack, "service activate cucm-pub", ADMIN)
    applied(stack, message, "service activate", ADMIN, row)
    started = cti_manager(stack, "cucm-pub")
    assert started.activated and started.status == "Started" and started.start_time

    message = run_confirmed(stack, "service restart cucm-pub", ADMIN)
    restart = [("soapDoControlServices", "service", f"cucm-pub/{CTI_MANAGER}")]
    applied(stack, message, "service restart", ADMIN, restart)
    restarted = cti_manager(stack, "cucm-pub")
    assert restarted.status == "Started" and restarted.start_time
    assert restarted.start_time > started.start_time

    message = run_confirmed(stack, "service deactivate cucm-pub", ADMIN)
    applied(stack, message, "service deactivate", ADMIN, row)
    stopped = cti_manager(stack, "cucm-pub")
    assert not stopped.activated and stopped.status == "Stopped"


def test_remove_routepoint_is_confirmed_first(stack: Stack, story: Story) -> None:
    message = run_confirmed(stack, f"remove-routepoint {RP}", ADMIN)
    record = applied(
        stack,
        message,
        "remove-routepoint",
        ADMIN,
        [
            ("updateAppUser", "app_user", IVR),
            ("removeCtiRoutePoint", "route_point", RP),
            ("removeLine", "line", f"8410/{PT}"),
        ],
    )
    story.sets["remove-routepoint"] = record.id
    assert device(stack, RP) is None and line(stack, "8410") is None
    assert RP not in app_user(stack, IVR).associated_devices
    assert "E2EP1" in app_user(stack, IVR).associated_devices  # the ports stay


def test_remove_ports_of_a_range_is_confirmed_first(stack: Stack, story: Story) -> None:
    names = [f"E2EQ{n:02d}" for n in range(4, 12)]
    message = run_confirmed(stack, "remove-ports E2EQ{04..11}", ADMIN)
    rows: list[Row] = [("removePhone", "cti_port", name) for name in names]
    rows += [("removeLine", "line", f"{8434 + n}/{PT}") for n in range(len(names))]
    applied(stack, message, "remove-ports", ADMIN, rows)
    assert all(device(stack, name) is None for name in names)
    assert line(stack, "8441") is None and line(stack, "8433") is not None
    assert device(stack, "E2EQ03") is not None  # outside the range


def test_undo_restores_the_recorded_before_state(stack: Stack, story: Story) -> None:
    undone = story.sets["params set"]
    message = run_confirmed(stack, f"undo {undone}", ADMIN)
    record = applied(stack, message, "undo", ADMIN, _heartbeat_rows(NODES[::-1]))
    assert record.undo_of == undone
    assert {parameter(stack, node, HEARTBEAT) for node in NODES} == {"3600"}


def test_dry_run_writes_nothing(stack: Stack, story: Story) -> None:
    writes = write_count(stack.sim)
    message = run(stack, f"create-routepoint RP_E2E_DRY 8460 partition={PT} --dry-run", OPERATOR)
    text = text_of(message)
    assert "Dry run" in text and "Applied" not in text, text
    record = stack.bot.changelog.query(actor_id=OPERATOR, limit=1)[0]  # the reply names none
    assert "RP_E2E_DRY" in record.command_text
    assert (record.command, record.status, record.changes) == ("create-routepoint", "dry_run", ())
    assert write_count(stack.sim) == writes
    assert device(stack, "RP_E2E_DRY") is None and line(stack, "8460") is None


# ----------------------------------------------------------------------- reads of the record


def test_log_lists_the_route_point_story(stack: Stack, story: Story) -> None:
    reply = text_of(run(stack, f"log object={RP}", VIEWER))
    for step in ("create-routepoint", "remove-routepoint"):
        assert f"#{story.sets[step]}" in reply, (step, reply)
    assert "#" + str(story.sets["params set"]) + " " not in reply  # other objects filtered out


def test_show_change_shows_every_write(stack: Stack, story: Story) -> None:
    set_id = story.sets["create-routepoint"]
    reply = text_of(run(stack, f"show-change {set_id}", VIEWER))
    assert f"Change set #{set_id}" in reply
    for operation in (
        "Add Directory Number",
        "Add CTI Route Point",
        "Update Application User",
        "Apply Config to CTI Route Point",
    ):
        assert operation in reply, (operation, reply)
    assert RP in reply and "applied" in reply


def test_silence_silences_unsilence(stack: Stack, story: Story) -> None:
    def active() -> list[int]:
        return [s.id for s in stack.bot.monitor.store.silences(datetime.now(UTC))]

    message = run(stack, "silence node cucm-sub2 1h e2e maintenance", OPERATOR)
    text = text_of(message)
    assert "Silence #" in text, text
    silence_id = int(text.split("Silence #", 1)[1].split(":", 1)[0])
    assert silence_id in active()
    listed = text_of(run(stack, "silences", VIEWER))
    assert f"#{silence_id}" in listed and "cucm-sub2" in listed and "e2e maintenance" in listed
    assert "ended" in text_of(run(stack, f"unsilence {silence_id}", OPERATOR))
    assert silence_id not in active()
    assert f"#{silence_id} " not in text_of(run(stack, "silences", VIEWER))


def test_every_command_was_run_end_to_end(request: pytest.FixtureRequest) -> None:
    """Guards the claim above: a new command fails here until it has its step."""
    module = request.node.module.__name__
    selected = {
        item.name
        for item in request.session.items
        if isinstance(item, pytest.Function) and item.module.__name__ == module
    }
    everything = {name for name in dir(request.node.module) if name.startswith("test_")}
    if not everything <= {name.split("[", 1)[0] for name in selected}:
        pytest.skip("only part of the module was selected")
    assert {spec.name for spec in all_specs()} - TEST_ONLY - RAN == set()
