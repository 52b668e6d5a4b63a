"""Each configured CTI application connected, and to which CTIManager.

On its backup it works, but it will not fail back by itself when the primary
returns (CUCM only fails it back on an application restart or a backup
failure); connected nowhere, CUCM sends its calls to the CFOF / CFNA targets.
"""

from __future__ import annotations

from bot.config import HealthApplication, HealthSettings
from bot.health.checks.base import CheckResult, Target, fail, ok
from bot.health.store import HealthStore

NAME = "applications"


def configured(settings: HealthSettings, cluster: str, default: bool) -> list[HealthApplication]:
    """Applications on this cluster; entries naming no cluster belong to the default one."""
    return [
        a
        for a in settings.applications
        if (a.cluster or "").casefold() == cluster.casefold() or (a.cluster is None and default)
    ]


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def run(target: Target, settings: HealthSettings, store: HealthStore) -> list[CheckResult]:
    apps = configured(settings, target.name, target.default)
    if not apps:
        return []
    items = target.ris.select_cti_items("Provider", app_users=[a.app_user for a in apps])
    results = []
    for app in apps:
        nodes = sorted(
            {
                i.node
                for i in items
                if _same(i.user_id, app.app_user) and i.app_status.casefold() == "open"
            }
        )
        where = {"primary": app.primary_node, "backup": app.backup_node, "nodes": nodes}
        if any(_same(n, app.primary_node) for n in nodes):
            results.append(
                ok(
                    target,
                    NAME,
                    app.app_user,
                    f"on primary {app.primary_node}",
                    node=app.primary_node,
                    **where,
                )
            )
        elif any(_same(n, app.backup_node) for n in nodes):
            results.append(
                fail(
                    target,
                    NAME,
                    app.app_user,
                    "warning",
                    f"{app.app_user} failed over to backup {app.backup_node} ({target.name}); "
                    "it will not fail back by itself",
                    node=app.backup_node,
                    **where,
                )
            )
        elif nodes:
            results.append(
                fail(
                    target,
                    NAME,
                    app.app_user,
                    "warning",
                    f"{app.app_user} connected to {', '.join(nodes)}, neither its primary nor "
                    f"its backup ({target.name})",
                    node=nodes[0],
                    **where,
                )
            )
        else:
            results.append(
                fail(
                    target,
                    NAME,
                    app.app_user,
                    "critical",
                    f"{app.app_user} connected nowhere ({target.name}): calls going to CFOF/CFNA",
                    node=app.primary_node,
                    **where,
                )
            )
    return results
