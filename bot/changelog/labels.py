"""CUCM's own words for the bot's object kinds, fields and operations.

The change log and the plans keep internal names (`cti_port`, `max_calls`,
`addPhone`) because undo and the audit export need them exact; an
administrator reads CUCM Administration's names ("CTI Port", "Maximum Number
of Calls", "Add"). Every front end, and the health alerts, render through
these tables, which live beside the change log because they name what it
records; a kind or field a workflow adds later still reads as words
(humanised) rather than as a Python identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

KIND_LABELS = {
    "line": "Directory Number",
    "route_point": "CTI Route Point",
    "cti_port": "CTI Port",
    "app_user": "Application User",
    "end_user": "End User",
    "service_parameter": "Service Parameter",
    "service": "Service",
}

# Field paths as the canonical states spell them; the order is the order shown
# (CUCM Administration's page order), unknown fields follow alphabetically.
FIELD_LABELS = {
    "name": "Device Name",
    "userid": "User ID",
    "pattern": "Directory Number",
    "partition": "Route Partition",
    "description": "Description",
    "alerting_name": "Alerting Name",
    "device_pool": "Device Pool",
    "css": "Calling Search Space",
    "location": "Location",
    "lines": "Lines",
    "index": "Line",
    "max_calls": "Maximum Number of Calls",
    "busy_trigger": "Busy Trigger",
    "label": "Line Text Label",
    "display": "Display (Caller ID)",
    "associated_devices": "Controlled Devices",
    "groups": "Access Control Groups",
    "node": "Server",
    "service": "Service",
    "value": "Parameter Value",
    "activated": "Activated",
    # A line appearance's other settings, carried by AXL name (CUCM resets what a write omits).
    "e164Mask": "External Phone Number Mask",
    "ringSetting": "Ring Setting (Phone Idle)",
    "consecutiveRingSetting": "Ring Setting (Phone Active)",
    "recordingFlag": "Recording Option",
    "recordingProfileName": "Recording Profile",
    "recordingMediaSource": "Recording Media Source",
    "monitoringCssName": "Monitoring Calling Search Space",
    "callInfoDisplay": "Call Info Display",
    "associatedEndusers": "Users Associated with Line",
    "mwlPolicy": "Message Waiting Lamp Policy",
    "audibleMwi": "Audible Message Waiting Indicator",
    "ringSettingIdlePickupAlert": "Pickup Audio Alert Setting (Phone Idle)",
    "ringSettingActivePickupAlert": "Pickup Audio Alert Setting (Phone Active)",
    "displayAscii": "ASCII Display (Caller ID)",
    "speedDial": "Speed Dial",
    "missedCallLogging": "Log Missed Calls",
    "callerName": "Caller Name",
    "callerNumber": "Caller Number",
    "redirectedNumber": "Redirected Number",
    "dialedNumber": "Dialed Number",
}

FORWARD_LABELS = {
    "all": "Forward All",
    "busy": "Forward Busy",
    "no_answer": "Forward No Answer External",
    "no_answer_int": "Forward No Answer Internal",
    "on_failure": "Forward on CTI Failure",
    "not_registered": "Forward Unregistered",
}
FORWARD_FIELD_LABELS = {
    "destination": "",
    "css": "Calling Search Space",
    "duration": "Ring Duration (s)",
}

# Operations that change no stored field (before == after): what CUCM's pages call them.
ACTION_LABELS = {
    "applyCtiRoutePoint": "Apply Config to",
    "applyPhone": "Apply Config to",
    "resetPhone": "Reset",
    "restartPhone": "Restart",
    "soapDoControlServices": "Restart",
}


def humanise(name: str) -> str:
    """`no_answer_int` -> `No answer int`, `ringSetting` -> `Ring setting`: a name no table
    knows still reads as words."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    words = spaced.replace("_", " ").replace("-", " ").strip().lower()
    return words[:1].upper() + words[1:]


def kind_label(object_type: str) -> str:
    return KIND_LABELS.get(object_type) or humanise(object_type)


def object_label(object_type: str, key: str) -> str:
    """How the object is named to an admin: `7100 in PT_CTI`, `Cisco CTIManager on cucm-pub`."""
    if object_type == "line":
        pattern, _, partition = key.partition("/")
        return f"{pattern} in {partition}" if partition else f"{pattern} (no partition)"
    if object_type == "service":
        node, _, service = key.partition("/")
        return f"{service or 'Cisco CTIManager'} on {node}"
    if object_type == "service_parameter":
        parts = key.split("/", 2)
        if len(parts) == 3:
            node, _, name = parts
            return f"{name} on {node}"
    return key


def operation_label(
    operation: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> str:
    """Add / Update / Remove from the states; actions by their CUCM name."""
    if before is not None and before == after:
        return ACTION_LABELS.get(operation) or humanise(operation)
    if before is None:
        return "Add"
    if after is None:
        return "Remove"
    return "Update"


def describe_object(
    object_type: str,
    key: str,
    operation: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> str:
    """`Add CTI Port CTIP01`, `Update Application User ctiapp_ivr`, `Apply Config to ...`."""
    verb = operation_label(operation, before, after)
    return f"{verb} {kind_label(object_type)} {object_label(object_type, key)}"


def field_label(path: str) -> str:
    """A flattened field path in CUCM's words: `forwards.no_answer.css` -> `Forward No
    Answer Calling Search Space`."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "forwards":
        block = FORWARD_LABELS.get(parts[1]) or humanise(parts[1])
        field = FORWARD_FIELD_LABELS.get(parts[2], humanise(parts[2]))
        return f"{block} {field}".strip()
    return " ".join(FIELD_LABELS.get(p) or humanise(p) for p in parts)


def field_order(path: str) -> tuple[int, str]:
    """Sort key: CUCM's page order for known fields, then the rest by name."""
    order = list(FIELD_LABELS)
    head = path.split(".")[0]
    if head == "forwards":
        block = path.split(".")[1] if "." in path else ""
        rank = list(FORWARD_LABELS).index(block) if block in FORWARD_LABELS else len(FORWARD_LABELS)
        return len(order) + rank, path
    return (order.index(head) if head in order else len(order) * 2), path
