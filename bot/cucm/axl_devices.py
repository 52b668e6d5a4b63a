"""CTI route points and CTI ports (AXL ``*CtiRoutePoint`` and ``*Phone``).

CUCM replaces a device's whole ``lines`` set when it is sent (route points have no
add/removeLines), so ``lines=`` on an update is always the complete list, and each
line resets every field it does not carry. A line is therefore read with all of
its XPhoneLine settings and written back with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.cucm.axl_base import UNSET, AxlBase, given
from bot.cucm.convert import field, fk, items, optional_int, ret, text, uuid_of
from bot.cucm.dn import from_wire, to_wire
from bot.cucm.errors import NotFound
from bot.cucm.models import CtiPort, LineAppearance, LineSetting, RoutePoint

CTI_PORT_PRODUCT = "CTI Port"
ROUTE_POINT_PRODUCT = "CTI Route Point"
DEFAULT_LOCATION = "Hub_None"
COMMON_PHONE_PROFILE = "Standard Common Phone Profile"
# XPhoneLine's fields beside index, label, display, DN and call limits, by AXL name.
# partitionUsage is left out: Cisco's schema says it can only be given on add.
LINE_SETTINGS = (
    "ringSetting",
    "consecutiveRingSetting",
    "ringSettingIdlePickupAlert",
    "ringSettingActivePickupAlert",
    "displayAscii",
    "e164Mask",
    "mwlPolicy",
    "callInfoDisplay",
    "recordingProfileName",
    "monitoringCssName",
    "recordingFlag",
    "audibleMwi",
    "speedDial",
    "associatedEndusers",
    "missedCallLogging",
    "recordingMediaSource",
)
CALL_INFO_DISPLAY = ("callerName", "callerNumber", "redirectedNumber", "dialedNumber")


def _settings_payload(settings: Mapping[str, LineSetting]) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for name in LINE_SETTINGS:
        value = settings.get(name)
        if not value:
            continue
        if name == "associatedEndusers":
            payload[name] = {"enduser": [{"userId": userid} for userid in value]}
        else:
            payload[name] = value
    return payload


def _line_payload(line: LineAppearance) -> dict[str, Any]:
    return {
        "index": str(line.index),
        "label": line.label or None,
        "display": line.display or None,
        "dirn": {"pattern": to_wire(line.pattern), "routePartitionName": line.partition},
        "maxNumCalls": str(line.max_calls),
        "busyTrigger": str(line.busy_trigger),
        **_settings_payload(line.settings),
    }


def _lines_payload(lines: Sequence[LineAppearance]) -> dict[str, Any]:
    if not lines:
        raise ValueError("CUCM needs at least one line when lines are sent")
    return {"line": [_line_payload(line) for line in lines]}


def _read_settings(line: Any) -> dict[str, LineSetting]:
    """The line's settings that hold a value; an empty one is CUCM's default and is not sent."""
    settings: dict[str, LineSetting] = {}
    for name in LINE_SETTINGS:
        if name == "callInfoDisplay":
            shown = field(line, name)
            flags = {flag: text(shown, flag) for flag in CALL_INFO_DISPLAY if text(shown, flag)}
            if flags:
                settings[name] = flags
        elif name == "associatedEndusers":
            users = [text(member, "userId") for member in items(line, name, "enduser")]
            if users:
                settings[name] = users
        elif text(line, name):
            settings[name] = text(line, name)
    return settings


def _read_lines(device: Any) -> tuple[LineAppearance, ...]:
    result = []
    for line in items(device, "lines", "line"):
        dirn = field(line, "dirn")
        # an absent maxNumCalls / busyTrigger is AXL's schema default, 2 / 1
        result.append(
            LineAppearance(
                index=optional_int(field(line, "index")) or 0,
                pattern=from_wire(text(dirn, "pattern")),
                partition=fk(field(dirn, "routePartitionName")),
                max_calls=optional_int(field(line, "maxNumCalls")) or 2,
                busy_trigger=optional_int(field(line, "busyTrigger")) or 1,
                label=text(line, "label"),
                display=text(line, "display"),
                settings=_read_settings(line),
            )
        )
    return tuple(sorted(result, key=lambda appearance: appearance.index))


def _device_changes(
    description: Any, device_pool: Any, css: Any, location: Any, lines: Any
) -> dict[str, Any]:
    changes = given(
        description=description,
        devicePoolName=device_pool,
        callingSearchSpaceName=css,
        locationName=location,
    )
    if lines is not UNSET:
        changes["lines"] = _lines_payload(lines)
    return changes


def _read_device(device: Any, name: str) -> dict[str, Any]:
    """The fields route points and CTI ports share, as their models name them."""
    return {
        "name": text(device, "name") or name,
        "description": text(device, "description"),
        "device_pool": fk(field(device, "devicePoolName")),
        "css": fk(field(device, "callingSearchSpaceName")),
        "location": fk(field(device, "locationName")),
        "lines": _read_lines(device),
        "uuid": uuid_of(device),
    }


def _device_payload(
    device: RoutePoint | CtiPort, product: str, kind: str, **extra: Any
) -> dict[str, Any]:
    """The add payload both device kinds need, with `extra` for a kind's own fields."""
    payload: dict[str, Any] = {
        "name": device.name,
        "description": device.description or None,
        "product": product,
        "class": kind,
        "protocol": "SCCP",
        "protocolSide": "User",
        "callingSearchSpaceName": device.css,
        "devicePoolName": device.device_pool,
        "locationName": device.location or DEFAULT_LOCATION,
        "useTrustedRelayPoint": "Default",
        **extra,
    }
    if device.lines:
        payload["lines"] = _lines_payload(device.lines)
    return payload


class DeviceMixin(AxlBase):
    """Route point and CTI port operations."""

    # ----- route points -----
    def get_route_point(self, name: str) -> RoutePoint:
        device = field(ret(self._call("getCtiRoutePoint", obj=name, name=name)), "ctiRoutePoint")
        return RoutePoint(**_read_device(device, name))

    def add_route_point(self, rp: RoutePoint) -> str:
        payload = _device_payload(rp, ROUTE_POINT_PRODUCT, ROUTE_POINT_PRODUCT)
        return self._write("addCtiRoutePoint", obj=rp.name, ctiRoutePoint=payload)

    def update_route_point(
        self,
        name: str,
        *,
        description: str = UNSET,
        device_pool: str | None = UNSET,
        css: str | None = UNSET,
        location: str = UNSET,
        lines: Sequence[LineAppearance] = UNSET,
    ) -> str:
        """Change only the fields passed; ``css=None`` clears the CSS, omitting it keeps it."""
        changes = _device_changes(description, device_pool, css, location, lines)
        return self._write("updateCtiRoutePoint", obj=name, name=name, **changes)

    def remove_route_point(self, name: str) -> str:
        return self._write("removeCtiRoutePoint", obj=name, name=name)

    def apply_route_point(self, name: str) -> str:
        """ "Apply Config": the least intrusive way to make CUCM pick up line changes."""
        return self._write("applyCtiRoutePoint", obj=name, name=name)

    def reset_route_point(self, name: str) -> str:
        return self._write("resetCtiRoutePoint", obj=name, name=name)

    def list_route_points(self, name_like: str = "%", limit: int | None = None) -> list[str]:
        return self._list_names("listCtiRoutePoint", "ctiRoutePoint", name_like, limit=limit)

    # ----- CTI ports -----
    def get_cti_port(self, name: str) -> CtiPort:
        device = field(ret(self._call("getPhone", obj=name, name=name)), "phone")
        product = text(device, "product")
        if product and product != CTI_PORT_PRODUCT:
            raise NotFound(
                f"device is a {product}, not a {CTI_PORT_PRODUCT}", operation="getPhone", obj=name
            )
        return CtiPort(**_read_device(device, name), owner=fk(field(device, "ownerUserName")))

    def add_cti_port(self, port: CtiPort) -> str:
        payload = _device_payload(
            port,
            CTI_PORT_PRODUCT,
            "Phone",
            commonPhoneConfigName=COMMON_PHONE_PROFILE,
            phoneTemplateName=None,
            primaryPhoneName=None,
            builtInBridgeStatus="Default",
            ownerUserName=port.owner,
            packetCaptureMode="None",
            allowCtiControlFlag="true",
            certificateOperation="No Pending Operation",
            deviceMobilityMode="Default",
        )
        return self._write("addPhone", obj=port.name, phone=payload)

    def update_cti_port(
        self,
        name: str,
        *,
        description: str = UNSET,
        device_pool: str | None = UNSET,
        css: str | None = UNSET,
        location: str = UNSET,
        lines: Sequence[LineAppearance] = UNSET,
        owner: str | None = UNSET,
    ) -> str:
        changes = _device_changes(description, device_pool, css, location, lines)
        changes.update(given(ownerUserName=owner))
        return self._write("updatePhone", obj=name, name=name, **changes)

    def remove_cti_port(self, name: str) -> str:
        return self._write("removePhone", obj=name, name=name)

    def list_cti_ports(self, name_like: str = "%", limit: int | None = None) -> list[str]:
        """CTI ports among the phones named like ``name_like`` (at most ``limit`` phones read:
        listPhone cannot search by product, so a bounded call reads a bounded slice)."""
        phones = self._list(
            "listPhone",
            "phone",
            obj=name_like,
            criteria={"name": name_like},
            tags={"name": "", "product": ""},
            limit=limit,
        )
        return sorted(
            text(p, "name") for p in phones if text(p, "product") in ("", CTI_PORT_PRODUCT)
        )
