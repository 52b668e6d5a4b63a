"""The Standard CTI access control groups and Cisco's rules about combining them.

Names are CUCM's exact spelling (docs/cucm-interfaces.md#cti-groups, including the lower-case
"supporting" and "conf"): whether AXL compares group names case-insensitively
is unconfirmed, so admins may type any case but we always send this spelling.
The rules are advice from Cisco's SysConfig guide, not CUCM constraints, so
they surface as warnings carrying the command that fixes them. The one fix
that can break an application, Secure Connection, is offered only on a cluster
in mixed mode: it makes CTIManager accept the user's provider over TLS only,
which a non-secure cluster cannot do, so there the advice says what it would
take instead.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import TYPE_CHECKING

from commands.engine.base import UsageError

if TYPE_CHECKING:
    from bot.cucm.models import ClusterSecurityMode

PREFIX = "Standard CTI "
ENABLED = "Standard CTI Enabled"
SECURE = "Standard CTI Secure Connection"
ALL_DEVICES = "Standard CTI Allow Control of All Devices"
SRTP = "Standard CTI Allow Reception of SRTP Key Material"

CTI_GROUPS: tuple[str, ...] = (
    ENABLED,
    "Standard CTI Allow Call Monitoring",
    "Standard CTI Allow Call Park Monitoring",
    "Standard CTI Allow Call Recording",
    "Standard CTI Allow Calling Number Modification",
    ALL_DEVICES,
    SRTP,
    SECURE,
    "Standard CTI Allow Control of Phones supporting Connected Xfer and conf",
    "Standard CTI Allow Control of Phones supporting Rollover Mode",
)

_BY_FOLDED = {name.casefold(): name for name in CTI_GROUPS}


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def match_group(typed: str) -> str:
    """CUCM's spelling of a typed group name; "enabled" works as "Standard CTI Enabled"."""
    folded = _normal(typed)
    found = _BY_FOLDED.get(folded) or _BY_FOLDED.get(_normal(PREFIX + typed))
    if found is None:
        valid = "\n".join(f"• {name}" for name in CTI_GROUPS)
        raise UsageError(f"Unknown group `{typed}`. Valid groups:\n{valid}")
    return found


def match_groups(typed: Iterable[str]) -> list[str]:
    """Every typed name resolved, duplicates dropped, in the order given."""
    return list(dict.fromkeys(match_group(t) for t in typed))


def _has(groups: set[str], name: str) -> bool:
    return name.casefold() in groups


def fix_command(userid: str, groups: Iterable[str], *, end_user: bool = False) -> str:
    """The one-click fix: the exact add-user-to-group command, quoted for the parser."""
    words = ["/cti add-user-to-group", shlex.quote(userid), *(shlex.quote(g) for g in groups)]
    if end_user:
        words.append("--end-user")
    return " ".join(words)


def needs_security_mode(groups: Iterable[str]) -> bool:
    """Whether the advice on these groups depends on the cluster's security mode."""
    held = {g.casefold() for g in groups}
    return any(_has(held, g) for g in (SECURE, ALL_DEVICES, SRTP))


def secure_requirement(mode: ClusterSecurityMode | None) -> str:
    """What Secure Connection needs, and whether this cluster has it."""
    where = mode.describe() if mode is not None else "the cluster's security mode is unknown"
    return (
        f'"{SECURE}" needs a cluster in mixed mode and the application connecting to '
        f"CTIManager over TLS; {where}"
    )


def rule_warnings(
    userid: str,
    groups: Iterable[str],
    *,
    end_user: bool = False,
    mode: ClusterSecurityMode | None = None,
) -> list[str]:
    """Cisco's pairing rules checked on a user's resulting group set.

    Secure Connection is suggested only when `mode` says the cluster is in mixed mode;
    otherwise the warning says what it would require, with no command to run.
    """
    held = {g.casefold() for g in groups}
    mixed = mode is not None and mode.mixed is True
    warnings: list[str] = []

    def warn(text: str, missing: list[str]) -> None:
        fixable = [g for g in missing if g != SECURE or mixed]
        fix = f" Fix: `{fix_command(userid, fixable, end_user=end_user)}`" if fixable else ""
        warnings.append(f"{userid}: {text}{fix}")

    if _has(held, ALL_DEVICES) and not _has(held, SECURE):
        if mode is not None and mode.mixed:
            warn(
                f'"{ALL_DEVICES}" should be paired with "{SECURE}": {mode.describe()}, and '
                "the application must then connect to CTIManager over TLS.",
                [SECURE],
            )
        else:
            warn(
                f'"{ALL_DEVICES}" lets it control every CTI-controllable device. Cisco pairs it '
                f'with "{SECURE}", but {secure_requirement(mode)}: do not add it until both '
                "hold, or the application's provider stops opening.",
                [],
            )
    if _has(held, SRTP):
        missing = [g for g in (ENABLED, SECURE) if not _has(held, g)]
        if missing:
            names = " and ".join(f'"{g}"' for g in missing)
            need = f" ({secure_requirement(mode)})" if SECURE in missing else ""
            warn(f'"{SRTP}" also needs {names}{need}.', missing)
    srtp_needs_enabled = _has(held, SRTP) and not _has(held, ENABLED)
    cti = [g for g in CTI_GROUPS if _has(held, g)]
    if cti and not _has(held, ENABLED) and not srtp_needs_enabled:
        warn(
            f'is in CTI groups but not in "{ENABLED}", which every CTI application needs.',
            [ENABLED],
        )
    return warnings
