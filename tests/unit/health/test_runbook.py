"""Each alert kind links the runbook section that tells the on-call engineer what to do."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import HealthSettings
from bot.health.runbook import RunbookLink, default_url, runbook_link, section
from tests.alerts import FIRING


@pytest.mark.parametrize(
    ("changes", "anchor"),
    [
        ({}, "applications"),
        ({"severity": "critical"}, "applications-nowhere"),
        ({"check": "limits", "subject": "cluster"}, "limits"),
        ({"check": "devices", "subject": "check"}, "heartbeat"),
        ({"check": "someday"}, "heartbeat"),
    ],
)
def test_anchor_by_alert_kind(changes: dict[str, Any], anchor: str) -> None:
    assert section(replace(FIRING, **changes)).anchor == anchor


def test_link_points_at_the_section_of_the_configured_page() -> None:
    assert runbook_link(FIRING, "https://wiki.example/ops") == RunbookLink(
        "https://wiki.example/ops#applications", "Runbook: application on its backup"
    )
    assert runbook_link(FIRING).url == f"{default_url()}#applications"
    assert default_url("1.2.3").endswith("/blob/v1.2.3/docs/operations.md")


@pytest.mark.parametrize(
    "bad", ["wiki/ops", "https://x/a b", "https://x/ops#services", "https://x/<!channel>"]
)
def test_runbook_url_must_be_a_plain_page_url(bad: str) -> None:
    with pytest.raises(ValidationError, match="runbook_url"):
        HealthSettings(runbook_url=bad)
