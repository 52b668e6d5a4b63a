"""An alert's runbook link is the one piece of link markup ctibot writes itself: its parts
are escaped so a configured URL cannot break out of it."""

from __future__ import annotations

from bot.slack.alerts_render import link
from tests.alerts import FIRING


def test_link_escapes_the_configured_url() -> None:
    text = link(FIRING, "https://wiki.example/ops?a=1&b=2")
    assert (
        text
        == "<https://wiki.example/ops?a=1&amp;b=2#applications|Runbook: application on its backup>"
    )
