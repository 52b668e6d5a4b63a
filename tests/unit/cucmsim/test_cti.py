"""CTI application failover rules (docs/cucm-interfaces.md#cti-failover) on a hand-built cluster."""

from __future__ import annotations

import pytest

from cucmsim import cti
from cucmsim.model import CTI_MANAGER, Cluster, key
from tests.unit.cucmsim.serviceability.lab import PUB, SUB1, SUB2, build_cluster


def set_cti(cluster: Cluster, node: str, started: bool) -> None:
    cluster.services[(node, CTI_MANAGER)].status = "Started" if started else "Stopped"
    if started:
        cti.on_ctimanager_started(cluster, node)
    else:
        cti.on_ctimanager_stopped(cluster, node)


@pytest.fixture
def cluster() -> Cluster:
    cluster = build_cluster()
    cti.connect_all(cluster)
    return cluster


def current(cluster: Cluster, app_user: str) -> str | None:
    return cti.application(cluster, app_user).current_node


def test_connect_all_puts_each_app_on_its_primary(cluster: Cluster) -> None:
    assert current(cluster, "ctiapp") == SUB1
    assert current(cluster, "recorder") == SUB2
    assert cti.application(cluster, "ctiapp").opened_at > 0


def test_connect_all_uses_the_backup_when_the_primary_is_down() -> None:
    cluster = build_cluster()
    cluster.services[(SUB1, CTI_MANAGER)].status = "Stopped"
    cti.connect_all(cluster)
    assert current(cluster, "ctiapp") == SUB2


def test_stop_moves_apps_to_backup_and_start_does_not_fail_back(cluster: Cluster) -> None:
    set_cti(cluster, SUB1, started=False)
    assert current(cluster, "ctiapp") == SUB2
    assert current(cluster, "recorder") == SUB2
    set_cti(cluster, SUB1, started=True)
    assert current(cluster, "ctiapp") == SUB2


def test_restart_is_how_an_app_fails_back(cluster: Cluster) -> None:
    set_cti(cluster, SUB1, started=False)
    set_cti(cluster, SUB1, started=True)
    cti.restart_app(cluster, "CTIAPP")
    assert current(cluster, "ctiapp") == SUB1


def test_backup_failure_sends_the_app_back_to_its_primary(cluster: Cluster) -> None:
    set_cti(cluster, SUB1, started=False)
    set_cti(cluster, SUB1, started=True)
    set_cti(cluster, SUB2, started=False)
    assert current(cluster, "ctiapp") == SUB1
    assert current(cluster, "recorder") == SUB1


def test_both_down_then_backup_returns(cluster: Cluster) -> None:
    set_cti(cluster, SUB1, started=False)
    set_cti(cluster, SUB2, started=False)
    assert current(cluster, "ctiapp") is None
    set_cti(cluster, SUB2, started=True)
    assert current(cluster, "ctiapp") == SUB2
    set_cti(cluster, PUB, started=True)
    assert current(cluster, "ctiapp") == SUB2


def test_failed_app_stays_down_until_recovered(cluster: Cluster) -> None:
    cti.fail_app(cluster, "ctiapp")
    assert current(cluster, "ctiapp") is None
    assert cti.devices_opened_by(cluster, "ctiapp") == []
    set_cti(cluster, SUB2, started=False)
    set_cti(cluster, SUB2, started=True)
    assert current(cluster, "ctiapp") is None
    app = cti.recover_app(cluster, "ctiapp")
    assert (app.current_node, app.failed) == (SUB1, False)


def test_recover_goes_to_backup_when_primary_is_down(cluster: Cluster) -> None:
    cti.fail_app(cluster, "ctiapp")
    set_cti(cluster, SUB1, started=False)
    assert cti.recover_app(cluster, "ctiapp").current_node == SUB2


def test_counts_only_existing_cti_devices(cluster: Cluster) -> None:
    names = [d.name for d in cti.devices_opened_by(cluster, "ctiapp")]
    assert names == ["RP_IVR1", "CTIP1", "CTIP2"]
    assert cti.devices_open(cluster, SUB1) == 3
    assert cti.lines_open(cluster, SUB1) == 3
    assert cti.devices_open(cluster, SUB2) == 1
    assert [a.app_user for a in cti.providers_on(cluster, SUB1)] == ["ctiapp"]
    set_cti(cluster, SUB1, started=False)
    assert cti.devices_open(cluster, SUB1) == 0
    assert cti.devices_open(cluster, SUB2) == 4
    assert cti.opener_of(cluster, "ctip1") is not None


def test_unknown_application_is_a_key_error(cluster: Cluster) -> None:
    with pytest.raises(KeyError):
        cti.fail_app(cluster, "nobody")


def test_a_user_outside_standard_cti_enabled_cannot_open_a_provider(cluster: Cluster) -> None:
    """CUCM refuses the provider's login; one already open keeps going until it re-opens."""
    cluster.app_users[key("ctiapp")].groups.clear()
    assert current(cluster, "ctiapp") == SUB1
    set_cti(cluster, SUB1, started=False)  # the provider re-opens on its backup... or not
    assert current(cluster, "ctiapp") is None
    assert not cti.connected(cti.application(cluster, "ctiapp"))
    cti.restart_app(cluster, "ctiapp")
    assert current(cluster, "ctiapp") is None
    cti.connect_all(cluster)
    assert current(cluster, "ctiapp") is None
    assert cti.devices_opened_by(cluster, "ctiapp") == []
    cluster.app_users[key("ctiapp")].groups.append("standard cti enabled")
    cti.restart_app(cluster, "ctiapp")
    assert current(cluster, "ctiapp") == SUB2


def test_a_device_without_cti_control_is_not_opened(cluster: Cluster) -> None:
    """ "Allow Control of Device from CTI" off: CUCM refuses the application control of it."""
    cluster.devices[key("CTIP2")].extra["allowCtiControlFlag"] = "false"
    names = [d.name for d in cti.devices_opened_by(cluster, "ctiapp")]
    assert names == ["RP_IVR1", "CTIP1"]
    assert cti.devices_open(cluster, SUB1) == 2
    assert cti.opener_of(cluster, "CTIP2") is None
