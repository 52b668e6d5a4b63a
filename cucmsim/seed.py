"""Initial cluster contents: "empty" (a fresh install), "demo" (a lab in use), "renamed"
(the demo lab on a release whose CTI service parameters carry other internal names) or
"large" (the demo lab inside a cluster of production size: `LARGE` phones, users and CTI
devices).

The internal service-parameter names are invented on purpose: CUCM's real
ones are unconfirmed (docs/cucm-interfaces.md#service-parameters), and the bot
must discover them through listServiceParameter, never guess them. "renamed"
goes further: two of its names match neither ctibot's candidates nor the
display name's words, so only the configured `param_names` resolve them. The
display names sit in `PARAMETER_DISPLAY_NAMES` for the simulator's own use only.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass

from cucmsim.model import (
    CALL_MANAGER,
    CTI_MANAGER,
    CallForward,
    CallingSearchSpace,
    CallManagerGroup,
    Cluster,
    CtiApplication,
    Device,
    DevicePool,
    Line,
    LineAppearance,
    Location,
    NodeRole,
    Partition,
    ProcessNode,
    ServiceParameter,
    ServiceState,
    User,
    UserGroup,
    key,
)
from cucmsim.options import SimOptions

ENTERPRISE_NODE = "EnterpriseWideData"  # CUCM's virtual node holding enterprise parameters
ENTERPRISE_SERVICE = "Enterprise Wide"
RIS_DATA_COLLECTOR = "Cisco RIS Data Collector"
AXL_WEB_SERVICE = "Cisco AXL Web Service"
NOT_ACTIVATED_CODE = -1068


@dataclass(frozen=True)
class ParameterSpec:
    service: str
    name: str  # internal name, as AXL returns it
    display: str
    default: str
    value_type: str


PARAMETERS = (
    ParameterSpec(
        CTI_MANAGER, "CtiMaxDevicesPerProvider", "Maximum Devices Per Provider", "2000", "long"
    ),
    ParameterSpec(CTI_MANAGER, "CtiMaxDevicesPerNode", "Maximum Devices Per Node", "800", "long"),
    ParameterSpec(
        CTI_MANAGER,
        "CtiApplicationHeartbeatMinInterval",
        "Application Heartbeat Minimum Interval",
        "5",
        "long",
    ),
    ParameterSpec(
        CTI_MANAGER,
        "CtiApplicationHeartbeatMaxInterval",
        "Application Heartbeat Maximum Interval",
        "3600",
        "long",
    ),
    ParameterSpec(
        CTI_MANAGER, "CtiMaxProviderConnections", "Maximum CTI Connections", "400", "long"
    ),
    ParameterSpec(CTI_MANAGER, "CtiSecureConnectionEnabled", "Secure Connection", "F", "boolean"),
    ParameterSpec(
        CALL_MANAGER, "CtiNewCallAcceptTimerSecs", "CTI New Call Accept Timer", "4", "long"
    ),
    ParameterSpec(CALL_MANAGER, "CdrEnabled", "CDR Enabled Flag", "F", "boolean"),
    ParameterSpec(CALL_MANAGER, "CallDiagnosticsFlag", "Call Diagnostics Enabled", "0", "long"),
    ParameterSpec(CALL_MANAGER, "T302TimerMsecs", "T302 Timer", "15000", "long"),
)
# The "renamed" seed's internal names, by the demo seed's: some still resolvable from the display
# name's words, the two device limits not at all.
RENAMED = {
    "CtiMaxDevicesPerProvider": "ProviderDeviceCeiling",
    "CtiMaxDevicesPerNode": "NodeDeviceCeiling",
    "CtiApplicationHeartbeatMinInterval": "ApplicationHeartbeatMinimumIntervalSecs",
    "CtiApplicationHeartbeatMaxInterval": "ApplicationHeartbeatMaximumIntervalSecs",
    "CtiMaxProviderConnections": "MaximumCTIConnectionCount",
    "CtiNewCallAcceptTimerSecs": "CTINewCallAcceptTimeout",
}
PARAMETER_DISPLAY_NAMES = {(p.service, p.name): p.display for p in PARAMETERS} | {
    (p.service, RENAMED[p.name]): p.display for p in PARAMETERS if p.name in RENAMED
}

CTI_GROUPS = (
    "Standard CTI Enabled",
    "Standard CTI Allow Call Monitoring",
    "Standard CTI Allow Call Park Monitoring",
    "Standard CTI Allow Call Recording",
    "Standard CTI Allow Calling Number Modification",
    "Standard CTI Allow Control of All Devices",
    "Standard CTI Allow Reception of SRTP Key Material",
    "Standard CTI Secure Connection",
    "Standard CTI Allow Control of Phones supporting Connected Xfer and conf",
    "Standard CTI Allow Control of Phones supporting Rollover Mode",
)
OTHER_GROUPS = (
    "Standard CCM End Users",
    "Standard AXL API Access",
    "Standard AXL Read Only API Access",
    "Standard CCM Admin Users",
    "Standard RealtimeAndTraceCollection",
    "Standard SERVICEABILITY",
)
# Every administrative role, in one group, as CUCM's super users group holds them (assumed).
SUPER_USERS = "Standard CCM Super Users"
ADMIN_GROUPS = (
    "Standard AXL API Access",
    "Standard CCM Admin Users",
    "Standard RealtimeAndTraceCollection",
    "Standard SERVICEABILITY",
)


def node_names(count: int) -> list[str]:
    return ["cucm-pub", *(f"cucm-sub{i}" for i in range(1, count))]


def node_address(options: SimOptions, index: int) -> str:
    """Node i listens on 127.0.0.(i+1) on loopback; elsewhere all share the host."""
    return f"127.0.0.{index + 1}" if options.host == "127.0.0.1" else options.host


def _service(name: str, running: bool) -> ServiceState:
    if running:
        return ServiceState(name, activated=True, status="Started", start_time=time.time())
    return ServiceState(
        name,
        activated=False,
        status="Stopped",
        reason_code=NOT_ACTIVATED_CODE,
        reason="Service Not Activated",
    )


def _parameter_name(options: SimOptions, name: str) -> str:
    return RENAMED.get(name, name) if options.seed == "renamed" else name


def _add_nodes(cluster: Cluster, options: SimOptions) -> None:
    for index, name in enumerate(node_names(max(1, options.node_count))):
        role: NodeRole = "Publisher" if index == 0 else "Subscriber"
        cluster.nodes[key(name)] = ProcessNode(name, node_address(options, index), role)
        for service in (CALL_MANAGER, RIS_DATA_COLLECTOR, AXL_WEB_SERVICE):
            cluster.services[(name, service)] = _service(service, running=True)
        cluster.services[(name, CTI_MANAGER)] = _service(CTI_MANAGER, running=False)
        for spec in PARAMETERS:
            internal = _parameter_name(options, spec.name)
            cluster.service_parameters[(key(name), key(spec.service), key(internal))] = (
                ServiceParameter(name, spec.service, internal, spec.default, spec.value_type)
            )


def _add_enterprise_parameters(cluster: Cluster) -> None:
    """Cluster Security Mode: 0 non-secure (a fresh install), 1 mixed. The internal name is
    the one CUCM's processconfig table shows; tests switch the value in the model."""
    name = "ClusterSecurityMode"
    cluster.service_parameters[(key(ENTERPRISE_NODE), key(ENTERPRISE_SERVICE), key(name))] = (
        ServiceParameter(ENTERPRISE_NODE, ENTERPRISE_SERVICE, name, "0", "long")
    )


def _add_user(cluster: Cluster, user: User) -> None:
    table = cluster.app_users if user.is_app_user else cluster.users
    table[key(user.userid)] = user


def build_empty(options: SimOptions) -> Cluster:
    cluster = Cluster(name=options.cluster_name)
    _add_nodes(cluster, options)
    _add_enterprise_parameters(cluster)
    for name in ("Hub_None", "Phantom", "Shadow"):
        cluster.locations[key(name)] = Location(name)
    cluster.cm_groups["default"] = CallManagerGroup("Default", [cluster.publisher.name])
    cluster.device_pools["default"] = DevicePool("Default", "Default")
    for name in (*CTI_GROUPS, *OTHER_GROUPS):
        cluster.user_groups[key(name)] = UserGroup(name, roles=[name])
    cluster.user_groups[key(SUPER_USERS)] = UserGroup(SUPER_USERS, roles=list(ADMIN_GROUPS))
    _add_user(cluster, User(options.username, is_app_user=True, groups=list(ADMIN_GROUPS)))
    for account in options.users:
        _add_user(cluster, User(account.userid, is_app_user=True, groups=list(account.groups)))
    return cluster


def _add_demo_objects(cluster: Cluster) -> None:
    names = [n.name for n in cluster.nodes.values()]
    subscribers = names[1:] or names[:1]
    for name in subscribers:
        cluster.services[(name, CTI_MANAGER)] = _service(CTI_MANAGER, running=True)
    group_name = "CMG_Sub1_Sub2"
    cluster.cm_groups[key(group_name)] = CallManagerGroup(group_name, subscribers[:2])
    cluster.device_pools[key("DP_CTI")] = DevicePool("DP_CTI", group_name)
    for name in ("PT_Internal", "PT_CTI"):
        cluster.partitions[key(name)] = Partition(name)
    cluster.css[key("CSS_Internal")] = CallingSearchSpace("CSS_Internal", ["PT_Internal", "PT_CTI"])
    _add_user(cluster, User("jsmith", is_app_user=False, first_name="John", last_name="Smith"))
    _add_user(cluster, User("agent1", is_app_user=False, first_name="Alex", last_name="Agent"))
    for user in cluster.users.values():
        user.groups.append("Standard CCM End Users")
    cluster.lines[(key("6000"), key("PT_Internal"))] = Line(
        "6000", "PT_Internal", description="Operator", alerting_name="Operator"
    )
    cluster.lines[(key("7000"), key("PT_CTI"))] = Line(
        "7000",
        "PT_CTI",
        description="Main IVR",
        alerting_name="Main IVR",
        forwards={
            block: CallForward(destination="6000", calling_search_space="CSS_Internal")
            for block in ("callForwardNoAnswer", "callForwardNoAnswerInt", "callForwardOnFailure")
        },
    )
    cluster.devices[key("RP_MAIN")] = Device(
        name="RP_MAIN",
        product="CTI Route Point",
        device_class="CTI Route Point",
        protocol="SCCP",
        device_pool="DP_CTI",
        location="Hub_None",
        calling_search_space="CSS_Internal",
        description="Main IVR route point",
        lines=[LineAppearance(1, "7000", "PT_CTI", max_num_calls=10, busy_trigger=8, ctiid=1)],
        extra={"protocolSide": "User", "useTrustedRelayPoint": "Default"},
    )
    _add_user(
        cluster,
        User(
            "ctiapp_ivr",
            is_app_user=True,
            associated_devices=["RP_MAIN"],
            groups=["Standard CTI Enabled"],
        ),
    )
    _add_user(cluster, User("ctiapp_rec", is_app_user=True))
    backup = subscribers[1] if len(subscribers) > 1 else None
    cluster.applications["ctiapp_ivr"] = CtiApplication(
        app_user="ctiapp_ivr",
        primary_node=subscribers[0],
        backup_node=backup,
        ip_address="10.1.1.20",
        app_id="ctiapp_ivr-1",
        current_node=subscribers[0],
        opened_at=time.time(),
    )


@dataclass(frozen=True)
class LargeSizes:
    phones: int = 20_000
    end_users: int = 5_000
    big_provider_ports: int = 2_500  # opened by one application: past Max Devices Per Provider
    route_points: int = 500  # five each for `route_point_owners` application users
    route_point_owners: int = 100


LARGE = LargeSizes()
BIG_PROVIDER = "ctiapp_big"


def _phone(name: str, pattern: str, product: str, pool: str, ctiid: int) -> Device:
    cti = product in ("CTI Port", "CTI Route Point")
    return Device(
        name=name,
        product=product,
        device_class="CTI Route Point" if product == "CTI Route Point" else "Phone",
        protocol="SCCP" if cti else "SIP",
        device_pool=pool,
        location="Hub_None",
        lines=[LineAppearance(1, pattern, "PT_Internal", ctiid=ctiid)],
    )


def _add_large_objects(cluster: Cluster, sizes: LargeSizes) -> None:
    """Production-sized tables around the demo lab, named apart from it (SEP…, user…, LG…).

    Plain construction, no per-object checks: 28,000 devices and DNs build in well under a
    second, so tests and benches can start a large cluster like any other.
    """
    collecting = gc.isenabled()
    gc.disable()  # 100,000+ new objects: each collection meanwhile would rescan the process
    try:
        _fill_large(cluster, sizes)
    finally:
        if collecting:
            gc.enable()


def _fill_large(cluster: Cluster, sizes: LargeSizes) -> None:
    devices, lines = cluster.devices, cluster.lines
    number = 100_000

    def add(name: str, product: str, pool: str) -> None:
        nonlocal number
        number += 1
        pattern = str(number)
        lines[(pattern, key("PT_Internal"))] = Line(pattern, "PT_Internal")
        devices[key(name)] = _phone(name, pattern, product, pool, number)

    for i in range(sizes.phones):
        add(f"SEP{0x001100000000 + i:012X}", "Cisco 8841", "Default")
    for i in range(1, sizes.end_users + 1):
        _add_user(
            cluster, User(f"user{i:05d}", is_app_user=False, first_name="User", last_name=str(i))
        )
    ports = [f"LGP{i:04d}" for i in range(1, sizes.big_provider_ports + 1)]
    for name in ports:
        add(name, "CTI Port", "DP_CTI")
    _add_user(
        cluster,
        User(
            BIG_PROVIDER,
            is_app_user=True,
            associated_devices=ports,
            groups=["Standard CTI Enabled"],
        ),
    )
    per_owner = max(1, sizes.route_points // max(1, sizes.route_point_owners))
    for owner in range(sizes.route_point_owners):
        names = [f"LGRP{owner * per_owner + i + 1:04d}" for i in range(per_owner)]
        for name in names:
            add(name, "CTI Route Point", "DP_CTI")
        _add_user(
            cluster, User(f"ctiapp_l{owner + 1:03d}", is_app_user=True, associated_devices=names)
        )
    subscriber = next(
        (n.name for n in cluster.nodes.values() if n.role == "Subscriber"), cluster.publisher.name
    )
    cluster.applications[BIG_PROVIDER] = CtiApplication(
        app_user=BIG_PROVIDER,
        primary_node=subscriber,
        backup_node=None,
        ip_address="10.1.1.30",
        app_id=f"{BIG_PROVIDER}-1",
        current_node=subscriber,
        opened_at=time.time(),
    )


def build_cluster(options: SimOptions, large: LargeSizes = LARGE) -> Cluster:
    cluster = build_empty(options)
    if options.seed in ("demo", "renamed", "large"):
        _add_demo_objects(cluster)
    if options.seed == "large":
        _add_large_objects(cluster, large)
    return cluster
