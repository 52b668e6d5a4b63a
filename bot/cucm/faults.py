"""Turn a SOAP fault into a typed error.

CUCM's fault texts vary by release and object (docs/cucm-interfaces.md#faults), so
classification is a table of rules over (operation, axlcode, faultstring), tolerant of wording
variants: each rule matches case-insensitively on fragments rather than whole sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.cucm.errors import CucmError, Duplicate, Fault, InvalidReference, NotFound, Throttled

# Words CUCM uses for each object family; "own" objects of an operation come from its name.
_OBJECT_ALIASES: dict[str, tuple[str, ...]] = {
    "device_pool": ("device pool", "devicepool"),
    "partition": ("route partition", "routepartition", "partition"),
    "css": ("calling search space", "callingsearchspace", "css"),
    "location": ("location",),
    "cm_group": ("callmanager group", "call manager group", "callmanagergroup"),
    "common_phone_config": ("common phone profile", "common phone config", "commonphoneconfig"),
    "route_point": ("cti route point", "ctiroutepoint", "route point"),
    "phone": ("cti port", "phone"),
    "line": ("directory number", "line", "dn", "numplan", "pattern"),
    "app_user": ("application user", "app user", "appuser"),
    "user_group": ("user group", "usergroup", "access control group", "dirgroup"),
    "user": ("end user", "enduser", "user", "owner"),
    "service_parameter": ("service parameter", "serviceparameter", "processconfig", "parameter"),
    "node": ("process node", "processnode", "server", "node"),
    "service": ("service",),
    "device": ("device",),
}

_OWN_BY_OPERATION: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CtiRoutePoint", ("route_point", "device")),
    ("Phone", ("phone", "device")),
    ("Line", ("line",)),
    ("AppUser", ("app_user", "user")),
    ("UserGroup", ("user_group",)),
    ("User", ("user",)),
    ("ServiceParameter", ("service_parameter",)),
    ("DevicePool", ("device_pool",)),
    ("CallManagerGroup", ("cm_group",)),
)

_NOT_FOUND = re.compile(
    r"not found|does not exist|doesn't exist|no such|cannot find|could not find|"
    r"item not valid|specified .* not valid",
    re.IGNORECASE,
)
_FOREIGN_KEY = re.compile(
    r"foreign key|referential constraint|missing key in referenced table|fk_", re.IGNORECASE
)
_DUPLICATE = re.compile(
    r"duplicate value|duplicate key|a dn exists|already exists|unique index|unique constraint",
    re.IGNORECASE,
)
_THROTTLED = re.compile(
    r"maximum axl memory allocation consumed|exceeded allowed rate|throttl", re.IGNORECASE
)
_RATE = re.compile(r"exceeded allowed rate", re.IGNORECASE)


@dataclass(frozen=True)
class FaultInfo:
    operation: str
    code: int | None
    message: str


def _objects_named(message: str) -> list[str]:
    """Object families mentioned in a fault text, longest alias first, no double counting."""
    text = message.lower()
    found: list[str] = []
    aliases = sorted(
        ((alias, family) for family, names in _OBJECT_ALIASES.items() for alias in names),
        key=lambda pair: -len(pair[0]),
    )
    for alias, family in aliases:
        pattern = re.compile(rf"\b{re.escape(alias)}\b")
        if pattern.search(text):
            text = pattern.sub(" ", text)
            if family not in found:
                found.append(family)
    return found


def _own_families(operation: str) -> tuple[str, ...]:
    for suffix, families in _OWN_BY_OPERATION:
        if operation.endswith(suffix):
            return families
    return ()


def _is_write(operation: str) -> bool:
    return operation.startswith(("add", "update"))


def _classify_missing(info: FaultInfo) -> type[CucmError]:
    """A "not found" on an add/update that names another object is a broken reference."""
    if not _is_write(info.operation):
        return NotFound
    named = _objects_named(info.message)
    own = _own_families(info.operation)
    foreign = [family for family in named if family not in own]
    if foreign:
        return InvalidReference
    if info.operation.startswith("add"):
        return InvalidReference
    return NotFound


def classify(info: FaultInfo) -> type[CucmError] | None:
    """The error class for a fault, or None for "any other fault" (``Fault``)."""
    rules: tuple[tuple[bool, type[CucmError] | None], ...] = (
        (bool(_THROTTLED.search(info.message)), Throttled),
        (info.code == -239 or bool(_DUPLICATE.search(info.message)), Duplicate),
        (info.code == -691 or bool(_FOREIGN_KEY.search(info.message)), InvalidReference),
        (info.code == 5007 or bool(_NOT_FOUND.search(info.message)), None),
    )
    for matched, error_class in rules:
        if matched:
            return error_class or _classify_missing(info)
    if info.code == 5003 and "not found" in info.message.lower():
        return _classify_missing(info)
    return None


def to_error(info: FaultInfo, *, cluster: str, obj: str) -> CucmError:
    """Build the typed error; unknown faults keep CUCM's code and text in ``Fault``."""
    error_class = classify(info)
    if error_class is None:
        return Fault(info.code, info.message, operation=info.operation, cluster=cluster, obj=obj)
    if error_class is Throttled:
        return Throttled(
            info.message,
            operation=info.operation,
            cluster=cluster,
            obj=obj,
            rate_limited=bool(_RATE.search(info.message)),
        )
    return error_class(info.message, operation=info.operation, cluster=cluster, obj=obj)
