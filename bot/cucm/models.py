"""Plain values the service layer hands to callers (never zeep objects).

Frozen so workflows can keep them as "before" snapshots in plans and change logs without
fear of later mutation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

FORWARD_KINDS = ("all", "busy", "no_answer", "no_answer_int", "on_failure", "not_registered")


@dataclass(frozen=True)
class ProcessNode:
    name: str
    role: str  # processNodeRole, e.g. "CUCM Voice/Video"
    description: str = ""
    usage: str = ""  # nodeUsage: Publisher | Subscriber


@dataclass(frozen=True)
class DevicePool:
    name: str
    cm_group: str | None
    location: str | None


@dataclass(frozen=True)
class CallManagerGroup:
    name: str
    members: tuple[str, ...]  # node names, highest priority first


@dataclass(frozen=True)
class CallingSearchSpace:
    name: str
    partitions: tuple[str, ...] = ()  # in search order


@dataclass(frozen=True)
class CallForward:
    destination: str | None = None
    css: str | None = None
    duration: int | None = None  # seconds; only meaningful for "no_answer" and "no_answer_int"


@dataclass(frozen=True)
class Line:
    pattern: str
    partition: str | None = None
    description: str = ""
    alerting_name: str = ""
    forwards: dict[str, CallForward] = field(default_factory=dict)
    associated_devices: tuple[str, ...] = ()
    uuid: str = ""


# A per-line setting as AXL spells it: text, callInfoDisplay's flags, or associatedEndusers' ids.
LineSetting = str | dict[str, str] | list[str]


@dataclass(frozen=True)
class LineAppearance:
    """A line on a device.

    Max calls and busy trigger have no default here: AXL's (2 and 1) would
    silently cap a route point, so every writer says what it wants.
    `settings` holds the line's other fields by AXL name (external phone
    number mask, recording, monitoring CSS, ring settings, associated end
    users...), read with the device and written back unchanged, because CUCM
    resets whatever a replaced line list leaves out.
    """

    index: int
    pattern: str
    partition: str | None
    max_calls: int
    busy_trigger: int
    label: str = ""
    display: str = ""
    settings: Mapping[str, LineSetting] = field(default_factory=dict)


@dataclass(frozen=True)
class RoutePoint:
    name: str
    description: str = ""
    device_pool: str | None = None
    css: str | None = None
    location: str | None = "Hub_None"
    lines: tuple[LineAppearance, ...] = ()
    uuid: str = ""


@dataclass(frozen=True)
class CtiPort:
    name: str
    description: str = ""
    device_pool: str | None = None
    css: str | None = None
    location: str | None = "Hub_None"
    lines: tuple[LineAppearance, ...] = ()
    owner: str | None = None
    uuid: str = ""


@dataclass(frozen=True)
class AppUser:
    userid: str
    associated_devices: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    uuid: str = ""


@dataclass(frozen=True)
class EndUser:
    userid: str
    first_name: str = ""
    last_name: str = ""
    associated_devices: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    uuid: str = ""


@dataclass(frozen=True)
class UserGroup:
    name: str
    members: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceParameter:
    node: str
    service: str
    name: str
    value: str | None
    value_type: str = ""


@dataclass(frozen=True)
class ClusterSecurityMode:
    """The Cluster Security Mode enterprise parameter: 0 non-secure, 1 mixed (secure)."""

    mixed: bool | None  # None: not readable, or a value we do not know
    value: str | None
    problem: str = ""  # why it could not be read

    def describe(self) -> str:
        """A clause for advice: "the cluster is non-secure (Cluster Security Mode 0)"."""
        if self.mixed is True:
            return f"the cluster is in mixed mode (Cluster Security Mode {self.value})"
        if self.mixed is False:
            return f"the cluster is non-secure (Cluster Security Mode {self.value})"
        return f"the cluster's security mode could not be read ({self.problem})"


@dataclass(frozen=True)
class ServiceStatus:
    node: str
    service: str
    status: str  # Started | Stopped | Starting | Stopping | Unknown
    reason_code: int | None
    reason: str
    start_time: str | None
    uptime_s: int | None  # None when not running (CUCM reports -1)


@dataclass(frozen=True)
class CtiItem:
    node: str
    app_id: str = ""
    user_id: str = ""
    ip: str = ""
    app_status: str = ""
    device_name: str = ""
    device_status: str = ""
    dir_number: str = ""
    line_status: str = ""


@dataclass(frozen=True)
class CmDevice:
    node: str
    name: str
    status: str
    device_class: str = ""
    model: int | None = None
    dir_number: str = ""
    is_cti_controllable: bool = False
    login_user_id: str = ""
    protocol: str = ""


@dataclass(frozen=True)
class PerfCounter:
    node: str
    object: str
    instance: str | None
    counter: str
    value: int
    valid: bool = True
