"""Every AxlClient method against the simulator over real HTTP (compact and Cisco WSDL)."""

from __future__ import annotations

import pytest

from bot.cucm.cluster import CucmCluster
from bot.cucm.errors import NotFound
from bot.cucm.models import (
    CallForward,
    CtiPort,
    Line,
    LineAppearance,
    LineSetting,
    RoutePoint,
)
from bot.cucm.param_catalog import CATALOGUE, ParameterResolver
from bot.cucm.security import (
    CLUSTER_SECURITY_MODE,
    ENTERPRISE_NODE,
    ENTERPRISE_SERVICE,
    cluster_security_mode,
)
from cucmsim.api import SimServer
from cucmsim.model import key

pytestmark = pytest.mark.timeout(60)


def test_cluster_reads(cluster: CucmCluster) -> None:
    axl = cluster.axl
    assert axl.get_version().startswith("12.5")
    nodes = axl.list_process_nodes()
    assert [n.name for n in nodes] == ["cucm-pub", "cucm-sub1", "cucm-sub2"]
    assert nodes[0].usage == "Publisher"
    pools = {p.name: p for p in axl.list_device_pools()}
    assert "DP_CTI" in pools
    pool = axl.get_device_pool("DP_CTI")
    assert pool == pools["DP_CTI"]
    group = axl.get_cm_group(pool.cm_group or "")
    assert group.members and all(m.startswith("cucm-") for m in group.members)


def test_seeded_objects(cluster: CucmCluster) -> None:
    axl = cluster.axl
    rp = axl.get_route_point("RP_MAIN")
    assert rp.device_pool == "DP_CTI"
    assert rp.lines[0].pattern == "7000" and rp.lines[0].partition == "PT_CTI"
    assert rp.uuid.startswith("{")
    assert "RP_MAIN" in axl.list_route_points("RP_%")
    line = axl.get_line("7000", "PT_CTI")
    assert "RP_MAIN" in line.associated_devices
    assert any(x.pattern == "7000" for x in axl.list_lines("70%"))
    assert axl.get_app_user("ctiapp_ivr").userid == "ctiapp_ivr"
    assert {"ctiapp_ivr", "ctiapp_rec"} <= set(axl.list_app_users())
    assert axl.get_end_user("jsmith").last_name
    assert {"jsmith", "agent1"} <= set(axl.list_end_users())
    assert "Standard CTI Enabled" in axl.list_user_groups()
    assert axl.exists("route_point", "RP_MAIN")
    assert not axl.exists("route_point", "RP_NOPE")


def test_route_point_lifecycle(cluster: CucmCluster, wsdl_kind: str) -> None:
    axl = cluster.axl
    name, dn = f"RP_T_{wsdl_kind}", "7101" if wsdl_kind == "compact" else "7102"
    axl.add_line(Line(dn, "PT_CTI", "test", "Test RP"))
    settings: dict[str, LineSetting] = {
        "e164Mask": "+1408555XXXX",
        "monitoringCssName": "CSS_Internal",
        "recordingFlag": "Selective Call Recording Enabled",
        "callInfoDisplay": {"callerNumber": "true"},
        "associatedEndusers": ["jsmith"],
    }
    lines = (LineAppearance(1, dn, "PT_CTI", max_calls=20, busy_trigger=15, settings=settings),)
    uuid = axl.add_route_point(RoutePoint(name, "t", "DP_CTI", None, "Hub_None", lines))
    assert uuid.startswith("{")
    got = axl.get_route_point(name)
    assert got.css is None
    (line,) = got.lines
    assert (line.pattern, line.max_calls, line.busy_trigger) == (dn, 20, 15)
    assert {k: line.settings[k] for k in settings if k != "callInfoDisplay"} == {
        k: v for k, v in settings.items() if k != "callInfoDisplay"
    }
    display = line.settings["callInfoDisplay"]
    assert isinstance(display, dict) and display["callerNumber"] == "true"
    assert line.settings["ringSetting"] == "Ring", "a setting not given reads as CUCM's default"
    axl.update_route_point(name, lines=got.lines)
    assert axl.get_route_point(name).lines == got.lines, "written back unchanged"
    axl.update_route_point(name, description="changed", css="CSS_Internal")
    got = axl.get_route_point(name)
    assert (got.description, got.css, got.device_pool) == ("changed", "CSS_Internal", "DP_CTI")
    axl.update_route_point(name, css=None)
    assert axl.get_route_point(name).css is None
    axl.apply_route_point(name)
    axl.reset_route_point(name)
    assert name in axl.list_route_points("RP_T_%")
    axl.remove_route_point(name)
    with pytest.raises(NotFound):
        axl.get_route_point(name)
    axl.remove_line(dn, "PT_CTI")


def test_cti_port_lifecycle(cluster: CucmCluster, wsdl_kind: str) -> None:
    axl = cluster.axl
    name, dn = f"CTIP_{wsdl_kind}", "7201" if wsdl_kind == "compact" else "7202"
    axl.add_line(Line(dn, "PT_CTI"))
    port = CtiPort(name, "port", "DP_CTI", lines=(LineAppearance(1, dn, "PT_CTI", 2, 1),))
    axl.add_cti_port(port)
    got = axl.get_cti_port(name)
    assert got.lines[0].pattern == dn and got.device_pool == "DP_CTI"
    axl.update_cti_port(name, description="p2", owner="jsmith")
    got = axl.get_cti_port(name)
    assert (got.description, got.owner) == ("p2", "jsmith")
    assert name in axl.list_cti_ports("CTIP_%")
    axl.remove_cti_port(name)
    assert not axl.exists("cti_port", name)
    axl.remove_line(dn, "PT_CTI")


def test_line_forwards(cluster: CucmCluster, wsdl_kind: str) -> None:
    axl = cluster.axl
    dn = "7301" if wsdl_kind == "compact" else "7302"
    forwards = {
        "on_failure": CallForward("6000", "CSS_Internal"),
        "no_answer": CallForward("6001", None, 12),
        "busy": CallForward("6002"),
    }
    axl.add_line(Line(dn, "PT_CTI", "fw", "Forward test", forwards=forwards))
    line = axl.get_line(dn, "PT_CTI")
    assert line.forwards["on_failure"] == CallForward("6000", "CSS_Internal")
    assert line.forwards["no_answer"].duration == 12
    assert line.alerting_name == "Forward test"
    axl.update_line(
        dn, "PT_CTI", description="d2", forwards={"not_registered": CallForward("6003")}
    )
    line = axl.get_line(dn, "PT_CTI")
    assert line.description == "d2"
    assert line.forwards["not_registered"].destination == "6003"
    assert line.forwards["busy"].destination == "6002"
    axl.remove_line(dn, "PT_CTI")
    assert not axl.exists("line", dn, "PT_CTI")


def test_users_and_groups(cluster: CucmCluster, wsdl_kind: str) -> None:
    axl = cluster.axl
    userid = f"app_{wsdl_kind}"
    axl.add_app_user(userid, password="s3cret!", groups=["Standard CTI Enabled"])
    axl.update_app_user(userid, associated_devices=["RP_MAIN"])
    app = axl.get_app_user(userid)
    assert app.associated_devices == ("RP_MAIN",)
    assert app.groups == ("Standard CTI Enabled",)
    axl.update_app_user(userid, associated_devices=[], groups=[])
    assert axl.get_app_user(userid) == app.__class__(userid, (), (), app.uuid)
    group = "Standard CTI Allow Call Monitoring"
    axl.update_user_group_members(group, add=[userid])
    assert userid in axl.get_user_group(group).members
    axl.update_user_group_members(group, remove=[userid])
    assert userid not in axl.get_user_group(group).members
    before = axl.get_end_user("agent1")
    axl.update_end_user("agent1", associated_devices=["RP_MAIN"])
    assert axl.get_end_user("agent1").associated_devices == ("RP_MAIN",)
    axl.update_end_user("agent1", associated_devices=list(before.associated_devices))


def test_service_parameters_resolve_and_update(cluster: CucmCluster) -> None:
    resolver = ParameterResolver(cluster.axl, cluster="lab")
    for concept in CATALOGUE:
        name = resolver.resolve("cucm-sub1", concept)
        assert name not in CATALOGUE[concept].candidates  # found by matching, not by guess
    calls = cluster.stats.snapshot()["axl.listServiceParameter"]["requests"]
    resolver.resolve("cucm-sub1", "max_devices_per_node")
    assert cluster.stats.snapshot()["axl.listServiceParameter"]["requests"] == calls
    resolver.set("cucm-sub1", "max_devices_per_node", 900)
    assert resolver.get("cucm-sub1", "max_devices_per_node").value == "900"
    resolver.set("cucm-sub1", "max_devices_per_node", 800)
    param = cluster.axl.get_service_parameter(
        "cucm-sub1", "Cisco CallManager", resolver.resolve("cucm-sub1", "new_call_accept_timer")
    )
    assert param.value == "4"


def test_cluster_security_mode_is_read_from_the_enterprise_parameter(
    sim: SimServer, cluster: CucmCluster
) -> None:
    """Enterprise parameters are AXL service parameters of the EnterpriseWideData node."""
    found = cluster_security_mode(cluster.axl)
    assert (found.mixed, found.value) == (False, "0")
    assert "non-secure" in found.describe()
    param = (key(ENTERPRISE_NODE), key(ENTERPRISE_SERVICE), key(CLUSTER_SECURITY_MODE))
    with sim.cluster.lock:
        sim.cluster.service_parameters[param].value = "1"
    try:
        assert cluster_security_mode(cluster.axl).mixed is True
    finally:
        with sim.cluster.lock:
            sim.cluster.service_parameters[param].value = "0"
    unknown = cluster_security_mode(cluster.axl, name="NoSuchParameter")
    assert unknown.mixed is None and "could not be read" in unknown.describe()
