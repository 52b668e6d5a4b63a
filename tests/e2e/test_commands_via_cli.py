"""`ctibot run "/cti ..."` end to end against a simulator this module starts.

The writes run `ctibot` as a real subprocess (the console script, a TOML
config, the AXL password only in the child's environment, SQLite beside the
config); the quicker steps use typer's CliRunner in-process on the same
config. After each step: the simulator's model read directly, and the change
sets read back from the SQLite file through bot.changelog.

Each test stands alone, in any order: its route points, ports, DNs and
application users are its own, and it makes what it starts from itself.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog, ChangeSetRecord
from bot.cli import app
from cucmsim.api import SimServer
from cucmsim.model import Device, key
from cucmsim.options import SimOptions
from tests.e2e.hardening import write_count
from tests.integration.commands.simobjects import plant_user

USER = "UCLIADMIN"
PASSWORD_ENV = "CTIBOT_CLITEST_PASSWORD"
CTIBOT = Path(sys.executable).with_name("ctibot")


def route_point(name: str, dn: str, app_user: str) -> str:
    return f"create-routepoint {name} {dn} partition=PT_CTI device-pool=DP_CTI app-user={app_user}"


@dataclass(frozen=True)
class Ports:
    """Twelve ports on twelve DNs: more than ten, so the plan asks first."""

    prefix: str
    first_dn: int

    @property
    def command(self) -> str:
        last = self.first_dn + 11
        return f"create-ports {self.prefix}{{01..12}} {self.first_dn}-{last} partition=PT_CTI"

    @property
    def names(self) -> list[str]:
        return [f"{self.prefix}{n:02d}" for n in range(1, 13)]

    @property
    def dns(self) -> list[str]:
        return [str(self.first_dn + n) for n in range(12)]


@dataclass
class Cli:
    sim: SimServer
    config: Path
    env: dict[str, str]
    changelog: ChangeLog


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    directory = tmp_path_factory.mktemp("cli")
    database = f"sqlite:///{directory / 'ctibot.db'}"
    with SimServer(SimOptions(seed="demo", service_transition_s=0.05)) as sim:
        nodes = ", ".join(f'"{n.name}" = "{n.address}"' for n in sim.cluster.nodes.values())
        config = directory / "ctibot.toml"
        config.write_text(
            f"""
[database]
url = "{database}"

[[clusters]]
name = "lab"
host = "{sim.cluster.publisher.address}"
port = {sim.port}
scheme = "http"
username = "{sim.options.username}"
password_env = "{PASSWORD_ENV}"
axl_version = "12.5"
verify_tls = false
nodes = {{ {nodes} }}

[rbac]
admins = ["{USER}"]

[[health.applications]]
app_user = "ctiapp_ivr"
primary_node = "cucm-sub1"
backup_node = "cucm-sub2"
"""
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CTIBOT_"))}
        env |= {PASSWORD_ENV: sim.options.password, "COLUMNS": "200"}
        engine = make_engine(database)
        try:
            yield Cli(sim, config, env, ChangeLog(engine))
        finally:
            engine.dispose()


def ctibot_process(cli: Cli, text: str, *, yes: bool = False) -> tuple[int, str]:
    """`ctibot run` in a child process; (exit code, stdout + stderr)."""
    args = [str(CTIBOT), "run", "--config", str(cli.config), "--as", USER, text]
    if yes:
        args.insert(-1, "--yes")
    done = subprocess.run(args, env=cli.env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def ctibot_in_process(
    cli: Cli, text: str, monkeypatch: pytest.MonkeyPatch, answer: str | None = None
) -> tuple[int, str]:
    """The same command through typer's CliRunner; `answer` is typed at the prompt."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "CTIBOT_")):
            monkeypatch.delenv(name)
    for name, value in cli.env.items():
        monkeypatch.setenv(name, value)
    args = ["run", "--config", str(cli.config), "--as", USER, text]
    result = CliRunner().invoke(app, args, input=answer)
    return result.exit_code, result.output


def change_set(cli: Cli, output: str) -> ChangeSetRecord:
    found = re.search(r"Change set #(\d+)", output)
    assert found, output
    record = cli.changelog.get(int(found.group(1)))
    assert record is not None
    assert (record.actor_id, record.actor_name, record.cluster) == (USER, "cli", "lab")
    return record


def device(cli: Cli, name: str) -> Device | None:
    with cli.sim.cluster.lock:
        return copy.deepcopy(cli.sim.cluster.devices.get(key(name)))


def has_line(cli: Cli, pattern: str) -> bool:
    with cli.sim.cluster.lock:
        return (key(pattern), key("PT_CTI")) in cli.sim.cluster.lines


def controlled_by(cli: Cli, userid: str) -> list[str]:
    with cli.sim.cluster.lock:
        return sorted(cli.sim.cluster.app_users[key(userid)].associated_devices)


def test_preflight_takes_the_applications_ctimanagers_from_the_config(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = ctibot_in_process(cli, "/cti preflight app-user=ctiapp_ivr", monkeypatch)
    assert code == 0, output
    assert (
        "CTI provider failover (ctiapp_ivr): primary cucm-sub1 Started, backup cucm-sub2 "
        "Started (from the application's health settings)"
    ) in " ".join(output.split()), output


def test_create_routepoint(cli: Cli) -> None:
    plant_user(cli.sim, "cli_rp")
    code, output = ctibot_process(cli, f"/cti {route_point('RP_CLI', '8501', 'cli_rp')}")
    assert code == 0 and "Applied: create-routepoint RP_CLI" in output, output
    record = change_set(cli, output)
    assert (record.command, record.status) == ("create-routepoint", "applied")
    assert [(c.operation, c.object_name, c.status) for c in record.changes] == [
        ("addLine", "8501/PT_CTI", "applied"),
        ("addCtiRoutePoint", "RP_CLI", "applied"),
        ("updateAppUser", "cli_rp", "applied"),
        ("applyCtiRoutePoint", "RP_CLI", "applied"),
    ]
    rp = device(cli, "RP_CLI")
    assert rp is not None and rp.device_pool == "DP_CTI"
    assert [(a.pattern, a.partition) for a in rp.lines] == [("8501", "PT_CTI")]
    assert has_line(cli, "8501") and controlled_by(cli, "cli_rp") == ["RP_CLI"]


def test_the_same_again_changes_nothing(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    plant_user(cli.sim, "cli_again")
    text = route_point("RP_CLI_AGAIN", "8502", "cli_again")  # "/cti" is optional
    code, output = ctibot_in_process(cli, text, monkeypatch)
    assert code == 0 and "Applied" in output, output
    writes = write_count(cli.sim)
    code, output = ctibot_in_process(cli, text, monkeypatch)
    assert code == 0 and "No change" in output and "Change set #" not in output, output
    record = cli.changelog.query(actor_id=USER, limit=1)[0]  # recorded, but not numbered
    assert (record.command, record.status, record.changes) == ("create-routepoint", "no_change", ())
    assert write_count(cli.sim) == writes


def test_more_than_ten_ports_declined_at_the_prompt(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = Ports("CLID", 8531)
    writes = write_count(cli.sim)
    code, output = ctibot_in_process(cli, f"/cti {ports.command}", monkeypatch, answer="n\n")
    assert code == 0 and "24 objects" in output and "Cancelled" in output, output
    assert write_count(cli.sim) == writes
    assert device(cli, ports.names[0]) is None


def test_more_than_ten_ports_with_yes(cli: Cli) -> None:
    ports = Ports("CLIP", 8511)
    code, output = ctibot_process(cli, f"/cti {ports.command}", yes=True)
    assert code == 0 and "24 objects" in output and "Applied: create-ports" in output, output
    record = change_set(cli, output)
    assert (record.command, record.status) == ("create-ports", "applied")
    expected = []
    for name, dn in zip(ports.names, ports.dns, strict=True):
        expected += [("addLine", f"{dn}/PT_CTI"), ("addPhone", name)]
    assert [(c.operation, c.object_name) for c in record.changes] == expected
    assert {c.status for c in record.changes} == {"applied"}
    for name, dn in zip(ports.names, ports.dns, strict=True):
        port = device(cli, name)
        assert port is not None and port.product == "CTI Port", name
        assert [a.pattern for a in port.lines] == [dn]


def test_log(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    plant_user(cli.sim, "cli_log")
    text = route_point("RP_CLI_LOG", "8551", "cli_log")
    code, output = ctibot_in_process(cli, text, monkeypatch)
    assert code == 0, output
    created = change_set(cli, output).id
    code, output = ctibot_in_process(cli, text, monkeypatch)
    assert code == 0 and "No change" in output, output
    writes = write_count(cli.sim)
    code, output = ctibot_in_process(cli, "/cti log", monkeypatch)
    assert code == 0, output
    rows = {int(m.group(1)): m.group(0) for m in re.finditer(r"#(\d+)\b.*", output)}
    assert "applied" in rows[created]
    assert "no change" not in output and "--all" in output
    code, output = ctibot_in_process(cli, "/cti log --all", monkeypatch)
    assert code == 0 and "no change · " in output, output
    assert write_count(cli.sim) == writes


def test_undo_with_yes(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    plant_user(cli.sim, "cli_undo")
    code, output = ctibot_in_process(
        cli, route_point("RP_CLI_UNDO", "8560", "cli_undo"), monkeypatch
    )
    assert code == 0 and "Applied" in output, output
    ports = Ports("CLIU", 8561)
    code, output = ctibot_in_process(cli, ports.command, monkeypatch, answer="y\n")
    assert code == 0 and "Applied" in output, output
    undone = change_set(cli, output).id
    code, output = ctibot_process(cli, f"/cti undo {undone}", yes=True)
    assert code == 0 and f"Applied: Undo change set #{undone}" in output, output
    record = change_set(cli, output)
    assert (record.command, record.status, record.undo_of) == ("undo", "applied", undone)
    expected = []
    for name, dn in zip(reversed(ports.names), reversed(ports.dns), strict=True):
        expected += [("removePhone", name), ("removeLine", f"{dn}/PT_CTI")]
    assert [(c.operation, c.object_name) for c in record.changes] == expected
    assert {c.status for c in record.changes} == {"applied"}
    assert not any(device(cli, name) for name in ports.names)
    assert not any(has_line(cli, dn) for dn in ports.dns)
    assert device(cli, "RP_CLI_UNDO") is not None  # the route point's change set is not touched


def test_a_value_with_colons_survives_the_output(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`00:AB:CD` (a MAC, a fingerprint) is printed as typed, never as an emoji (🆎)."""
    code, output = ctibot_in_process(cli, "/cti show-change 00:AB:CD", monkeypatch)
    assert code == 1 and "00:AB:CD" in output, output
