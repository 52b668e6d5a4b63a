"""The per-line settings of a device's line appearance (AXL XPhoneLine) beside DN and call limits.

CUCM replaces a device's `lines` whole: a line sent without one of these
fields gets CUCM's default back (the external phone number mask, recording,
monitoring CSS, ring setting, associated end users...), which is exactly the
loss a client causes when it rewrites a line list without carrying them.
The model keeps only what a request set apart from the default (a value equal
to it is the same thing); a response fills in the defaults.
"""

from __future__ import annotations

from cucmsim.axl import faults
from cucmsim.axl.common import AxlCall, reference
from cucmsim.axl.xml import Element, bool_text, child, children, flag, has, leaf, sub, value
from cucmsim.model import LineAppearance

RING = ("Use System Default", "Disable", "Flash Only", "Ring Once", "Ring", "Beep Only")

# AXL name -> default as CUCM returns it ("" for an empty field), in schema order.
SCALARS: dict[str, str] = {
    "ringSetting": "Ring",
    "consecutiveRingSetting": "Use System Default",
    "ringSettingIdlePickupAlert": "Use System Default",
    "ringSettingActivePickupAlert": "Use System Default",
    "displayAscii": "",
    "e164Mask": "",
    "mwlPolicy": "Use System Policy",
    "recordingProfileName": "",
    "monitoringCssName": "",
    "recordingFlag": "Call Recording Disabled",
    "audibleMwi": "Default",
    "speedDial": "",
    "partitionUsage": "General",
    "missedCallLogging": "true",
    "recordingMediaSource": "Gateway Preferred",
}
CHOICES: dict[str, tuple[str, ...]] = {
    "ringSetting": RING,
    "consecutiveRingSetting": RING,
    "ringSettingIdlePickupAlert": RING,
    "ringSettingActivePickupAlert": RING,
    "mwlPolicy": ("Use System Policy", "Light and Prompt", "Prompt Only", "Light Only", "None"),
    "recordingFlag": (
        "Call Recording Disabled",
        "Automatic Call Recording Enabled",
        "Selective Call Recording Enabled",
    ),
    "audibleMwi": ("Off", "On", "Default"),
    "partitionUsage": (
        "Intercom",
        "Call Control Discovery Learned Pattern",
        "General",
        "Directory URI",
    ),
    "recordingMediaSource": ("Gateway Preferred", "Phone Preferred"),
}
BOOLEANS = ("missedCallLogging",)
CALL_INFO_DISPLAY = {
    "callerName": "true",
    "callerNumber": "false",
    "redirectedNumber": "false",
    "dialedNumber": "true",
}
# XPhoneLine's sequence, which a response must follow for a client to read every field.
ORDER = [
    "index",
    "label",
    "display",
    "dirn",
    "ringSetting",
    "consecutiveRingSetting",
    "ringSettingIdlePickupAlert",
    "ringSettingActivePickupAlert",
    "displayAscii",
    "e164Mask",
    "mwlPolicy",
    "maxNumCalls",
    "busyTrigger",
    "callInfoDisplay",
    "recordingProfileName",
    "monitoringCssName",
    "recordingFlag",
    "audibleMwi",
    "speedDial",
    "partitionUsage",
    "associatedEndusers",
    "missedCallLogging",
    "recordingMediaSource",
]


def _scalar(call: AxlCall, name: str, text: str) -> str:
    if name in BOOLEANS:
        return bool_text(flag(text, default=True))
    choices = CHOICES.get(name)
    if choices is not None and text not in choices:
        raise faults.invalid(f"{name} '{text}' is not one of {', '.join(choices)}", call.operation)
    if name == "monitoringCssName":
        return str(reference(call, call.cluster.css, "Calling Search Space", text))
    return text


def parse(call: AxlCall, elem: Element, appearance: LineAppearance) -> None:
    """Fill `appearance` with the settings the request's line gives, checked as CUCM checks."""
    for name, default in SCALARS.items():
        text = value(elem, name)
        checked = None if text is None else _scalar(call, name, text)
        if checked is not None and checked != default:
            appearance.settings[name] = checked
    shown = child(elem, "callInfoDisplay")
    for name, default in CALL_INFO_DISPLAY.items():
        text = value(shown, name)
        checked = None if text is None else bool_text(flag(text, default=False))
        if checked is not None and checked != default:
            appearance.call_info_display[name] = checked
    if has(elem, "associatedEndusers"):
        appearance.associated_endusers = [
            str(reference(call, call.cluster.users, "User", value(member, "userId")))
            for member in children(child(elem, "associatedEndusers"), "enduser")
        ]


def render(call: AxlCall, appearance: LineAppearance) -> dict[str, Element]:
    """The settings as response elements by name, CUCM's defaults where none was given."""
    fields = {
        name: leaf(name, appearance.settings.get(name, default))
        for name, default in SCALARS.items()
    }
    monitoring = call.cluster.css.get(appearance.settings.get("monitoringCssName", "").casefold())
    if monitoring is not None:
        fields["monitoringCssName"].set("uuid", monitoring.uuid)
    shown = leaf("callInfoDisplay")
    for name, default in CALL_INFO_DISPLAY.items():
        sub(shown, name, appearance.call_info_display.get(name, default))
    fields["callInfoDisplay"] = shown
    members = leaf("associatedEndusers")
    for userid in appearance.associated_endusers:
        sub(sub(members, "enduser"), "userId", userid)
    fields["associatedEndusers"] = members
    return fields
