"""Access-group changes that can cut a working CTI application off, found before sending.

Two group writes break an application that runs today:
- adding Standard CTI Secure Connection: CTIManager then accepts the user's
  provider over TLS only, which needs the cluster in mixed mode and the
  application set up for TLS; otherwise the provider stops opening;
- removing Standard CTI Enabled from a user whose provider is open (RIS): the
  provider runs on until it re-opens (a CTIManager failover, an application
  restart), and then CUCM refuses to open it.
Each is a warning on the plan, and the plan asks for a confirmation. The
cluster's security mode is read (one AXL request) only when the advice
depends on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError
from bot.cucm.security import CLUSTER_SECURITY_MODE, PARAM_KEY, cluster_security_mode
from commands.domain.access_groups import ENABLED, SECURE, needs_security_mode

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import ClusterSecurityMode

# What makes a plan that adds groups risky, for the commands' docs (CommandSpec.risky_when).
RISKY_WHEN = f"it adds {SECURE}: the user's provider then opens over TLS only"


def security_mode_for(cucm: CucmCluster, *group_sets: Iterable[str]) -> ClusterSecurityMode | None:
    """The cluster's security mode when any of these group sets makes it matter, else None."""
    if not any(needs_security_mode(groups) for groups in group_sets):
        return None
    name = cucm.endpoint.param_names.get(PARAM_KEY, CLUSTER_SECURITY_MODE)
    return cluster_security_mode(cucm.axl, name)


def _named(groups: Iterable[str], name: str) -> bool:
    return any(g.casefold() == name.casefold() for g in groups)


def risky_group_warnings(
    cucm: CucmCluster,
    userid: str,
    *,
    added: Iterable[str] = (),
    removed: Iterable[str] = (),
    mode: ClusterSecurityMode | None = None,
) -> list[str]:
    """A warning per change that can stop the user's application; empty when none can."""
    warnings: list[str] = []
    if _named(added, SECURE):
        warnings.append(_secure_warning(userid, mode))
    if _named(removed, ENABLED):
        warnings += _open_provider_warning(cucm, userid)
    return warnings


def _secure_warning(userid: str, mode: ClusterSecurityMode | None) -> str:
    accepts = f'{userid}: "{SECURE}" makes CTIManager accept its provider over TLS only'
    if mode is not None and mode.mixed:
        return (
            f"{accepts} ({mode.describe()}): set the application up for TLS first, or its "
            "provider stops opening."
        )
    where = mode.describe() if mode is not None else "the cluster's security mode is unknown"
    return (
        f"{accepts}, which needs the cluster in mixed mode; {where}, so the application's "
        "provider will stop opening."
    )


def _open_provider_warning(cucm: CucmCluster, userid: str) -> list[str]:
    try:
        items = cucm.ris.select_cti_items("Provider", status="Open", app_users=[userid])
    except CucmError as exc:
        return [
            f"{userid}: could not ask RIS whether its provider is open ({exc}). If it is, "
            f'without "{ENABLED}" CUCM cannot open it again once it re-opens.'
        ]
    nodes = sorted(
        {
            i.node
            for i in items
            if i.user_id.casefold() == userid.casefold() and i.app_status.casefold() == "open"
        }
    )
    if not nodes:
        return []
    return [
        f'{userid}: its provider is open on {", ".join(nodes)} (RIS). Without "{ENABLED}" it '
        "runs until it re-opens (a CTIManager failover, an application restart), and then "
        "CUCM cannot open it again: its calls go to the CFOF / CFNA targets."
    ]
