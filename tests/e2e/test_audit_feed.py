"""The audit channel and the one-line announcements, over signed HTTP and Socket Mode.

Every change set that wrote or tried to (applied, failed, undone) is posted to
`[slack] audit_channel` exactly once; dry runs are not. With `announce_writes`
the channel the command ran in gets one line while the requester's own reply
stays ephemeral.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.demo.loopback import Loopback
from tests.e2e import slack_helpers
from tests.e2e.conftest import ADMIN, OPERATOR, e2e_stack
from tests.e2e.slack_helpers import change_set_id, text_of

AUDIT = "CAUDIT"
WHERE_RUN = "CCTI"
PT = "PT_CTI"


@pytest.fixture(scope="module", params=["http", "socket_mode"])
def feed_stack(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Loopback]:
    extra = f'audit_channel = "{AUDIT}"\nannounce_writes = true'
    with e2e_stack(
        tmp_path_factory.mktemp("audit"),
        slack_extra=extra,
        socket_mode=request.param == "socket_mode",
    ) as loopback:
        yield loopback


def _posts(stack: Loopback, channel: str) -> list[dict[str, Any]]:
    calls = stack.fake.calls_to("chat.postMessage")
    return [c.params for c in calls if c.status == 200 and c.params.get("channel") == channel]


def _audit_post(stack: Loopback, count: int) -> dict[str, Any]:
    """Wait for the `count`th post in the audit channel; exactly that many must be there."""
    stack.fake.wait_for(
        "chat.postMessage", count=count, where=lambda c: c.params.get("channel") == AUDIT
    )
    posts = _posts(stack, AUDIT)
    assert len(posts) == count, [p.get("text") for p in posts]
    return posts[-1]


def _announcement(stack: Loopback, set_id: int) -> list[dict[str, Any]]:
    mark = f"change set #{set_id}"
    stack.fake.wait_for(
        "chat.postMessage",
        where=lambda c: c.params.get("channel") == WHERE_RUN and mark in c.params.get("text", ""),
    )
    return [p for p in _posts(stack, WHERE_RUN) if mark in p.get("text", "")]


def test_applied_failed_undone_each_posted_once_and_dry_runs_never(feed_stack: Loopback) -> None:
    stack = feed_stack
    seen = len(_posts(stack, AUDIT))

    reply = slack_helpers.run(stack, f"add-line 8501 partition={PT}", OPERATOR)
    assert reply["response_type"] == "ephemeral"
    applied = change_set_id(reply)
    post = text_of(_audit_post(stack, seen + 1))
    assert f"#{applied}" in post and "8501 in PT_CTI" in post, post
    assert f"<@{OPERATOR}>" in post and f"/cti undo {applied}" in post, post
    announced = _announcement(stack, applied)
    assert len(announced) == 1 and "add-line 8501" in announced[0]["text"], announced

    dry_run = slack_helpers.run(stack, f"add-line 8502 partition={PT} --dry-run", OPERATOR)
    assert "Dry run" in dry_run["text"]

    stack.sim.inject_fault("addLine", "axl_fault", message="Injected for the audit feed")
    failed = change_set_id(slack_helpers.run(stack, f"add-line 8503 partition={PT}", OPERATOR))
    post = text_of(_audit_post(stack, seen + 2))
    assert f"#{failed}" in post and "failed" in post, post
    assert "Injected for the audit feed" in post and "/cti undo" not in post, post
    assert all("8502" not in text_of(p) for p in _posts(stack, AUDIT))

    outcome = slack_helpers.run_confirmed(stack, f"undo {applied}", ADMIN)
    undo = change_set_id(outcome)
    post = text_of(_audit_post(stack, seen + 3))
    assert f"Undo of #{applied}" in post and f"#{undo}" in post, post
    assert "Remove Directory Number 8501 in PT_CTI" in post, post
