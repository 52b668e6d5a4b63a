"""A modal whose metadata names no place to answer: the bot says so in its log and posts nothing.

Modals open from slash commands, which always carry a channel and a response_url; a
submission without either (metadata not as written) once posted to `channel=None`.
"""

from __future__ import annotations

import json
import logging

import pytest

from tests.e2e.conftest import OPERATOR, Stack
from tests.waiting import wait_until

PARAM = "CtiMaxDevicesPerNode"
SLACK_POSTS = ("chat.postMessage", "chat.postEphemeral", "response_url")


def test_a_modal_with_no_channel_and_no_response_url_posts_nothing(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    opened = len(stack.fake.calls_to("views.open"))
    response, _ = stack.signed.command("tparam set", OPERATOR)
    assert response.status_code == 200
    view = stack.fake.wait_for("views.open", count=opened + 1)[-1].params["view"]
    meta = json.loads(view["private_metadata"])
    view["private_metadata"] = json.dumps({**meta, "channel_id": None, "response_url": None})
    values = {
        "name": {"value": {"type": "plain_text_input", "value": PARAM}},
        "value": {"value": {"type": "plain_text_input", "value": "908"}},
        "node": {"value": {"type": "plain_text_input", "value": "cucm-pub"}},
    }
    posted = sum(len(stack.fake.calls_to(m)) for m in SLACK_POSTS)
    with caplog.at_level(logging.WARNING, logger="bot.slack.listeners.views"):
        assert stack.signed.submit_view(view, values, OPERATOR).status_code == 200
        wait_until(lambda: "carried no response_url and no channel" in caplog.text)
    assert sum(len(stack.fake.calls_to(m)) for m in SLACK_POSTS) == posted
