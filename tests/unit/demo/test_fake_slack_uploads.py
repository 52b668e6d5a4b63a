"""The fake Slack takes files as Slack does, and no more leniently: bytes must arrive at the
handed-out URL, in the declared length, before a completion can share them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.fake_slack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


def _client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url)


def test_files_upload_v2_goes_through_the_three_steps(fake: FakeSlack) -> None:
    done = _client(fake).files_upload_v2(
        content=b"\x89PNG-bytes", filename="chart.png", title="Chart", channel="C1"
    )
    assert done["file"]["title"] == "Chart"
    (shared,) = fake.shared_files()
    assert (shared.channel, shared.content) == ("C1", b"\x89PNG-bytes")
    assert shared.filename == "chart.png"


def test_a_completion_without_the_bytes_or_with_the_wrong_length_is_refused(
    fake: FakeSlack,
) -> None:
    client = _client(fake)
    step1 = client.files_getUploadURLExternal(filename="a.png", length=4)
    assert step1["upload_url"].startswith("http://127.0.0.1:")
    files = [{"id": step1["file_id"], "title": "a"}]
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=files, channel_id="C1")
    assert requests.post(step1["upload_url"], data=b"12345", timeout=5).status_code == 400
    assert requests.post(step1["upload_url"], data=b"1234", timeout=5).status_code == 200
    client.files_completeUploadExternal(files=files, channel_id="C1")
    assert [u.content for u in fake.shared_files()] == [b"1234"]
