"""Simulated CTI applications: where each provider is connected and what it holds open.

CUCM's documented behaviour (SysConfig, "CTIManager fails"): an application
re-opens its devices on the backup CTIManager of its own configuration, and
does not rehome to the primary when that comes back; it returns to the primary
only when the application restarts or the backup fails. These functions apply
those rules to the Cluster so RIS and PerfMon can report the result; they hold
`cluster.lock` themselves, so callers may or may not already hold it.

Access is enforced as CUCM does: a user outside Standard CTI Enabled cannot
open a provider (a provider already open keeps running until it re-opens, on a
failover or a restart), and a device whose "Allow Control of Device from CTI"
(allowCtiControlFlag) is off is not opened for anyone.

Max Devices Per Provider / Per Node are deliberately not enforced: CUCM lets
applications exceed them (it only raises alarms), so the counts stay visible.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from cucmsim.model import (
    CTI_MANAGER,
    Cluster,
    CtiApplication,
    Device,
    LineAppearance,
    key,
)

CTI_PRODUCTS = frozenset({"cti route point", "cti port"})
CTI_ENABLED = "Standard CTI Enabled"


def is_cti_device(device: Device) -> bool:
    """Route points and CTI ports are what applications open; phones follow their own rules."""
    return device.product.casefold() in CTI_PRODUCTS


def allows_cti_control(device: Device) -> bool:
    """The device's "Allow Control of Device from CTI"; route points have no such flag."""
    return device.extra.get("allowCtiControlFlag", "true").strip().casefold() != "false"


def same_name(a: str | None, b: str | None) -> bool:
    """CUCM compares node, user and device names case-insensitively."""
    return a is not None and b is not None and a.casefold() == b.casefold()


def ctimanager_started(cluster: Cluster, node: str | None) -> bool:
    """True when the CTIManager service on `node` accepts providers."""
    if node is None:
        return False
    with cluster.lock:
        for (node_name, service), state in cluster.services.items():
            if same_name(node_name, node) and service.casefold() == CTI_MANAGER.casefold():
                return state.activated and state.status == "Started"
    return False


def application(cluster: Cluster, app_user: str) -> CtiApplication:
    """The application opened by `app_user`; KeyError when the simulation has none."""
    with cluster.lock:
        found = cluster.applications.get(key(app_user))
        if found is None:
            found = next(
                (a for a in cluster.applications.values() if same_name(a.app_user, app_user)),
                None,
            )
        if found is None:
            raise KeyError(f"no CTI application for user {app_user!r}")
        return found


def may_open_provider(cluster: Cluster, app: CtiApplication) -> bool:
    """CUCM lets a user open a provider only as a member of Standard CTI Enabled."""
    with cluster.lock:
        user = cluster.app_users.get(key(app.app_user)) or cluster.users.get(key(app.app_user))
        return user is not None and any(same_name(g, CTI_ENABLED) for g in user.groups)


def _connect(app: CtiApplication, node: str | None) -> None:
    """Move the provider; a provider opened anew gets a new time stamp."""
    if node is not None and not same_name(app.current_node, node):
        app.opened_at = time.time()
    app.current_node = node


def _home(cluster: Cluster, app: CtiApplication) -> str | None:
    """Where a (re)starting application connects: its primary if up, else its backup;
    nowhere when CUCM refuses the user a provider."""
    if not may_open_provider(cluster, app):
        return None
    if ctimanager_started(cluster, app.primary_node):
        return app.primary_node
    if ctimanager_started(cluster, app.backup_node):
        return app.backup_node
    return None


def connect_all(cluster: Cluster) -> None:
    """Bring every running application up, as after a cluster boot.

    Applications already connected to a running CTIManager keep their node.
    """
    with cluster.lock:
        for app in cluster.applications.values():
            if app.failed:
                _connect(app, None)
            elif not ctimanager_started(cluster, app.current_node):
                _connect(app, _home(cluster, app))


def on_ctimanager_stopped(cluster: Cluster, node: str) -> None:
    """Providers on `node` lose their link and re-open on the other configured CTIManager.

    An application on its backup goes back to its primary here: that is the
    one documented way (besides a restart) it fails back.
    """
    with cluster.lock:
        for app in cluster.applications.values():
            if app.failed or not same_name(app.current_node, node):
                continue
            other = app.primary_node if same_name(node, app.backup_node) else app.backup_node
            reopens = ctimanager_started(cluster, other) and may_open_provider(cluster, app)
            _connect(app, other if reopens else None)


def on_ctimanager_started(cluster: Cluster, node: str) -> None:
    """Applications connected nowhere that list `node` reconnect; no one fails back."""
    with cluster.lock:
        for app in cluster.applications.values():
            if app.failed or app.current_node is not None:
                continue
            if same_name(node, app.primary_node) or same_name(node, app.backup_node):
                _connect(app, _home(cluster, app))


def fail_app(cluster: Cluster, app_user: str) -> CtiApplication:
    """The application process dies: its provider closes everywhere."""
    with cluster.lock:
        app = application(cluster, app_user)
        app.failed = True
        _connect(app, None)
        return app


def recover_app(cluster: Cluster, app_user: str) -> CtiApplication:
    """The application (re)starts: primary if running, else backup; this is how it fails back."""
    with cluster.lock:
        app = application(cluster, app_user)
        app.failed = False
        home = _home(cluster, app)
        app.current_node = None
        _connect(app, home)
        return app


restart_app = recover_app


def connected(app: CtiApplication) -> bool:
    return not app.failed and app.current_node is not None


def providers_on(cluster: Cluster, node: str) -> list[CtiApplication]:
    """Applications whose provider is open on `node`, in a stable order."""
    with cluster.lock:
        return sorted(
            (a for a in cluster.applications.values() if same_name(a.current_node, node)),
            key=lambda a: a.app_user.casefold(),
        )


def controlled_device_names(cluster: Cluster, app: CtiApplication) -> list[str]:
    """The device names the application asks to open: its user's controlled devices."""
    with cluster.lock:
        user = cluster.app_users.get(key(app.app_user)) or cluster.users.get(key(app.app_user))
        return list(user.associated_devices) if user is not None else []


def controlled_devices(
    cluster: Cluster, app: CtiApplication
) -> Iterator[tuple[str, Device | None]]:
    """Each controlled name with its CTI device, or None when no such CTI device exists or
    the device does not allow CTI control."""
    with cluster.lock:
        for name in controlled_device_names(cluster, app):
            device = cluster.devices.get(key(name))
            usable = device is not None and is_cti_device(device) and allows_cti_control(device)
            yield name, device if usable else None


def devices_opened_by(cluster: Cluster, app_user: str) -> list[Device]:
    """The CTI devices the application holds open right now (none while it is down)."""
    with cluster.lock:
        app = application(cluster, app_user)
        if not connected(app):
            return []
        return [d for _, d in controlled_devices(cluster, app) if d is not None]


def devices_open(cluster: Cluster, node: str) -> int:
    """What PerfMon's `Cisco CTI Manager\\DevicesOpen` counts on `node`."""
    with cluster.lock:
        return sum(len(devices_opened_by(cluster, a.app_user)) for a in providers_on(cluster, node))


def lines_opened_by(cluster: Cluster, app_user: str) -> list[tuple[Device, LineAppearance]]:
    with cluster.lock:
        return [(d, line) for d in devices_opened_by(cluster, app_user) for line in d.lines]


def lines_open(cluster: Cluster, node: str) -> int:
    """What PerfMon's `Cisco CTI Manager\\LinesOpen` counts on `node`."""
    with cluster.lock:
        return sum(len(lines_opened_by(cluster, a.app_user)) for a in providers_on(cluster, node))


def opener_of(cluster: Cluster, device_name: str) -> CtiApplication | None:
    """The connected application holding `device_name` open, if any."""
    with cluster.lock:
        for app in sorted(cluster.applications.values(), key=lambda a: a.app_user.casefold()):
            if connected(app) and any(
                same_name(d.name, device_name) for d in devices_opened_by(cluster, app.app_user)
            ):
                return app
        return None
