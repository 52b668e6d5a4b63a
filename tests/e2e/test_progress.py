"""A confirmed bulk job edits its plan message with progress before the result."""

import time

from bot.slack.render import CONFIRM_ACTION
from tests.e2e.conftest import OPERATOR, Stack


def _message_ts(stack: Stack, token: str) -> str:
    """The bot records the posted plan's ts just after chat.postMessage returns."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        pending = stack.bot.confirmations.get(token)
        if pending is not None and pending.message_ts:
            return pending.message_ts
        time.sleep(0.02)
    raise AssertionError("the confirmation message ts was never recorded")


def test_bulk_job_shows_progress_then_the_result(stack: Stack) -> None:
    posts = len(stack.fake.calls_to("chat.postMessage"))
    response, _ = stack.peer.command(
        "create-ports PRG{01..12} 7801-7812 partition=PT_CTI device-pool=DP_CTI", OPERATOR
    )
    assert response.status_code == 200
    post = stack.fake.wait_for("chat.postMessage", count=posts + 1)[-1]
    token = post.params["blocks"][-1]["elements"][0]["value"]
    ts = _message_ts(stack, token)
    updates = len(stack.fake.calls_to("chat.update"))
    stack.sim.set_latency(120, "axl")
    try:
        assert stack.peer.click(CONFIRM_ACTION, token, OPERATOR, ts).ok
        stack.fake.wait_for(
            "chat.update",
            where=lambda c: "Applied" in c.params.get("text", ""),
            timeout=30,
        )
    finally:
        stack.sim.set_latency(0, "axl")
    texts = [c.params.get("text", "") for c in stack.fake.calls_to("chat.update")[updates:]]
    progress = [t for t in texts if "Applying…" in t]
    assert progress, texts
    assert texts.index(progress[0]) < next(i for i, t in enumerate(texts) if "Applied" in t)
    assert "/24]" in progress[0]  # 12 DNs + 12 ports
