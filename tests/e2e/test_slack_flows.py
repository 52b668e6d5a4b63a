"""Slack's requests in over real HTTP (signed) or Socket Mode; replies observed at the fake Slack.

The user-facing scenarios run over both transports (`either`); what only exists
over HTTP (signatures, the retry header, the probes) runs over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import update
from typer.testing import CliRunner

from bot.changelog.models import PendingConfirmation
from bot.cli import app
from bot.slack.render import CANCEL_ACTION, CONFIRM_ACTION
from tests.e2e.conftest import ADMIN, GROUPIE, OPERATOR, VIEWER, Stack, e2e_stack
from tests.e2e.slack_helpers import ask, delivered, reply_to, run, text_of
from tests.waiting import drain

PARAM = "CtiMaxDevicesPerNode"


@pytest.fixture(scope="module")
def socket_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Module-scoped: its SLACK_APP_TOKEN must not outlive these tests in the environment."""
    with e2e_stack(tmp_path_factory.mktemp("e2e-socket"), socket_mode=True) as loopback:
        yield loopback
        assert loopback.socket is not None and loopback.socket.problems == []


def axl_value(stack: Stack, name: str = PARAM) -> str | None:
    axl = stack.bot.clusters.get("lab").axl
    return axl.get_service_parameter("cucm-pub", "Cisco CTIManager", name).value


@pytest.fixture(params=["http", "socket_mode"])
def either(request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The same scenario over each transport; the parameter the tests set is put back after.

    The HTTP stack is the session's: other modules' tests read this parameter too.
    """
    stack: Stack = request.getfixturevalue("stack" if request.param == "http" else "socket_stack")
    before = axl_value(stack)
    yield stack
    if before is not None and axl_value(stack) != before:
        axl = stack.bot.clusters.get("lab").axl
        axl.update_service_parameter("cucm-pub", "Cisco CTIManager", PARAM, before)


def test_help_is_filtered_by_role(either: Stack) -> None:
    viewer = text_of(run(either, "help", VIEWER))
    admin = text_of(run(either, "", ADMIN))
    assert "tparam set" in admin and "tparam set" not in viewer
    assert "version" in viewer


def test_unknown_subcommand_suggests(either: Stack) -> None:
    reply = run(either, "verzion", VIEWER)
    assert "Unknown command" in reply["text"] and "`version`" in reply["text"]
    assert reply["response_type"] == "ephemeral"


def test_bad_arguments_show_usage(either: Stack) -> None:
    before = len(either.fake.calls_to("chat.postMessage"))
    reply = text_of(run(either, f"tparam set {PARAM} lots", OPERATOR))
    assert "must be a whole number" in reply and "Usage:" in reply
    assert len(either.fake.calls_to("chat.postMessage")) == before


@pytest.mark.parametrize(
    ("age_s", "signature"),
    [(0, "v0=" + "0" * 64), (0, ""), (301, None)],
    ids=["wrong", "missing", "stale"],
)
def test_bad_signatures_are_401_and_nothing_runs(
    stack: Stack, age_s: int, signature: str | None
) -> None:
    body, key = stack.signed.command_body("version", ADMIN)
    response = stack.signed.post(body, age_s=age_s, signature=signature)
    assert response.status_code == 401
    drain(stack.bot.workers)
    assert not [c for c in stack.fake.calls_to("response_url") if c.path.endswith(f"/{key}")]


def test_denial_is_recorded(either: Stack) -> None:
    reply = run(either, f"tparam set {PARAM} 901", VIEWER)
    assert "operator" in reply["text"]
    denials = either.bot.changelog.query(actor_id=VIEWER)
    assert any(getattr(d, "status", "") == "denied" for d in denials)


def test_version_over_real_axl(either: Stack) -> None:
    reply = text_of(run(either, "version", VIEWER))
    assert "lab" in reply and "ok" in reply


def test_whoami_via_user_group(either: Stack) -> None:
    reply = text_of(run(either, "whoami", GROUPIE))
    assert "operator" in reply and "SOPS1" in reply


def _ask(stack: Stack, value: str, user: str = OPERATOR) -> tuple[str, str]:
    """Run the risky command; return (token, message ts) of the posted confirmation."""
    return ask(stack, f"tparam set {PARAM} {value}", user)


def _update(stack: Stack, count: int) -> dict[str, Any]:
    return stack.fake.wait_for("chat.update", count=count)[-1].params


def test_confirm_applies_and_reuse_is_refused(either: Stack) -> None:
    token, ts = _ask(either, "901")
    assert axl_value(either) != "901"
    updates = len(either.fake.calls_to("chat.update"))
    assert either.peer.click(CONFIRM_ACTION, token, OPERATOR, ts).status_code == 200
    message = _update(either, updates + 1)
    assert "Applied" in message["text"]
    assert axl_value(either) == "901"
    either.peer.click(CONFIRM_ACTION, token, ADMIN, ts)
    refused = either.fake.wait_for(
        "response_url", where=lambda c: "Already decided" in c.params.get("text", "")
    )
    assert refused
    assert len(either.fake.calls_to("chat.update")) == updates + 1


def test_cancel(either: Stack) -> None:
    token, ts = _ask(either, "902")
    updates = len(either.fake.calls_to("chat.update"))
    either.peer.click(CANCEL_ACTION, token, ADMIN, ts)
    assert f"Cancelled by <@{ADMIN}>" in text_of(_update(either, updates + 1))
    assert axl_value(either) != "902"


def test_click_without_role_changes_nothing(either: Stack) -> None:
    token, ts = _ask(either, "903")
    either.peer.click(CONFIRM_ACTION, token, VIEWER, ts)
    either.fake.wait_for(
        "response_url",
        where=lambda c: (
            "needs the *operator* role" in c.params.get("text", "")
            and "(button click)" not in c.params.get("text", "")
        ),
    )
    assert axl_value(either) != "903"
    assert either.bot.confirmations.get(token).status == "pending"


def test_expired_confirmation(either: Stack) -> None:
    token, ts = _ask(either, "904")
    with either.bot.engine.begin() as connection:
        connection.execute(
            update(PendingConfirmation)
            .where(PendingConfirmation.token == token)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    updates = len(either.fake.calls_to("chat.update"))
    either.peer.click(CONFIRM_ACTION, token, OPERATOR, ts)
    assert "expired" in text_of(_update(either, updates + 1))
    assert axl_value(either) != "904"


def test_stale_plan_is_refused_with_a_new_plan(either: Stack) -> None:
    token, ts = _ask(either, "905")
    either.bot.clusters.get("lab").axl.update_service_parameter(
        "cucm-pub", "Cisco CTIManager", PARAM, "777"
    )
    updates = len(either.fake.calls_to("chat.update"))
    either.peer.click(CONFIRM_ACTION, token, OPERATOR, ts)
    message = _update(either, updates + 1)
    assert "CUCM changed" in text_of(message) and "777" in text_of(message)
    assert message["blocks"][-1]["type"] == "actions"
    assert message["blocks"][-1]["elements"][0]["value"] != token
    assert axl_value(either) == "777"


def test_modal_open_and_field_errors(either: Stack) -> None:
    opened = delivered(either, "views.open")
    response, _ = either.peer.command("tparam set", OPERATOR)
    assert response.status_code == 200
    view = either.fake.wait_for("views.open", count=opened + 1)[-1].params["view"]
    blocks = {b["block_id"] for b in view["blocks"] if b["type"] == "input"}
    assert {"name", "value", "node"} <= blocks
    values = {
        "name": {"value": {"type": "plain_text_input", "value": PARAM}},
        "value": {"value": {"type": "plain_text_input", "value": ""}},
        "node": {"value": {"type": "plain_text_input", "value": "cucm-pub"}},
    }
    bad = either.peer.submit_view(view, values, OPERATOR)
    assert bad.status_code == 200
    assert bad.json() == {
        "response_action": "errors",
        "errors": {"value": "Missing required argument `value`."},
    }
    values["value"]["value"]["value"] = "906"
    posts = delivered(either, "chat.postMessage")
    good = either.peer.submit_view(view, values, OPERATOR)
    assert good.status_code == 200 and not good.text
    confirmation = either.fake.wait_for("chat.postMessage", count=posts + 1)[-1]
    assert "906" in text_of(confirmation.params)


def test_rate_limited_post_is_retried_and_delivered(either: Stack) -> None:
    either.fake.throttle("chat.postMessage", 1, retry_after=0)
    before = len([c for c in either.fake.calls if c.method == "chat.postMessage"])
    _ask(either, "907")
    calls = [c for c in either.fake.calls if c.method == "chat.postMessage"][before:]
    assert [c.status for c in calls] == [429, 200]


def test_slack_retry_is_not_run_twice(stack: Stack) -> None:
    body, key = stack.signed.command_body("version", VIEWER)
    assert stack.signed.post(body).status_code == 200
    reply_to(stack, key)
    assert stack.signed.post(body, retry_num=1).status_code == 200
    drain(stack.bot.workers)
    assert len([c for c in stack.fake.calls_to("response_url") if c.path.endswith(f"/{key}")]) == 1


def test_healthz(stack: Stack) -> None:
    body = requests.get(f"{stack.http.url}/healthz", timeout=5).json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "migrations": "current",
        "clusters": {"lab": "ok"},
    }


def test_ctibot_run_uses_the_same_rbac_and_runner(stack: Stack) -> None:
    cli = CliRunner()
    config = str(stack.config_path)
    ok = cli.invoke(app, ["run", "--config", config, "--as", VIEWER, "/cti version"])
    assert ok.exit_code == 0, ok.output
    assert "lab" in ok.output
    denied = cli.invoke(app, ["run", "--config", config, "--as", "UNOBODY", "/cti version"])
    assert denied.exit_code == 1 and "viewer" in denied.output
