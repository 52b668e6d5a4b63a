"""Which CUCM roles each API ctibot uses needs, which groups grant them, and how sure we are.

CUCM authorizes an API account by the roles of its access control groups. Cisco documents
only some of it, so every requirement carries its confidence (docs/cucm-permissions.md):
a check that can only compare roles (a write doctor must not send) fails on a confirmed
requirement and warns on anything less.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Confidence(StrEnum):
    CONFIRMED = "confirmed"  # Cisco's documentation
    PUBLIC = "public"  # public client code and guides, not Cisco-authoritative
    ASSUMED = "assumed"  # ctibot's assumption, to be confirmed in a lab


AXL_FULL = "Standard AXL API Access"
AXL_READ_ONLY = "Standard AXL Read Only API Access"
ADMIN_USERS = "Standard CCM Admin Users"
REALTIME = "Standard RealtimeAndTraceCollection"
SERVICEABILITY = "Standard SERVICEABILITY"
SUPER_USERS = "Standard CCM Super Users"

GUI_PATH = "CUCM Administration > User Management > User Settings > Access Control Group"


@dataclass(frozen=True)
class Requirement:
    api: str
    roles: tuple[str, ...]  # every one is needed
    confidence: Confidence
    probe: str  # the read-only call doctor makes, or "" when only the roles can be compared


AXL_READ = Requirement(
    "AXL read", (AXL_FULL,), Confidence.CONFIRMED, "getAppUser / getUser, getUserGroup"
)
AXL_WRITE = Requirement("AXL write", (AXL_FULL,), Confidence.CONFIRMED, "")
CONTROL_CENTER = Requirement(
    "Control Center", (ADMIN_USERS, REALTIME), Confidence.PUBLIC, "soapGetServiceStatus"
)
CONTROL_CENTER_WRITE = Requirement(
    "Control Center activate / start / stop",
    (ADMIN_USERS, REALTIME, SERVICEABILITY),
    Confidence.ASSUMED,
    "",
)
RIS = Requirement("RIS", (ADMIN_USERS, REALTIME), Confidence.PUBLIC, "selectCmDevice")
PERFMON = Requirement("PerfMon", (ADMIN_USERS, REALTIME), Confidence.PUBLIC, "perfmonListCounter")
REQUIREMENTS = (AXL_READ, AXL_WRITE, CONTROL_CENTER, CONTROL_CENTER_WRITE, RIS, PERFMON)

# The standard groups that grant each role: the group of the same name first (assumed for all
# but Standard AXL API Access), then the super users group (assumed).
GRANTED_BY: dict[str, tuple[str, ...]] = {
    AXL_FULL: (AXL_FULL, SUPER_USERS),
    AXL_READ_ONLY: (AXL_READ_ONLY,),
    ADMIN_USERS: (ADMIN_USERS, SUPER_USERS),
    REALTIME: (REALTIME, SUPER_USERS),
    SERVICEABILITY: (SERVICEABILITY, SUPER_USERS),
}


def missing(requirement: Requirement, held: frozenset[str]) -> list[str]:
    """The requirement's roles the account does not hold (roles compare case-insensitively)."""
    return [role for role in requirement.roles if role.casefold() not in held]


def grant_fix(user: str, roles: list[str], *, app_user: bool) -> str:
    """Where in CUCM's GUI to give ``user`` the missing roles, group by group."""
    button = "Add App Users to Group" if app_user else "Add End Users to Group"
    lines = []
    for role in roles:
        groups = GRANTED_BY.get(role, (role,))
        alternatives = f" (or {', '.join(groups[1:])})" if len(groups) > 1 else ""
        lines.append(f"Role {role}: add {user} to the group {groups[0]}{alternatives}")
    lines.append(f"in {GUI_PATH} > (the group) > {button}.")
    return "\n".join(lines)
