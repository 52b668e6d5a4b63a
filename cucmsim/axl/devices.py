"""CTI route points and phones (CTI ports), and the lines on them.

Both live in `Cluster.devices`; a route point is the device whose product is
"CTI Route Point", every other device is a phone. A line appearance must
point at an existing DN, and `lines` replaces the whole set (only
updatePhone has the addLines/removeLines deltas): each line keeps only what
the request gave, the rest of its settings back at CUCM's defaults
(`line_settings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cucmsim.axl import faults, line_settings
from cucmsim.axl.common import (
    AxlCall,
    Handler,
    edit,
    existing_line,
    get_result,
    keyed_list_result,
    line_key,
    lookup,
    payload,
    reference,
    required,
)
from cucmsim.axl.xml import (
    Element,
    child,
    has,
    leaf,
    local,
    ordered,
    scalar_fields,
    sub,
    value,
)
from cucmsim.model import Device, LineAppearance, key

ROUTE_POINT = "CTI Route Point"
ROUTE_POINT_MAX_CALLS = 10_000
PHONE_MAX_CALLS = 200

_KNOWN = {
    "name",
    "newName",
    "uuid",
    "description",
    "product",
    "model",
    "class",
    "protocol",
    "callingSearchSpaceName",
    "devicePoolName",
    "locationName",
    "ownerUserName",
    "returnedTags",
    "lines",
    "addLines",
    "removeLines",
}


@dataclass(frozen=True)
class DeviceKind:
    label: str  # CUCM's object name in "The specified <label> was not found"
    element: str
    order: list[str]
    defaults: dict[str, str] = field(default_factory=dict)

    def owns(self, device: Device) -> bool:
        return (device.product == ROUTE_POINT) == (self.element == "ctiRoutePoint")


ROUTE_POINTS = DeviceKind(
    label=ROUTE_POINT,
    element="ctiRoutePoint",
    order=[
        "name",
        "description",
        "product",
        "model",
        "class",
        "protocol",
        "protocolSide",
        "callingSearchSpaceName",
        "devicePoolName",
        "commonDeviceConfigName",
        "locationName",
        "mediaResourceListName",
        "networkHoldMohAudioSourceId",
        "userHoldMohAudioSourceId",
        "useTrustedRelayPoint",
        "cgpnTransformationCssName",
        "useDevicePoolCgpnTransformCss",
        "geoLocationName",
        "userLocale",
        "lines",
    ],
    defaults={
        "product": ROUTE_POINT,
        "class": ROUTE_POINT,
        "protocol": "SCCP",
        "protocolSide": "User",
        "useTrustedRelayPoint": "Default",
        "useDevicePoolCgpnTransformCss": "true",
    },
)
PHONES = DeviceKind(
    label="Phone",
    element="phone",
    order=[
        "name",
        "description",
        "product",
        "model",
        "class",
        "protocol",
        "protocolSide",
        "callingSearchSpaceName",
        "devicePoolName",
        "commonDeviceConfigName",
        "commonPhoneConfigName",
        "networkLocation",
        "locationName",
        "mediaResourceListName",
        "networkHoldMohAudioSourceId",
        "userHoldMohAudioSourceId",
        "automatedAlternateRoutingCssName",
        "aarNeighborhoodName",
        "loadInformation",
        "vendorConfig",
        "versionStamp",
        "traceFlag",
        "mlppDomainId",
        "mlppIndicationStatus",
        "preemption",
        "useTrustedRelayPoint",
        "retryVideoCallAsAudio",
        "securityProfileName",
        "sipProfileName",
        "cgpnTransformationCssName",
        "useDevicePoolCgpnTransformCss",
        "geoLocationName",
        "geoLocationFilterName",
        "sendGeoLocation",
        "lines",
        "numberOfButtons",
        "phoneTemplateName",
        "speeddials",
        "busyLampFields",
        "primaryPhoneName",
        "ringSettingIdleBlfAudibleAlert",
        "ringSettingBusyBlfAudibleAlert",
        "blfDirectedCallParks",
        "addOnModules",
        "userLocale",
        "networkLocale",
        "idleTimeout",
        "authenticationUrl",
        "directoryUrl",
        "idleUrl",
        "informationUrl",
        "messagesUrl",
        "proxyServerUrl",
        "servicesUrl",
        "services",
        "softkeyTemplateName",
        "loginUserId",
        "defaultProfileName",
        "enableExtensionMobility",
        "currentProfileName",
        "loginTime",
        "loginDuration",
        "currentConfig",
        "singleButtonBarge",
        "joinAcrossLines",
        "builtInBridgeStatus",
        "callInfoPrivacyStatus",
        "hlogStatus",
        "ownerUserName",
        "ignorePresentationIndicators",
        "packetCaptureMode",
        "packetCaptureDuration",
        "subscribeCallingSearchSpaceName",
        "rerouteCallingSearchSpaceName",
        "allowCtiControlFlag",
        "presenceGroupName",
        "unattendedPort",
        "requireDtmfReception",
        "rfc2833Disabled",
        "certificateOperation",
        "authenticationMode",
        "keySize",
        "keyOrder",
        "ecKeySize",
        "authenticationString",
        "certificateStatus",
        "upgradeFinishTime",
        "deviceMobilityMode",
    ],
    defaults={
        "product": "CTI Port",
        "class": "Phone",
        "protocol": "SCCP",
        "protocolSide": "User",
        "commonPhoneConfigName": "Standard Common Phone Profile",
        "useTrustedRelayPoint": "Default",
        "builtInBridgeStatus": "Default",
        "packetCaptureMode": "None",
        "certificateOperation": "No Pending Operation",
        "deviceMobilityMode": "Default",
        "allowCtiControlFlag": "true",
        "unattendedPort": "false",
        "requireDtmfReception": "false",
    },
)


def _table(call: AxlCall, kind: DeviceKind) -> dict[str, Device]:
    return {k: d for k, d in call.cluster.devices.items() if kind.owns(d)}


def _find(call: AxlCall, kind: DeviceKind) -> Device:
    """The device a request names, by a direct key lookup (a large cluster has 20,000+)."""
    name = value(call.body, "name")
    if name is None:
        return lookup(call, _table(call, kind), kind.label)
    device = call.cluster.devices.get(key(name))
    if device is None or not kind.owns(device):
        raise faults.not_found(kind.label, call.operation)
    return device


def _next_ctiid(call: AxlCall) -> int:
    """The next unused CTI id; the highest is scanned once, then counted up."""
    cluster = call.cluster
    if not cluster.ctiid_high:
        used = [a.ctiid for d in cluster.devices.values() for a in d.lines]
        cluster.ctiid_high = max(used, default=0)
    return cluster.ctiid_high + 1


def _check_call_limits(call: AxlCall, appearance: LineAppearance, device_product: str) -> None:
    """CUCM's per-line limits: up to 10,000 calls on a route point line, 200 on a phone's."""
    limit = ROUTE_POINT_MAX_CALLS if device_product == ROUTE_POINT else PHONE_MAX_CALLS
    if not 1 <= appearance.max_num_calls <= limit:
        raise faults.invalid(
            f"Maximum Number of Calls must be between 1 and {limit}", call.operation
        )
    if not 1 <= appearance.busy_trigger <= appearance.max_num_calls:
        raise faults.invalid(
            "Busy Trigger cannot be greater than Maximum Number of Calls", call.operation
        )


def _parse_appearance(call: AxlCall, elem: Element, position: int, product: str) -> LineAppearance:
    if local(elem.tag) == "lineIdentifier":
        pattern = required(call, elem, "directoryNumber")
        partition = value(elem, "routePartitionName")
        line = existing_line(call, pattern, partition)
        return LineAppearance(index=position, pattern=line.pattern, partition=line.partition)
    dirn = child(elem, "dirn")
    line = existing_line(call, required(call, dirn, "pattern"), value(dirn, "routePartitionName"))
    appearance = LineAppearance(
        index=int(value(elem, "index") or position),
        pattern=line.pattern,
        partition=line.partition,
        max_num_calls=int(value(elem, "maxNumCalls") or 2),
        busy_trigger=int(value(elem, "busyTrigger") or 1),
        label=value(elem, "label") or "",
        display=value(elem, "display") or "",
    )
    _check_call_limits(call, appearance, product)
    line_settings.parse(call, elem, appearance)
    return appearance


def _parse_lines(call: AxlCall, elem: Element | None, product: str) -> list[LineAppearance]:
    if elem is None:
        return []
    entries = [c for c in elem if local(c.tag) in ("line", "lineIdentifier")]
    return [_parse_appearance(call, e, i, product) for i, e in enumerate(entries, start=1)]


def _keep_identity(call: AxlCall, old: list[LineAppearance], new: list[LineAppearance]) -> None:
    """A DN that stays on the device keeps its appearance uuid and CTI id."""
    previous = {line_key(a.pattern, a.partition): a for a in old}
    next_id = _next_ctiid(call)
    for appearance in new:
        kept = previous.get(line_key(appearance.pattern, appearance.partition))
        if kept is not None:
            appearance.uuid, appearance.ctiid = kept.uuid, kept.ctiid
        else:
            appearance.ctiid, next_id = next_id, next_id + 1
            call.cluster.ctiid_high = appearance.ctiid


def _apply_line_changes(call: AxlCall, device: Device, elem: Element) -> None:
    lines = child(elem, "lines")
    product = device.product
    new = list(device.lines) if lines is None else _parse_lines(call, lines, product)
    removed = {
        line_key(a.pattern, a.partition)
        for a in _parse_lines(call, child(elem, "removeLines"), product)
    }
    new = [a for a in new if line_key(a.pattern, a.partition) not in removed]
    for added in _parse_lines(call, child(elem, "addLines"), product):
        new = [a for a in new if a.index != added.index]
        new.append(added)
    _keep_identity(call, device.lines, new)
    device.lines = sorted(new, key=lambda a: a.index)


def _apply_fields(call: AxlCall, device: Device, elem: Element) -> None:
    cluster = call.cluster
    if has(elem, "description"):
        device.description = value(elem, "description") or ""
    if has(elem, "callingSearchSpaceName"):
        device.calling_search_space = reference(
            call, cluster.css, "Calling Search Space", value(elem, "callingSearchSpaceName")
        )
    if has(elem, "devicePoolName"):
        pool = reference(call, cluster.device_pools, "Device Pool", value(elem, "devicePoolName"))
        if pool is None:
            raise faults.invalid("devicePoolName is required", call.operation)
        device.device_pool = pool
    if has(elem, "locationName"):
        location = reference(call, cluster.locations, "Location", value(elem, "locationName"))
        device.location = location or "Hub_None"
    if has(elem, "ownerUserName"):
        owner = value(elem, "ownerUserName")
        device.owner_user = reference(call, cluster.users, "User", owner)
    for name, text in scalar_fields(elem, _KNOWN).items():
        device.extra[name] = text or ""
    _apply_line_changes(call, device, elem)


def _add(call: AxlCall, kind: DeviceKind) -> str:
    elem = payload(call, kind.element)
    name = required(call, elem, "name")
    if key(name) in call.cluster.devices:
        raise faults.duplicate(call.operation)
    if not has(elem, "devicePoolName"):
        raise faults.invalid("devicePoolName is required", call.operation)
    device = Device(
        name=name,
        product=value(elem, "product") or kind.defaults["product"],
        device_class=value(elem, "class") or kind.defaults["class"],
        protocol=value(elem, "protocol") or kind.defaults["protocol"],
        device_pool=None,
        location="Hub_None",
        extra={k: v for k, v in kind.defaults.items() if k not in ("product", "class", "protocol")},
    )
    if kind is ROUTE_POINTS and device.product != ROUTE_POINT:
        raise faults.invalid(f"product must be {ROUTE_POINT}", call.operation)
    _apply_fields(call, device, elem)
    call.cluster.devices[key(name)] = device
    return device.uuid


def _update(call: AxlCall, kind: DeviceKind) -> str:
    cluster = call.cluster
    device = _find(call, kind)
    new_name = value(call.body, "newName")
    renamed = new_name is not None and key(new_name) != key(device.name)
    if renamed and key(str(new_name)) in cluster.devices:
        raise faults.duplicate(call.operation)
    edit(device, lambda draft: _apply_fields(call, draft, call.body))
    if new_name is not None:
        del cluster.devices[key(device.name)]
        for user in (*cluster.users.values(), *cluster.app_users.values()):
            user.associated_devices = [
                new_name if key(d) == key(device.name) else d for d in user.associated_devices
            ]
        device.name = new_name
        cluster.devices[key(new_name)] = device
    return device.uuid


def _remove(call: AxlCall, kind: DeviceKind) -> str:
    """The device goes, and with it its controlled-device associations; DNs stay."""
    cluster = call.cluster
    device = _find(call, kind)
    del cluster.devices[key(device.name)]
    for user in (*cluster.users.values(), *cluster.app_users.values()):
        user.associated_devices = [d for d in user.associated_devices if key(d) != key(device.name)]
    return device.uuid


def _touch(call: AxlCall, kind: DeviceKind) -> str:
    """apply/reset/restart: nothing to change in the model, only the identity to check."""
    return _find(call, kind).uuid


def _render_appearance(call: AxlCall, appearance: LineAppearance) -> Element:
    line = call.cluster.lines.get(line_key(appearance.pattern, appearance.partition))
    partition = call.cluster.partitions.get(key(appearance.partition or ""))
    elem = leaf("line", uuid=appearance.uuid)
    elem.set("ctiid", str(appearance.ctiid))
    dirn = leaf("dirn", uuid=line.uuid if line else None)
    sub(dirn, "pattern", appearance.pattern)
    sub(dirn, "routePartitionName", appearance.partition, partition.uuid if partition else None)
    fields = {
        "index": leaf("index", str(appearance.index)),
        "label": leaf("label", appearance.label),
        "display": leaf("display", appearance.display),
        "dirn": dirn,
        "maxNumCalls": leaf("maxNumCalls", str(appearance.max_num_calls)),
        "busyTrigger": leaf("busyTrigger", str(appearance.busy_trigger)),
        **line_settings.render(call, appearance),
    }
    ordered(elem, fields, line_settings.ORDER)
    return elem


def render_device(call: AxlCall, kind: DeviceKind, device: Device, with_lines: bool) -> Element:
    cluster = call.cluster
    fields = {name: leaf(name, text) for name, text in device.extra.items()}

    def fk(name: str, text: str | None, table: dict) -> None:
        target = table.get(key(text or ""))
        fields[name] = leaf(name, text, target.uuid if target else None)

    fields["name"] = leaf("name", device.name)
    fields["description"] = leaf("description", device.description)
    fields["product"] = leaf("product", device.product)
    fields["model"] = leaf("model", device.product)
    fields["class"] = leaf("class", device.device_class)
    fields["protocol"] = leaf("protocol", device.protocol)
    fk("callingSearchSpaceName", device.calling_search_space, cluster.css)
    fk("devicePoolName", device.device_pool, cluster.device_pools)
    fk("locationName", device.location, cluster.locations)
    if kind is PHONES:
        fk("ownerUserName", device.owner_user, cluster.users)
    if with_lines:
        lines = leaf("lines")
        for appearance in device.lines:
            lines.append(_render_appearance(call, appearance))
        fields["lines"] = lines
    elem = leaf(kind.element, uuid=device.uuid)
    ordered(elem, fields, kind.order)
    return elem


def _get(call: AxlCall, kind: DeviceKind) -> Element:
    device = _find(call, kind)
    return get_result(call, render_device(call, kind, device, with_lines=True))


def _list(call: AxlCall, kind: DeviceKind) -> list[Element]:
    return keyed_list_result(
        call,
        call.cluster.devices.values(),
        lambda d: render_device(call, kind, d, with_lines=False),
        "name",
        lambda d: d.name,
        kind.owns,
    )


def _operations(noun: str, kind: DeviceKind) -> dict[str, Handler]:
    return {
        f"add{noun}": lambda call: _add(call, kind),
        f"get{noun}": lambda call: _get(call, kind),
        f"update{noun}": lambda call: _update(call, kind),
        f"list{noun}": lambda call: _list(call, kind),
        f"remove{noun}": lambda call: _remove(call, kind),
        f"apply{noun}": lambda call: _touch(call, kind),
        f"reset{noun}": lambda call: _touch(call, kind),
        f"restart{noun}": lambda call: _touch(call, kind),
    }


OPERATIONS: dict[str, Handler] = {
    **_operations("CtiRoutePoint", ROUTE_POINTS),
    **_operations("Phone", PHONES),
}
