import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.text import Mention, line
from commands.catalog import build_runner
from commands.engine.base import (
    Actor,
    Arguments,
    CommandSpec,
    Plan,
    Refused,
    Reply,
    Role,
    Step,
)
from commands.engine.context import Context
from commands.engine.registry import Registry
from commands.engine.runner import ConfirmationRequest, Runner
from commands.workflows.builtin import HelpCommand, VersionCommand, WhoamiCommand
from tests.unit.commands.fakes import Boom, FakeClusters, SetParam
from tests.unwritable import make_read_only

ALICE = Actor("UALICE", "alice", "C1")
BOB = Actor("UBOB", "bob", "C1")


@pytest.fixture
def store() -> dict[str, str]:
    return {"MaxDevices": "2000"}


@pytest.fixture
def runner(tmp_path: Path, store: dict[str, str]) -> Iterator[Runner]:
    url = f"sqlite:///{tmp_path / 'cti.db'}"
    upgrade(url)
    engine = make_engine(url)
    registry = Registry([HelpCommand(), WhoamiCommand(), VersionCommand()])
    registry.add(SetParam(store))
    registry.add(Boom())
    yield build_runner(
        FakeClusters(), ChangeLog(engine), ConfirmationStore(engine), 600, registry=registry
    )
    engine.dispose()


def _reply(outcome: object) -> Reply:
    assert isinstance(outcome, Reply), outcome
    return outcome


def test_empty_text_is_help_filtered_by_role(runner: Runner) -> None:
    viewer = _reply(runner.handle("", ALICE, Role.VIEWER)).as_text()
    operator = _reply(runner.handle("/cti help", ALICE, Role.OPERATOR)).as_text()
    assert "params set" not in viewer and "params set" in operator
    assert "version" in viewer


def test_help_for_a_command_you_may_not_run(runner: Runner) -> None:
    text = _reply(runner.handle("help params set", ALICE, Role.VIEWER)).as_text()
    assert "Usage: `/cti params set <param> <value> [--dry-run]`" in text
    assert "You may not run this" in text and "operator" in text


def test_unknown_command_suggests(runner: Runner) -> None:
    reply = _reply(runner.handle("verison", ALICE, Role.VIEWER))
    assert reply.status == "error" and "`version`" in reply.as_text()
    assert "/cti help" in reply.as_text()


def test_denied_and_recorded(runner: Runner, store: dict[str, str]) -> None:
    reply = _reply(runner.handle("params set MaxDevices 1", ALICE, Role.VIEWER))
    assert reply.status == "denied" and "operator" in reply.as_text()
    assert store == {"MaxDevices": "2000"}


def test_bad_arguments_give_usage_and_example(runner: Runner, store: dict[str, str]) -> None:
    text = _reply(runner.handle("params set MaxDevices", ALICE, Role.ADMIN)).as_text()
    assert "Missing required argument `value`" in text
    assert "Usage:" in text and "Example: `/cti params set MaxDevices 2000`" in text


def test_unknown_cluster_lists_known(runner: Runner) -> None:
    text = _reply(runner.handle("version --cluster nope", ALICE, Role.VIEWER)).as_text()
    assert "`lab`" in text and "`prod`" in text


def test_version_shows_errors_inline(runner: Runner) -> None:
    reply = _reply(runner.handle("version", ALICE, Role.VIEWER))
    assert reply.table is not None
    rows = {r[0]: r for r in reply.table.rows}
    assert rows["lab"][1] == "14.0.1.13900-155"
    assert "connection refused" in rows["prod"][2]


def test_whoami_says_how(runner: Runner) -> None:
    text = _reply(runner.handle("whoami", ALICE, Role.NONE, grant="nothing")).as_text()
    assert "UALICE" in text and "none" in text


def test_internal_error_has_request_id(runner: Runner) -> None:
    reply = _reply(runner.handle("boom", ALICE, Role.VIEWER, request_id="req42"))
    assert reply.status == "error" and "req42" in reply.as_text()


def test_dry_run_sends_nothing(runner: Runner, store: dict[str, str]) -> None:
    reply = _reply(runner.handle("params set MaxDevices 1 --dry-run", ALICE, Role.OPERATOR))
    assert reply.title.startswith("Dry run") and reply.change_set_id
    assert store["MaxDevices"] == "2000"


def test_no_change_is_recorded(runner: Runner) -> None:
    reply = _reply(runner.handle("params set MaxDevices 2000", ALICE, Role.OPERATOR))
    assert reply.title.startswith("No change") and reply.change_set_id


def _ask(runner: Runner, value: str = "1") -> ConfirmationRequest:
    outcome = runner.handle(f"params set MaxDevices {value}", ALICE, Role.OPERATOR)
    assert isinstance(outcome, ConfirmationRequest)
    return outcome


def test_confirm_applies_once(runner: Runner, store: dict[str, str]) -> None:
    request = _ask(runner)
    assert store["MaxDevices"] == "2000"
    reply = _reply(runner.decide(request.token, BOB, Role.OPERATOR, confirm=True))
    assert reply.status == "ok" and store["MaxDevices"] == "1"
    again = _reply(runner.decide(request.token, BOB, Role.OPERATOR, confirm=True))
    assert again.status == "denied" and "Already" in again.title


def test_cancel(runner: Runner, store: dict[str, str]) -> None:
    request = _ask(runner)
    reply = _reply(runner.decide(request.token, BOB, Role.OPERATOR, confirm=False))
    assert reply.lines == [line("Cancelled by ", Mention("UBOB"), "; nothing was sent to CUCM.")]
    assert store["MaxDevices"] == "2000"


def test_click_without_role_is_refused_and_token_survives(
    runner: Runner, store: dict[str, str]
) -> None:
    request = _ask(runner)
    denied = _reply(runner.decide(request.token, BOB, Role.VIEWER, confirm=True))
    assert denied.status == "denied" and store["MaxDevices"] == "2000"
    ok = _reply(runner.decide(request.token, ALICE, Role.OPERATOR, confirm=True))
    assert ok.status == "ok"


def test_stale_plan_gives_a_new_confirmation(runner: Runner, store: dict[str, str]) -> None:
    request = _ask(runner)
    store["MaxDevices"] = "1500"
    outcome = runner.decide(request.token, ALICE, Role.OPERATOR, confirm=True)
    assert isinstance(outcome, ConfirmationRequest) and outcome.token != request.token
    assert "CUCM changed" in outcome.reply.as_text() and store["MaxDevices"] == "1500"


def test_unknown_token(runner: Runner) -> None:
    assert _reply(runner.decide("nope", ALICE, Role.ADMIN, confirm=True)).status == "denied"


def test_a_refusal_at_click_time_is_the_reason_not_an_internal_error(
    runner: Runner, store: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = _ask(runner)
    found = runner.registry.resolve(["params", "set"])
    assert found is not None
    command = found[0]

    def refuse(ctx: object, args: object) -> None:
        raise Refused("MaxDevices is locked by a maintenance window")

    monkeypatch.setattr(command, "execute", refuse)
    reply = _reply(runner.decide(outcome.token, BOB, Role.OPERATOR, confirm=True))
    assert reply.title == "Refused: `params set`"
    assert "locked by a maintenance window" in reply.as_text()
    assert "Usage" not in reply.as_text()
    assert store["MaxDevices"] == "2000"


def test_while_stopping_a_write_is_refused_and_the_confirmation_kept(
    runner: Runner, store: dict[str, str]
) -> None:
    request = runner.handle("params set MaxDevices 1500", ALICE, Role.OPERATOR)
    assert isinstance(request, ConfirmationRequest)
    runner.shutdown.begin(grace_s=60)
    refused = _reply(runner.decide(request.token, BOB, Role.OPERATOR, confirm=True))
    assert refused.status == "denied" and "restarting" in refused.as_text()
    assert store == {"MaxDevices": "2000"}
    assert runner.confirmations.get(request.token).status == "pending"  # confirm after restart
    # Reads are still answered within the grace period...
    assert _reply(runner.handle("whoami", ALICE, Role.VIEWER)).status != "error"


def test_after_the_grace_period_reads_are_told_to_run_again(runner: Runner) -> None:
    runner.shutdown.begin(grace_s=0)
    reply = _reply(runner.handle("whoami", ALICE, Role.VIEWER))
    assert reply.status == "error" and "run it again" in reply.as_text().lower()


def test_a_database_that_refuses_the_plan_is_a_clear_reply(
    runner: Runner, store: dict[str, str]
) -> None:
    make_read_only(runner.changelog.engine)
    reply = _reply(runner.handle("params set MaxDevices 1500 --dry-run", ALICE, Role.OPERATOR))
    assert reply.title == "ctibot cannot write its database", reply.as_text()
    assert "Nothing was sent to CUCM" in reply.as_text()
    assert store == {"MaxDevices": "2000"}


class _Noted:
    """A one-step write that notes the grant it was planned under; `risky` is the plan's own."""

    def __init__(self, spec: CommandSpec, *, plan_risky: bool = False) -> None:
        self.spec = spec
        self.plan_risky = plan_risky
        self.grants: list[str] = []
        self.written = 0

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        self.grants.append(ctx.grant)

        def run() -> dict[str, str]:
            self.written += 1
            return {"v": "1"}

        step = Step("update", "thing", "T1", "T1: 0 -> 1", {"v": "0"}, {"v": "1"}, run=run)
        return Plan(self.spec.name, ctx.cluster_name, "note", [step], risky=self.plan_risky)


def _spec(name: str = "note", risky: bool = False, risky_when: str = "") -> CommandSpec:
    return CommandSpec(name, "s", Role.OPERATOR, writes=True, risky=risky, risky_when=risky_when)


def test_a_confirmed_plan_is_made_again_under_the_confirmers_grant(runner: Runner) -> None:
    noted = _Noted(_spec(risky=True))
    runner.registry.add(noted)
    asked = runner.handle("note", ALICE, Role.OPERATOR, grant="rbac.operators")
    assert isinstance(asked, ConfirmationRequest)
    done = _reply(runner.decide(asked.token, BOB, Role.ADMIN, confirm=True, grant="rbac.admins"))
    assert done.status == "ok" and noted.written == 1
    assert noted.grants == ["rbac.operators", "rbac.admins"]


def test_a_plan_inherits_its_specs_risk(runner: Runner) -> None:
    """The spec is what docs/commands.md shows: a plan that does not repeat it still asks."""
    noted = _Noted(_spec(risky=True))
    runner.registry.add(noted)
    asked = runner.handle("note", ALICE, Role.OPERATOR)
    assert isinstance(asked, ConfirmationRequest) and noted.written == 0
    assert "risky change" in asked.reply.as_text()
    assert json.loads(runner.confirmations.get(asked.token).plan_json)["risky"] is True


def test_a_plan_raises_its_risk_only_where_the_spec_says_when(runner: Runner) -> None:
    declared = _Noted(_spec("declared", risky_when="it adds a risky group"), plan_risky=True)
    runner.registry.add(declared)
    assert isinstance(runner.handle("declared", ALICE, Role.OPERATOR), ConfirmationRequest)
    undeclared = _Noted(_spec("undeclared"), plan_risky=True)
    runner.registry.add(undeclared)
    reply = _reply(runner.handle("undeclared", ALICE, Role.OPERATOR))
    assert reply.title == "Internal error" and undeclared.written == 0
