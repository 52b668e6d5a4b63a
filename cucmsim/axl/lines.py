"""Directory numbers (AXL `line`) and their call-forward blocks.

Patterns are stored as written on the wire: an E.164 number's leading plus is
the escaped `\\+`. A plain `+` is the "one or more of the preceding" wildcard,
so CUCM refuses it at the start of a pattern, and so does the simulator.
"""

from __future__ import annotations

import re

from cucmsim.axl import faults
from cucmsim.axl.common import (
    AxlCall,
    Handler,
    by_uuid,
    edit,
    get_result,
    keyed_list_result,
    line_key,
    payload,
    reference,
    required,
)
from cucmsim.axl.xml import (
    Element,
    bool_text,
    child,
    flag,
    has,
    leaf,
    ordered,
    scalar_fields,
    sub,
    value,
)
from cucmsim.model import CallForward, Line, key

FORWARD_BLOCKS = (
    "callForwardAll",
    "callForwardBusy",
    "callForwardBusyInt",
    "callForwardNoAnswer",
    "callForwardNoAnswerInt",
    "callForwardNoCoverage",
    "callForwardNoCoverageInt",
    "callForwardOnFailure",
    "callForwardAlternateParty",
    "callForwardNotRegistered",
    "callForwardNotRegisteredInt",
)
_WITH_DURATION = {"callForwardNoAnswer", "callForwardNoAnswerInt", "callForwardAlternateParty"}
_KNOWN = {
    "pattern",
    "newPattern",
    "routePartitionName",
    "newRoutePartitionName",
    "description",
    "usage",
    "alertingName",
    "allowCtiControlFlag",
    "uuid",
    "returnedTags",
    *FORWARD_BLOCKS,
}
_ORDER = (
    "pattern description usage routePartitionName aarNeighborhoodName aarDestinationMask "
    "aarKeepCallHistory aarVoiceMailEnabled " + " ".join(FORWARD_BLOCKS) + " callPickupGroupName "
    "autoAnswer networkHoldMohAudioSourceId userHoldMohAudioSourceId "
    "callingIdPresentationWhenDiverted alertingName asciiAlertingName presenceGroupName "
    "shareLineAppearanceCssName voiceMailProfileName patternPrecedence releaseClause hrDuration "
    "hrInterval cfaCssPolicy defaultActivatedDeviceName directoryURIs allowCtiControlFlag "
    "rejectAnonymousCall patternUrgency confidentialAccess externalCallControlProfile "
    "enterpriseAltNum e164AltNum pstnFailover callControlAgentProfile associatedDevices "
    "useEnterpriseAltNum useE164AltNum active"
).split()


_PATTERN_CHARS = re.compile(r"^(?:\\\+)?[0-9*#X\[\]^\-!?+]{1,50}$")


def checked_pattern(call: AxlCall, pattern: str) -> str:
    """CUCM's directory-number characters, with the international escape only as `\\+`."""
    if pattern.startswith("+"):
        raise faults.invalid(
            f"The pattern '{pattern}' is not valid: a leading + must be written \\+ "
            "(the international escape character)",
            call.operation,
        )
    if not _PATTERN_CHARS.match(pattern):
        raise faults.invalid(
            f"The pattern '{pattern}' contains characters not allowed in a directory number",
            call.operation,
        )
    return pattern


def find_line(call: AxlCall) -> Line:
    """Identity: uuid, or pattern + routePartitionName (null partition allowed)."""
    uuid_text = value(call.body, "uuid")
    if uuid_text is not None:
        found = by_uuid(call.cluster.lines.values(), uuid_text)
    else:
        pattern = value(call.body, "pattern")
        partition = value(call.body, "routePartitionName")
        found = call.cluster.lines.get(line_key(pattern, partition)) if pattern else None
    if found is None:
        raise faults.not_found("Line", call.operation)
    return found


def _apply_forwards(call: AxlCall, line: Line, elem: Element) -> None:
    """Fields present in a block replace that field; absent ones stay as they were."""
    for block_name in FORWARD_BLOCKS:
        block = child(elem, block_name)
        if block is None:
            continue
        forward = line.forwards.setdefault(block_name, CallForward())
        if has(block, "destination"):
            forward.destination = value(block, "destination")
        if has(block, "callingSearchSpaceName"):
            css = value(block, "callingSearchSpaceName")
            forward.calling_search_space = reference(
                call, call.cluster.css, "Calling Search Space", css
            )
        if has(block, "duration"):
            duration = value(block, "duration")
            forward.duration = int(duration) if duration is not None else None
        if has(block, "forwardToVoiceMail"):
            forward.forward_to_voicemail = flag(value(block, "forwardToVoiceMail"), False)


def _apply_fields(call: AxlCall, line: Line, elem: Element) -> None:
    if has(elem, "description"):
        line.description = value(elem, "description") or ""
    if has(elem, "usage"):
        line.usage = value(elem, "usage") or "Device"
    if has(elem, "alertingName"):
        line.alerting_name = value(elem, "alertingName") or ""
    if has(elem, "allowCtiControlFlag"):
        line.allow_cti_control = flag(value(elem, "allowCtiControlFlag"), True)
    for name, text in scalar_fields(elem, _KNOWN).items():
        line.extra[name] = text or ""
    _apply_forwards(call, line, elem)


def _claim_pattern(call: AxlCall, pattern: str, partition: str | None, line: Line) -> None:
    other = call.cluster.lines.get(line_key(pattern, partition))
    if other is not None and other is not line:
        raise faults.duplicate_dn(call.operation)


def add_line(call: AxlCall) -> str:
    elem = payload(call, "line")
    pattern = checked_pattern(call, required(call, elem, "pattern"))
    partition = reference(
        call, call.cluster.partitions, "Route Partition", value(elem, "routePartitionName")
    )
    line = Line(pattern=pattern, partition=partition)
    _claim_pattern(call, pattern, partition, line)
    _apply_fields(call, line, elem)
    call.cluster.lines[line_key(pattern, partition)] = line
    return line.uuid


def update_line(call: AxlCall) -> str:
    cluster = call.cluster
    line = find_line(call)
    new_pattern = value(call.body, "newPattern")
    pattern = checked_pattern(call, new_pattern) if new_pattern else line.pattern
    partition = line.partition
    if has(call.body, "newRoutePartitionName"):
        partition = reference(
            call, cluster.partitions, "Route Partition", value(call.body, "newRoutePartitionName")
        )
    _claim_pattern(call, pattern, partition, line)
    edit(line, lambda draft: _apply_fields(call, draft, call.body))
    if (pattern, partition) != (line.pattern, line.partition):
        del cluster.lines[line_key(line.pattern, line.partition)]
        for device in cluster.devices.values():
            for appearance in device.lines:
                if line_key(appearance.pattern, appearance.partition) == line_key(
                    line.pattern, line.partition
                ):
                    appearance.pattern, appearance.partition = pattern, partition
        line.pattern, line.partition = pattern, partition
        cluster.lines[line_key(pattern, partition)] = line
    return line.uuid


def remove_line(call: AxlCall) -> str:
    """Removing a DN drops its appearances on devices too (the device rows stay)."""
    cluster = call.cluster
    line = find_line(call)
    wanted = line_key(line.pattern, line.partition)
    for device in cluster.devices.values():
        device.lines = [a for a in device.lines if line_key(a.pattern, a.partition) != wanted]
    del cluster.lines[wanted]
    return line.uuid


def _render_forward(call: AxlCall, name: str, forward: CallForward | None) -> Element:
    forward = forward or CallForward()
    block = leaf(name)
    if name != "callForwardAlternateParty":
        sub(block, "forwardToVoiceMail", bool_text(forward.forward_to_voicemail))
    css = call.cluster.css.get(key(forward.calling_search_space or ""))
    sub(block, "callingSearchSpaceName", forward.calling_search_space, css.uuid if css else None)
    if name == "callForwardAll":
        sub(block, "secondaryCallingSearchSpaceName")
    sub(block, "destination", forward.destination)
    if name in _WITH_DURATION:
        sub(block, "duration", str(forward.duration) if forward.duration is not None else None)
    return block


def associated_devices(call: AxlCall, line: Line) -> list[str]:
    """Devices with an appearance of `line`; one plain pass, as a large cluster has 20,000+."""
    pattern, partition = line_key(line.pattern, line.partition)
    found = []
    for device in call.cluster.devices.values():
        for appearance in device.lines:
            if appearance.pattern.casefold() == pattern and (
                (appearance.partition or "").casefold() == partition
            ):
                found.append(device.name)
                break
    return sorted(found)


def render_line(call: AxlCall, line: Line, with_devices: bool = True) -> Element:
    partition = call.cluster.partitions.get(key(line.partition or ""))
    fields = {name: leaf(name, text) for name, text in line.extra.items()}
    fields["pattern"] = leaf("pattern", line.pattern)
    fields["description"] = leaf("description", line.description)
    fields["usage"] = leaf("usage", line.usage)
    fields["routePartitionName"] = leaf(
        "routePartitionName", line.partition, partition.uuid if partition else None
    )
    for block_name in FORWARD_BLOCKS:
        fields[block_name] = _render_forward(call, block_name, line.forwards.get(block_name))
    fields["alertingName"] = leaf("alertingName", line.alerting_name)
    fields["allowCtiControlFlag"] = leaf("allowCtiControlFlag", bool_text(line.allow_cti_control))
    if with_devices:
        devices = leaf("associatedDevices")
        for name in associated_devices(call, line):
            sub(devices, "device", name)
        fields["associatedDevices"] = devices
    fields.setdefault("active", leaf("active", "true"))
    elem = leaf("line", uuid=line.uuid)
    ordered(elem, fields, _ORDER)
    return elem


def get_line(call: AxlCall) -> Element:
    return get_result(call, render_line(call, find_line(call)))


def list_line(call: AxlCall) -> list[Element]:
    lines = call.cluster.lines.values()
    return keyed_list_result(
        call,
        lines,
        lambda line: render_line(call, line, with_devices=False),
        "pattern",
        lambda line: line.pattern,
    )


OPERATIONS: dict[str, Handler] = {
    "addLine": add_line,
    "getLine": get_line,
    "updateLine": update_line,
    "listLine": list_line,
    "removeLine": remove_line,
}
