"""The audit trail keeps who asked as well as who confirmed, and four-eyes can require both."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import SingleCluster
from bot.slack.render import fallback_text
from commands.catalog import build_runner
from commands.engine.base import Actor, Reply, Role
from commands.engine.registry import Registry
from commands.engine.runner import ConfirmationRequest, Runner
from commands.workflows import audit, ports, routepoints
from tests.integration.commands.simdevices import axl_writes, device

ADMIN = Actor("UADMIN", "admin", "C1")
ADMIN2 = Actor("UADMIN2", "second", "C1")
OPERATOR = Actor("UOPS", "ops", "C1")


@pytest.fixture
def make_runner(tmp_path: Path, _migrated_changelog: Path, cucm: Any) -> Iterator[Callable]:
    engines: list[Engine] = []

    def make(four_eyes: bool = False) -> Runner:
        path = tmp_path / f"runner{len(engines)}.db"
        shutil.copyfile(_migrated_changelog, path)
        engine = make_engine(f"sqlite:///{path}")
        engines.append(engine)
        registry = Registry([*routepoints.COMMANDS, *ports.COMMANDS, *audit.COMMANDS])
        return build_runner(
            SingleCluster(cucm),
            ChangeLog(engine),
            ConfirmationStore(engine),
            600,
            registry=registry,
            four_eyes=four_eyes,
        )

    yield make
    for engine in engines:
        engine.dispose()


def _reply(outcome: object) -> Reply:
    assert isinstance(outcome, Reply), outcome
    return outcome


def test_operator_plan_confirmed_by_admin_names_both(sim, make_runner) -> None:
    runner = make_runner()
    text = "/cti create-ports CTIRA{01..06} 7501-7506 partition=PT_CTI"
    asked = runner.handle(text, OPERATOR, Role.OPERATOR)
    assert isinstance(asked, ConfirmationRequest), asked
    done = _reply(runner.decide(asked.token, ADMIN, Role.ADMIN, confirm=True))
    assert done.status == "ok", done.as_text()
    record = runner.changelog.get(done.change_set_id)
    assert (record.requester_id, record.actor_id) == ("UOPS", "UADMIN")

    by_operator = _reply(runner.handle("/cti log user=UOPS", ADMIN, Role.ADMIN))
    assert f"#{record.id}" in by_operator.as_text()
    assert "<@UOPS> (confirmed by <@UADMIN>)" in fallback_text(by_operator)
    by_admin = _reply(runner.handle("/cti log user=UADMIN", ADMIN, Role.ADMIN))
    assert f"#{record.id}" in by_admin.as_text()
    nobody = _reply(runner.handle("/cti log user=UNOBODY", ADMIN, Role.ADMIN))
    assert f"#{record.id}" not in nobody.as_text()

    shown = fallback_text(_reply(runner.handle(f"/cti show-change {record.id}", ADMIN, Role.ADMIN)))
    assert "Requested by" in shown and "<@UOPS>" in shown
    assert "Confirmed by" in shown and "<@UADMIN> (admin)" in shown


def test_a_command_run_without_confirmation_has_one_person(sim, make_runner) -> None:
    runner = make_runner()
    done = _reply(runner.handle("/cti create-routepoint RP_RA1 7511", OPERATOR, Role.OPERATOR))
    record = runner.changelog.get(done.change_set_id)
    assert (record.requester_id, record.actor_id) == ("UOPS", "UOPS")
    assert not record.approved_by_other
    shown = fallback_text(_reply(runner.handle(f"/cti show-change {record.id}", ADMIN, Role.ADMIN)))
    assert "Requested by" not in shown and "<@UOPS> (ops)" in shown


def test_four_eyes_refuses_the_requester_confirming_a_risky_plan(sim, make_runner) -> None:
    runner = make_runner(four_eyes=True)
    _reply(runner.handle("/cti create-routepoint RP_RA2 7512", ADMIN, Role.ADMIN))
    asked = runner.handle("/cti remove-routepoint RP_RA2 --keep-line", ADMIN, Role.ADMIN)
    assert isinstance(asked, ConfirmationRequest), asked
    assert "another admin must confirm it" in asked.reply.as_text()
    sim.reset_counters()
    refused = _reply(runner.decide(asked.token, ADMIN, Role.ADMIN, confirm=True))
    assert refused.status == "denied" and "Another admin" in refused.title
    assert axl_writes(sim) == {}
    assert device(sim, "RP_RA2") is not None
    denials = runner.changelog.query(status="denied", actor_id="UADMIN")
    assert any("four-eyes" in (d.error or "") for d in denials)

    done = _reply(runner.decide(asked.token, ADMIN2, Role.ADMIN, confirm=True))
    assert done.status == "ok", done.as_text()
    assert device(sim, "RP_RA2") is None
    record = runner.changelog.get(done.change_set_id)
    assert (record.requester_id, record.actor_id) == ("UADMIN", "UADMIN2")


def test_four_eyes_leaves_plans_that_are_only_large_to_their_requester(sim, make_runner) -> None:
    runner = make_runner(four_eyes=True)
    text = "/cti create-ports CTIRB{01..06} 7521-7526 partition=PT_CTI"
    asked = runner.handle(text, OPERATOR, Role.OPERATOR)
    assert isinstance(asked, ConfirmationRequest)
    assert "confirm to apply" in asked.reply.as_text()
    done = _reply(runner.decide(asked.token, OPERATOR, Role.OPERATOR, confirm=True))
    assert done.status == "ok", done.as_text()
