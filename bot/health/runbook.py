"""Where each alert's runbook section lives, so the on-call engineer clicks instead of searching.

docs/operations.md has one section per alert kind, each with a stable
anchor (`{#services}`); by default the link points at that page in the
repository at the installed version's tag, so the advice matches the code
that raised the alert. `[health] runbook_url` points it at an internal copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import __version__
from bot.health.checks import CHECK_SUBJECT
from bot.health.checks import applications as applications_check
from bot.health.store import AlertRecord

REPOSITORY = "https://github.com/ctibot/ctibot"


def default_url(version: str = __version__) -> str:
    return f"{REPOSITORY}/blob/v{version}/docs/operations.md"


@dataclass(frozen=True)
class Section:
    anchor: str
    covers: str  # the link text: what the section tells you to do


SECTIONS = {
    "services": Section("services", "CTIManager down on a node"),
    "applications": Section("applications", "application on its backup"),
    "applications-nowhere": Section("applications-nowhere", "application connected nowhere"),
    "devices": Section("devices", "route point or CTI ports closed"),
    "limits": Section("limits", "devices open near or above the limits"),
    "drift": Section("drift", "changed outside the bot"),
    "heartbeat": Section("heartbeat", "heartbeat and check failures"),
}


def section(alert: AlertRecord) -> Section:
    """The section for this alert: a check that could not run is a check failure, whatever
    its check; an application connected nowhere has its own."""
    if alert.subject == CHECK_SUBJECT:
        return SECTIONS["heartbeat"]
    if alert.check == applications_check.NAME and alert.severity == "critical":
        return SECTIONS["applications-nowhere"]
    return SECTIONS.get(alert.check, SECTIONS["heartbeat"])


@dataclass(frozen=True)
class RunbookLink:
    """Where to read and what the link says; each front end writes its own link markup."""

    url: str
    text: str


def runbook_link(alert: AlertRecord, base_url: str | None = None) -> RunbookLink:
    found = section(alert)
    return RunbookLink(f"{base_url or default_url()}#{found.anchor}", f"Runbook: {found.covers}")
