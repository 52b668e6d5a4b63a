"""Check 3: the AXL login works and `axl_version` is one the cluster serves."""

from __future__ import annotations

from collections.abc import Iterator

from bot.cucm.endpoint import AXL_VERSIONS
from bot.cucm.errors import AuthFailed, CucmError
from bot.doctor.report import Finding, Mark
from bot.doctor.run import Check, Probe

NAME = "credentials"


def _major_minor(version: str) -> tuple[int, int]:
    parts = [*version.split("."), "0", "0"][:2]
    return int(parts[0]), int(parts[1])


def highest_served(cucm_version: str) -> str | None:
    """The newest AXL version ctibot speaks that a cluster of this release serves."""
    release = _major_minor(cucm_version)
    served = [v for v in AXL_VERSIONS if _major_minor(v) <= release]
    return served[-1] if served else None


def check(probe: Probe) -> Iterator[Finding]:
    endpoint = probe.endpoint
    who = f"AXL user {endpoint.username}"
    try:
        version = probe.cucm.axl.probe_version()
    except AuthFailed as exc:
        yield Finding(
            NAME,
            who,
            Mark.FAIL,
            f"CUCM refused the login (HTTP {exc.status})",
            "Check the password in the cluster's password variable, and that the user is in a "
            "group with the role Standard AXL API Access (CUCM Administration > User "
            "Management > User Settings > Access Control Group).",
        )
        return
    except CucmError as exc:
        yield Finding(NAME, who, Mark.FAIL, f"getCCMVersion failed: {exc}")
        return
    yield Finding(NAME, who, Mark.PASS, f"logged in; CUCM {version}")
    best = highest_served(version)
    configured = endpoint.axl_version
    if best is None:
        yield Finding(
            NAME,
            "axl_version",
            Mark.FAIL,
            f"CUCM {version} is older than every AXL version ctibot speaks "
            f"({', '.join(AXL_VERSIONS)})",
        )
    elif _major_minor(configured) > _major_minor(best):
        yield Finding(
            NAME,
            "axl_version",
            Mark.FAIL,
            f"axl_version {configured} is newer than CUCM {version} serves",
            f'In the cluster\'s config section: axl_version = "{best}"',
        )
    elif configured != best:
        yield Finding(
            NAME,
            "axl_version",
            Mark.PASS,
            f"axl_version {configured} is served; {best} is the newest this cluster serves "
            f'(axl_version = "{best}")',
        )
    else:
        yield Finding(NAME, "axl_version", Mark.PASS, f"axl_version {configured} is served")


CREDENTIALS = Check(NAME, check, needs=("reach",))
