"""`/cti capacity` over signed HTTP and Socket Mode: a PNG chart through Slack's
three-step upload flow, with the figures as text beside it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.demo.loopback import Loopback
from bot.health.capacity import Sample
from tests.e2e.conftest import VIEWER, e2e_stack
from tests.e2e.slack_helpers import run, text_of

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FLOW = ("files.getUploadURLExternal", "upload", "files.completeUploadExternal")


@pytest.fixture(scope="module", params=["http", "socket_mode"])
def stack(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Loopback]:
    directory = tmp_path_factory.mktemp("capacity")
    with e2e_stack(directory, socket_mode=request.param == "socket_mode") as loopback:
        yield loopback


def _flow_calls(stack: Loopback) -> list[str]:
    return [c.method for c in stack.fake.calls if c.method in FLOW]


def test_capacity_posts_a_png_through_the_upload_flow(stack: Loopback) -> None:
    stack.bot.monitor.scheduler.run("lab", "limits")  # a real sweep of the simulator
    earlier = datetime.now(UTC) - timedelta(days=3)
    stack.bot.monitor.store.capacity.record(
        "lab", [Sample("provider/ctiapp_ivr/cucm-sub1", earlier, 350, 400)]
    )
    before = len(stack.fake.shared_files())
    flow_before = len(_flow_calls(stack))

    reply = run(stack, "capacity lab --since 7d", VIEWER)

    text = text_of(reply)
    assert "CTI capacity of lab, last 7d" in text, text
    assert "Provider ctiapp_ivr on cucm-sub1" in text and "peak 350" in text, text
    assert "Node cucm-" in text, text  # the sweep's own samples
    assert reply["response_type"] == "in_channel"
    shared = stack.fake.shared_files()[before:]
    assert len(shared) == 1
    chart = shared[0]
    assert chart.channel == "CCTI" and chart.filename == "capacity-lab-7d.png"
    assert chart.content is not None and chart.content.startswith(PNG_MAGIC)
    assert _flow_calls(stack)[flow_before:] == list(FLOW)


def test_a_window_it_does_not_offer_is_refused_and_uploads_nothing(stack: Loopback) -> None:
    flow_before = len(_flow_calls(stack))
    reply = run(stack, "capacity lab --since 1y", VIEWER)
    assert "24h" in text_of(reply) and "30d" in text_of(reply), text_of(reply)
    assert len(_flow_calls(stack)) == flow_before
