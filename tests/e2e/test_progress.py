"""A confirmed bulk job edits its plan message with progress before the result."""

from tests.e2e.conftest import ADMIN, OPERATOR, Stack
from tests.e2e.slack_helpers import ask, confirm, run_confirmed


def test_bulk_job_shows_progress_then_the_result(stack: Stack) -> None:
    token, ts = ask(
        stack, "create-ports PRG{01..12} 7801-7812 partition=PT_CTI device-pool=DP_CTI", OPERATOR
    )
    updates = len(stack.fake.calls_to("chat.update"))
    stack.sim.set_latency(120, "axl")
    try:
        outcome = confirm(stack, token, ts, OPERATOR)  # waits for this message's result
    finally:
        stack.sim.set_latency(0, "axl")
    assert "Applied" in outcome["text"], outcome["text"]
    edits = [c for c in stack.fake.calls_to("chat.update")[updates:] if c.params["ts"] == ts]
    texts = [c.params.get("text", "") for c in edits]
    progress = [t for t in texts if "Applying…" in t]
    assert progress, texts
    assert texts.index(progress[0]) < next(i for i, t in enumerate(texts) if "Applied" in t)
    assert "/24]" in progress[0]  # 12 DNs + 12 ports


def test_a_slow_service_activation_keeps_the_message_current(stack: Stack) -> None:
    """A real node takes minutes to start CTIManager: the plan message shows the wait live."""
    normal = stack.sim.options.service_transition_s
    token, ts = ask(stack, "service activate cucm-pub", ADMIN)
    updates = len(stack.fake.calls_to("chat.update"))
    stack.sim.set_service_delay(3.0)
    try:
        outcome = confirm(stack, token, ts, ADMIN)
    finally:
        stack.sim.set_service_delay(normal)
    assert "Applied" in outcome["text"], outcome["text"]
    edits = [c for c in stack.fake.calls_to("chat.update")[updates:] if c.params["ts"] == ts]
    texts = [c.params.get("text", "") for c in edits]
    waiting = [t for t in texts if "Cisco CTIManager on cucm-pub: still Starting after" in t]
    assert waiting, texts
    assert texts.index(waiting[0]) < next(i for i, t in enumerate(texts) if "Applied" in t)
    restored = run_confirmed(stack, "service deactivate cucm-pub", ADMIN)
    assert "Applied" in restored["text"], restored["text"]
