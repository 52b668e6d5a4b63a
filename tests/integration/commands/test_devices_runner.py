"""The device commands typed as text through the Runner: parsing, confirmation, re-plan, apply."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import SingleCluster
from commands.catalog import build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.registry import Registry
from commands.engine.runner import ConfirmationRequest, Runner
from commands.workflows import lines, ports, routepoints
from tests.integration.commands.simdevices import axl_writes, controlled, device, line
from tests.integration.commands.simobjects import plant_user

ADMIN = Actor("UADMIN", "admin", "C1")
OPERATOR = Actor("UOPS", "ops", "C1")


@pytest.fixture
def runner(tmp_path: Path, _migrated_changelog: Path, cucm: Any) -> Iterator[Runner]:
    path = tmp_path / "runner.db"
    shutil.copyfile(_migrated_changelog, path)
    engine = make_engine(f"sqlite:///{path}")
    registry = Registry([*lines.COMMANDS, *routepoints.COMMANDS, *ports.COMMANDS])
    yield build_runner(
        SingleCluster(cucm), ChangeLog(engine), ConfirmationStore(engine), 600, registry=registry
    )
    engine.dispose()


def _reply(outcome: object) -> Reply:
    assert isinstance(outcome, Reply), outcome
    return outcome


def test_create_ports_over_ten_objects_asks_then_applies(sim, runner: Runner) -> None:
    plant_user(sim, "run_app1")
    text = "/cti create-ports CTIPR{01..06} 7401-7406 partition=PT_CTI app-user=run_app1"
    sim.reset_counters()
    asked = runner.handle(text, OPERATOR, Role.OPERATOR)
    assert isinstance(asked, ConfirmationRequest), asked
    assert "13 objects" in asked.reply.as_text()
    assert axl_writes(sim) == {}
    done = _reply(runner.decide(asked.token, OPERATOR, Role.OPERATOR, confirm=True))
    assert done.status == "ok", done.as_text()
    assert device(sim, "CTIPR06")["lines"] == [(1, "7406", "PT_CTI", 2, 1)]
    assert controlled(sim, "run_app1") == [f"CTIPR0{i}" for i in range(1, 7)]
    again = _reply(runner.handle(text, OPERATOR, Role.OPERATOR))
    assert "no change" in again.title.lower(), again.as_text()


def test_text_forms_bind_to_the_specs(sim, runner: Runner) -> None:
    reply = _reply(
        runner.handle(
            "/cti create-routepoint RP_R1 7411 partition=PT_CTI device-pool=DP_CTI max-calls=5 "
            "busy-trigger=4 cfna=6000 cfof=6000 description='Runner RP'",
            OPERATOR,
            Role.OPERATOR,
        )
    )
    assert reply.status == "ok", reply.as_text()
    assert device(sim, "RP_R1")["description"] == "Runner RP"
    dry = _reply(runner.handle("/cti add-line 7412 cfnr=6000 --dry-run", OPERATOR, Role.OPERATOR))
    assert dry.title.startswith("Dry run") and line(sim, "7412", None) is None
    bad = _reply(runner.handle("/cti create-routepoint RP_R2 74x", OPERATOR, Role.OPERATOR))
    assert bad.status == "error" and "not a valid DN" in bad.as_text()


def test_remove_routepoint_needs_admin_and_confirmation(sim, runner: Runner) -> None:
    _reply(runner.handle("/cti create-routepoint RP_R3 7413", OPERATOR, Role.OPERATOR))
    denied = _reply(runner.handle("/cti remove-routepoint RP_R3", OPERATOR, Role.OPERATOR))
    assert denied.status == "denied"
    asked = runner.handle("/cti remove-routepoint RP_R3 --keep-line", ADMIN, Role.ADMIN)
    assert isinstance(asked, ConfirmationRequest)
    assert "risky change" in asked.reply.as_text()
    done = _reply(runner.decide(asked.token, ADMIN, Role.ADMIN, confirm=True))
    assert done.status == "ok", done.as_text()
    assert device(sim, "RP_R3") is None and line(sim, "7413", None) is not None
