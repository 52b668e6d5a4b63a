"""Input fuzzing: whatever arrives as /cti text, a modal submission or a button click,
the bot answers with a clear message and sends CUCM no write for invalid input.

Text goes straight through `Runner.handle` (the engine every front end shares),
for every role; modal and button payloads go over the signed HTTP path, so
Bolt, the de-duplication middleware and our listeners are all exercised.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.demo.loopback import Loopback, Roles, start
from bot.slack.modals import CALLBACK_ID
from bot.slack.render import CANCEL_ACTION, CONFIRM_ACTION
from commands.catalog import build_registry
from commands.engine.base import Actor, Role
from commands.engine.runner import ConfirmationRequest
from tests.e2e.hardening import reply_of, write_count
from tests.waiting import drain

ADMIN, OPERATOR, VIEWER = "UFZADMIN", "UFZOPER", "UFZVIEW"
USERS = {Role.ADMIN: ADMIN, Role.OPERATOR: OPERATOR, Role.VIEWER: VIEWER, Role.NONE: "UFZNOBODY"}
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    roles = Roles(admins=[ADMIN], operators=[OPERATOR], viewers=[VIEWER])
    loopback = start(Path(tmp_path_factory.mktemp("fuzz")), roles=roles)
    try:
        yield loopback
    finally:
        loopback.stop()


COMMAND_WORDS = sorted(
    {word for c in build_registry().allowed(Role.ADMIN) for word in c.spec.name.split()}
)
KEYS = [
    "partition",
    "device-pool",
    "app-user",
    "cfna",
    "cluster",
    "node",
    "dn",
    "ports",
    "port-dns",
    "max-calls",
    "groups",
    "dry-run",
    "",
]
FLAGS = ["--dry-run", "--end-user", "--all", "--all-nodes", "--keep-line", "--", "-", "--x"]
ESCAPES = [
    "<@U123ABC|ana>",
    "<#C0123|ops>",
    "<!subteam^S0123|ops>",
    "<mailto:a@b.c|a@b.c>",
    "<https://x.example|x>",
    "&lt;&gt;&amp;",
    "\u201cquoted value\u201d",
    "\u2018x\u2019",
    '"unterminated',
    "'",
    "\\",
]

word = st.one_of(
    st.sampled_from(COMMAND_WORDS),
    st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=1,
        max_size=12,
    ),
    st.from_regex(r"[0-9]{1,6}(-[0-9]{1,6})?", fullmatch=True),
    st.from_regex(r"[A-Za-z_]{1,8}\{[0-9]{1,3}\.\.[0-9]{1,4}\}", fullmatch=True),
)
option = st.builds(lambda k, v: f"{k}={v}", st.sampled_from(KEYS), word | st.just(""))
token = st.one_of(
    word, option, st.sampled_from(FLAGS), st.sampled_from(ESCAPES), st.sampled_from(COMMAND_WORDS)
)
texts = st.one_of(
    st.lists(token, max_size=8).map(" ".join),
    st.builds(
        lambda cmd, rest: f"{cmd} {rest}",
        st.sampled_from([c.spec.name for c in build_registry().allowed(Role.ADMIN)]),
        st.lists(token, max_size=6).map(" ".join),
    ),
    st.text(max_size=200),
    st.builds(lambda w, n: (w + " ") * n, word, st.integers(200, 2000)),
    st.just("/cti " + "x" * 10_000),
)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
@given(text=texts)
@settings(FUZZ, max_examples=75)
def test_any_text_gets_a_clear_reply_and_no_write_unless_applied(
    fuzz_stack: Loopback, role: Role, text: str
) -> None:
    bot, sim = fuzz_stack.bot, fuzz_stack.sim
    before = write_count(sim)
    actor = Actor(user_id=USERS[role], name="fuzz", channel_id="CFUZZ")
    outcome = bot.runner.handle(text, actor, role)
    reply = reply_of(outcome)
    writes = write_count(sim) - before
    assert reply.title.strip(), text
    assert reply.title != "Internal error", (text, reply.as_text())
    assert reply.status in {"ok", "info", "warning", "error", "denied"}
    if isinstance(outcome, ConfirmationRequest) or reply.status in {"info", "error", "denied"}:
        assert writes == 0, (text, reply.as_text())
    if writes:
        # Something valid was typed: it must show up as an applied change set.
        assert reply.status in {"ok", "warning"} and reply.change_set_id is not None
        record = bot.changelog.get(reply.change_set_id)
        assert record is not None and record.status in {"applied", "partial", "compensated"}
    if role is Role.NONE and text.split()[:1] not in (["help"], ["whoami"], [], ["/cti"]):
        assert writes == 0


# ---------------------------------------------------------------- payloads over signed HTTP


def _post_payload(stack: Loopback, payload: Any) -> requests.Response:
    return stack.signed.post(urlencode({"payload": json.dumps(payload)}))


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
VALUE_SHAPES = st.one_of(
    st.builds(lambda v: {"type": "plain_text_input", "value": v}, st.text(max_size=60) | st.none()),
    st.builds(
        lambda v: {"type": "static_select", "selected_option": {"value": v}},
        st.text(max_size=20),
    ),
    st.builds(lambda n: {"type": "checkboxes", "selected_options": [{}] * n}, st.integers(0, 2)),
    junk,
)
MODAL_COMMANDS = [c.spec.name for c in build_registry().allowed(Role.ADMIN) if c.spec.writes]


@st.composite
def view_payloads(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """A view_submission; the bool says whether the payload is well-formed."""
    command = draw(st.sampled_from(MODAL_COMMANDS) | st.text(max_size=15))
    blocks = draw(
        st.lists(
            st.sampled_from(["name", "dn", "partition", "user", "devices", "groups", "value"])
            | st.text(max_size=8),
            max_size=5,
        )
    )
    values = {b: {"value": draw(VALUE_SHAPES)} for b in blocks}
    metadata: Any = {"command": command, "channel_id": "CFUZZ", "response_url": None}
    meta_text = draw(
        st.one_of(
            st.just(json.dumps(metadata)),
            st.just(json.dumps(metadata)),
            st.text(max_size=20),
            st.just("[1, 2]"),
            st.just("null"),
        )
    )
    view: dict[str, Any] = {
        "id": "VFUZZ",
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": meta_text,
        "state": {"values": values},
    }
    user = draw(st.sampled_from([ADMIN, OPERATOR, VIEWER, "UFZNOBODY"]))
    payload: dict[str, Any] = {
        "type": "view_submission",
        "user": {"id": user, "username": "fuzz", "team_id": "T0CTIBOT"},
        "api_app_id": "A0CTI",
        "team": {"id": "T0CTIBOT"},
        "trigger_id": f"fz.{time.time_ns()}.view",
        "view": view,
    }
    drop = draw(
        st.sampled_from([None, "user", "view.state", "view.private_metadata", "trigger_id"])
    )
    if drop == "user":
        del payload["user"]
    elif drop == "view.state":
        del view["state"]
    elif drop == "view.private_metadata":
        del view["private_metadata"]
    elif drop == "trigger_id":
        del payload["trigger_id"]
    return payload, drop in (None, "trigger_id", "view.private_metadata")


@given(case=view_payloads())
@settings(FUZZ, max_examples=50)
def test_modal_submissions_never_crash_or_write(
    fuzz_stack: Loopback, case: tuple[dict[str, Any], bool]
) -> None:
    payload, _ = case
    sim = fuzz_stack.sim
    before = write_count(sim)
    response = _post_payload(fuzz_stack, payload)
    if "user" not in payload:  # nobody to answer: refused before Bolt
        assert response.status_code == 400, (response.status_code, response.text, payload)
        assert write_count(sim) == before
        return
    assert response.status_code == 200, (response.status_code, response.text, payload)
    if response.text:
        answer = response.json()
        assert answer["response_action"] == "errors"
        assert answer["errors"] and all(str(m).strip() for m in answer["errors"].values())
    # The async part (if any) goes through Runner.handle on the worker pool: drain, then count.
    drain(fuzz_stack.bot.workers)
    # A well-formed form may plan a write, but none of these fields name real objects
    # a write could succeed on, so the simulator never sees one.
    assert write_count(sim) == before, payload


@st.composite
def click_payloads(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 10**9))
    action: dict[str, Any] = {
        "type": "button",
        "action_id": draw(st.sampled_from([CONFIRM_ACTION, CANCEL_ACTION])),
        "block_id": "cti_confirmation",
        "value": draw(
            st.text(max_size=80) | st.from_regex(r"[A-Za-z0-9_-]{20,43}", fullmatch=True)
        ),
        "action_ts": str(time.time()),
    }
    if draw(st.booleans()) and draw(st.booleans()):
        del action["value"]
    user = draw(st.sampled_from([ADMIN, OPERATOR, VIEWER, "UFZNOBODY"]))
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": "fuzz", "team_id": "T0CTIBOT"},
        "api_app_id": "A0CTI",
        "team": {"id": "T0CTIBOT"},
        "container": {
            "type": "message",
            "message_ts": draw(st.text(max_size=12)),
            "channel_id": "CFUZZ",
        },
        "trigger_id": f"fz{n}.{time.time_ns()}.click",
        "channel": draw(st.sampled_from([{"id": "CFUZZ"}, None, {}])),
        "message": {"ts": "1.1"},
        "response_url": "",
        "actions": [action],
    }
    return payload


@given(payload=click_payloads())
@settings(FUZZ, max_examples=50)
def test_button_clicks_with_bad_tokens_are_refused_and_write_nothing(
    fuzz_stack: Loopback, payload: dict[str, Any]
) -> None:
    stack = fuzz_stack
    key = f"fzclick{time.time_ns()}"
    payload["response_url"] = stack.fake.response_url(key)
    before = write_count(stack.sim)
    updates = len(stack.fake.calls_to("chat.update"))
    response = _post_payload(stack, payload)
    assert response.status_code == 200, response.text
    # Every random (or missing) token is unknown: told to the clicker only, never an edit.
    calls = stack.fake.wait_for("response_url", where=lambda c: c.path.endswith(f"/{key}"))
    text = calls[-1].params.get("text", "")
    assert text.strip() and "Internal error" not in text
    assert any(word in text for word in ("Unknown confirmation", "Not allowed", "needs the"))
    assert len(stack.fake.calls_to("chat.update")) == updates
    assert write_count(stack.sim) == before


GARBLED = ("payload=%7Bnot-json", "payload=", "payload=%5B1%5D", "payload=null")
ODD = ("", "text=version&user_id=", "\x00\xff")


def test_odd_bodies_are_refused_without_a_signature_and_run_nothing(fuzz_stack: Loopback) -> None:
    stack = fuzz_stack
    before = write_count(stack.sim)
    responses = len(stack.fake.calls_to("response_url"))
    for body in ODD:
        assert stack.signed.post(body, signature="v0=" + "1" * 64).status_code == 401
        assert stack.signed.post(body).status_code < 500, body
    for body in GARBLED:  # answered with an error status, never run
        assert stack.signed.post(body).status_code >= 400, body
    drain(stack.bot.workers)
    assert write_count(stack.sim) == before
    assert len(stack.fake.calls_to("response_url")) == responses


@pytest.mark.parametrize("body", GARBLED)
def test_garbled_payload_json_is_a_client_error_not_a_500(fuzz_stack: Loopback, body: str) -> None:
    # Unsigned: refused before anything parses it. Signed: a 400, not a crash.
    assert fuzz_stack.signed.post(body, signature="v0=" + "1" * 64).status_code == 401
    assert fuzz_stack.signed.post(body).status_code == 400


def deep(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def block_actions(user: Any) -> str:
    payload = {"type": "block_actions", "user": user, "actions": [], "api_app_id": "A0CTI"}
    return urlencode({"payload": json.dumps(payload)})


MALFORMED = {
    "nested payload": (urlencode({"payload": deep(20_000)}), "application/x-www-form-urlencoded"),
    "nested json body": (deep(20_000), "application/json"),
    "command without user_id": (
        urlencode({"command": "/cti", "text": "version", "team_id": "T0CTIBOT"}),
        "application/x-www-form-urlencoded",
    ),
    "command with empty user_id": (
        urlencode({"command": "/cti", "text": "version", "user_id": ""}),
        "application/x-www-form-urlencoded",
    ),
    "user is a string": (block_actions("UFZADMIN"), "application/x-www-form-urlencoded"),
    "user is a list": (block_actions(["UFZADMIN"]), "application/x-www-form-urlencoded"),
    "user without id": (block_actions({"name": "x"}), "application/x-www-form-urlencoded"),
    "user missing": (
        urlencode({"payload": json.dumps({"type": "view_submission", "view": {}})}),
        "application/x-www-form-urlencoded",
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_signed_but_malformed_bodies_are_a_400_not_a_500(fuzz_stack: Loopback, name: str) -> None:
    body, content_type = MALFORMED[name]
    before = write_count(fuzz_stack.sim)
    response = fuzz_stack.signed.post(body, content_type)
    assert response.status_code == 400, (name, response.status_code, response.text[:200])
    assert "Traceback" not in response.text
    assert write_count(fuzz_stack.sim) == before


# ---------------------------------------------------------------- values CUCM cannot take

UNSTORABLE = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b[2J",
    "DEL": "\x7f",
    "C1 control": "\x85",
    "non-character U+FFFF": "\uffff",
    "non-character U+FDD0": "\ufdd0",
    "non-character U+1FFFE": "\U0001fffe",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "right-to-left mark": "\u200f",
}
FIELD_COMMANDS = {
    "description": 'add-line 7991 partition=PT_CTI description="IVR {bad} line"',
    "alerting-name": 'add-line 7992 partition=PT_CTI alerting-name="IVR{bad}"',
    "name": "create-routepoint RP_{bad}X 7993 partition=PT_CTI",
    "reason": 'silence check devices 1h "patching {bad} now"',
}


@pytest.mark.parametrize("field", list(FIELD_COMMANDS))
@pytest.mark.parametrize("char", list(UNSTORABLE))
def test_characters_cucm_cannot_store_are_refused_by_field_name(
    fuzz_stack: Loopback, field: str, char: str
) -> None:
    bot, sim = fuzz_stack.bot, fuzz_stack.sim
    text = FIELD_COMMANDS[field].format(bad=UNSTORABLE[char])
    sim.reset_counters()
    reply = reply_of(bot.runner.handle(text, Actor(ADMIN, "fuzz", "CFUZZ"), Role.ADMIN))
    assert reply.status == "error" and reply.title != "Internal error", reply.as_text()
    assert f"`{field}` contains" in reply.as_text(), reply.as_text()
    assert sum(sum(ops.values()) for ops in sim.counters().values()) == 0  # not even a read


HUGE = str(2**64 + 7)
ID_COMMANDS = [
    f"show-change {HUGE}",
    f"undo {HUGE}",
    f"unsilence {HUGE}",
    f"show-change #{HUGE}",
    "show-change \u0663",  # an Arabic-Indic digit three: a digit, not an ASCII one
    "unsilence \u00b2",
    "log since=99999999999999d",
    "silence check devices 99999999999999999d overflow",
]


@pytest.mark.parametrize("text", ID_COMMANDS)
def test_ids_and_durations_out_of_range_are_usage_errors(fuzz_stack: Loopback, text: str) -> None:
    reply = reply_of(fuzz_stack.bot.runner.handle(text, Actor(ADMIN, "fuzz", "CFUZZ"), Role.ADMIN))
    assert reply.status == "error", reply.as_text()
    assert reply.title != "Internal error", reply.as_text()
    assert "Something went wrong" not in reply.as_text()


@pytest.mark.parametrize("size", [4001, 200_000, 10_000_000])
def test_long_command_text_is_refused_by_length_before_parsing(
    fuzz_stack: Loopback, size: int
) -> None:
    text = ("add-line 7994 description=" + '"<@U1|a> &lt;x&gt; ' * size)[:size]
    started = time.monotonic()
    reply = reply_of(fuzz_stack.bot.runner.handle(text, Actor(ADMIN, "fuzz", "CFUZZ"), Role.ADMIN))
    assert time.monotonic() - started < 2
    assert reply.status == "error" and f"{size} characters long" in reply.as_text()
