"""The simulated CUCM cluster: plain data, guarded by one lock.

Every SOAP service reads and writes this model under `Cluster.lock`; the
behaviour (validation, faults, failover) lives in the services, not here.
Dictionaries are keyed by the case-folded name because CUCM matches names
case-insensitively; the objects keep CUCM's spelling.
"""

from __future__ import annotations

import threading
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Literal

NodeRole = Literal["Publisher", "Subscriber"]
ServiceStatus = Literal["Started", "Stopped", "Starting", "Stopping"]

CTI_MANAGER = "Cisco CTIManager"
CALL_MANAGER = "Cisco CallManager"


def new_uuid() -> str:
    """A UUID in CUCM's returned form: `{UPPERCASE}`."""
    return "{" + str(uuidlib.uuid4()).upper() + "}"


def key(name: str) -> str:
    return name.casefold()


@dataclass
class ProcessNode:
    name: str
    address: str
    role: NodeRole
    description: str = ""
    uuid: str = field(default_factory=new_uuid)


@dataclass
class ServiceState:
    """One service on one node, as Control Center sees it."""

    name: str
    activated: bool
    status: ServiceStatus
    reason_code: int = -1
    reason: str = "Successful"
    start_time: float | None = None
    settles_at: float | None = None  # time.monotonic() when Starting/Stopping ends
    restart_after: float | None = None  # Restart: once Stopped, start with this transition


@dataclass
class CallManagerGroup:
    name: str
    members: list[str]  # process-node names in priority order
    uuid: str = field(default_factory=new_uuid)


@dataclass
class DevicePool:
    name: str
    cm_group: str
    location: str = "Hub_None"
    region: str = "Default"
    uuid: str = field(default_factory=new_uuid)


@dataclass
class Partition:
    name: str
    description: str = ""
    uuid: str = field(default_factory=new_uuid)


@dataclass
class CallingSearchSpace:
    name: str
    partitions: list[str] = field(default_factory=list)
    description: str = ""
    uuid: str = field(default_factory=new_uuid)


@dataclass
class Location:
    name: str
    uuid: str = field(default_factory=new_uuid)


@dataclass
class CallForward:
    destination: str | None = None
    calling_search_space: str | None = None
    duration: int | None = None
    forward_to_voicemail: bool = False


@dataclass
class Line:
    pattern: str
    partition: str | None
    description: str = ""
    alerting_name: str = ""
    usage: str = "Device"
    allow_cti_control: bool = True
    forwards: dict[str, CallForward] = field(default_factory=dict)  # AXL block name -> forward
    extra: dict[str, str] = field(default_factory=dict)  # other scalar fields, echoed back
    uuid: str = field(default_factory=new_uuid)


@dataclass
class LineAppearance:
    """A line on a device (XPhoneLine).

    `settings` holds the other per-line fields a request gave, by AXL name
    (ringSetting, e164Mask, recordingFlag, ...); a field not there reads as
    CUCM's default. `call_info_display` likewise holds only the flags given.
    """

    index: int
    pattern: str
    partition: str | None
    max_num_calls: int = 2
    busy_trigger: int = 1
    label: str = ""
    display: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    call_info_display: dict[str, str] = field(default_factory=dict)
    associated_endusers: list[str] = field(default_factory=list)
    uuid: str = field(default_factory=new_uuid)
    ctiid: int = 0


@dataclass
class Device:
    """A CTI route point or a phone (CTI ports are phones with product 'CTI Port')."""

    name: str
    product: str
    device_class: str
    protocol: str
    device_pool: str | None
    location: str
    calling_search_space: str | None = None
    description: str = ""
    owner_user: str | None = None
    lines: list[LineAppearance] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # other scalar fields, echoed back
    uuid: str = field(default_factory=new_uuid)


@dataclass
class User:
    """An end user or an application user."""

    userid: str
    is_app_user: bool
    first_name: str = ""
    last_name: str = ""
    associated_devices: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # user-group names, CUCM spelling
    enable_cti: bool = True
    primary_extension: tuple[str, str | None] | None = None  # (pattern, partition)
    extra: dict[str, str] = field(default_factory=dict)  # other scalar fields, echoed back
    uuid: str = field(default_factory=new_uuid)


@dataclass
class UserGroup:
    """Access control group; membership is kept on the users, never here."""

    name: str
    roles: list[str] = field(default_factory=list)
    uuid: str = field(default_factory=new_uuid)


@dataclass
class ServiceParameter:
    node: str
    service: str
    name: str  # CUCM's internal name, deliberately unlike the display name
    value: str
    value_type: str
    uuid: str = field(default_factory=new_uuid)


@dataclass
class CtiApplication:
    """A simulated CTI application: a provider opened by an application user.

    It opens its user's controlled devices on `current_node`, fails over to
    `backup_node` when CTIManager stops there, and never fails back alone.
    """

    app_user: str
    primary_node: str
    backup_node: str | None
    ip_address: str
    app_id: str
    current_node: str | None = None  # None: connected nowhere
    failed: bool = False  # the application itself is down
    opened_at: float = 0.0


@dataclass
class Cluster:
    name: str
    version: str = "12.5.1.11900-146"
    nodes: dict[str, ProcessNode] = field(default_factory=dict)
    services: dict[tuple[str, str], ServiceState] = field(default_factory=dict)  # (node, service)
    cm_groups: dict[str, CallManagerGroup] = field(default_factory=dict)
    device_pools: dict[str, DevicePool] = field(default_factory=dict)
    partitions: dict[str, Partition] = field(default_factory=dict)
    css: dict[str, CallingSearchSpace] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)  # route points and phones
    lines: dict[tuple[str, str], Line] = field(default_factory=dict)  # (pattern, partition or "")
    users: dict[str, User] = field(default_factory=dict)  # end users
    app_users: dict[str, User] = field(default_factory=dict)
    user_groups: dict[str, UserGroup] = field(default_factory=dict)
    service_parameters: dict[tuple[str, str, str], ServiceParameter] = field(
        default_factory=dict
    )  # (node, service, name), all case-folded
    applications: dict[str, CtiApplication] = field(default_factory=dict)
    ctiid_high: int = 0  # highest CTI id handed out (0: not yet scanned)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def publisher(self) -> ProcessNode:
        return next(n for n in self.nodes.values() if n.role == "Publisher")
