"""Plans and change sets read in CUCM's words: no Python reprs, no internal field names."""

from __future__ import annotations

import re

from bot.changelog.labels import describe_object, field_label, kind_label, object_label
from commands.engine.diff import describe_diff
from commands.kinds.devices import appearance_state, device_state
from commands.kinds.lines import line_state
from commands.kinds.users import user_state

REPRS = re.compile(r"\{'|\['|': |(?<![\w_])(None|True|False)\b")


def _route_point(max_calls: int = 2) -> dict:
    line = appearance_state(1, "7100", "PT_CTI", max_calls=max_calls, busy_trigger=1)
    return device_state("RP_IVR", device_pool="DP_CTI", lines=[line])


def _clean(lines: list[str]) -> str:
    text = "\n".join(lines)
    assert not REPRS.search(text), text
    return text


def test_a_new_route_point_shows_its_line_in_words() -> None:
    text = _clean(describe_diff(None, _route_point()))
    assert "Device Pool: DP_CTI" in text
    assert "Line 1: 7100 in PT_CTI, Maximum Number of Calls 2, Busy Trigger 1" in text
    assert "device_pool" not in text and "max_calls" not in text
    assert "Description" not in text  # empty fields of a new object are left out


def test_a_changed_call_limit_names_the_line_and_field() -> None:
    text = _clean(describe_diff(_route_point(2), _route_point(5000)))
    assert text == "Line 1 Maximum Number of Calls: 2 -> 5000"


def test_forwards_read_as_cucm_names_them() -> None:
    before = line_state("7100", "PT_CTI")
    after = line_state(
        "7100", "PT_CTI", forwards={"no_answer": {"destination": "6000", "css": "CSS_FWD"}}
    )
    text = _clean(describe_diff(before, after))
    assert "Forward No Answer External: (none) -> 6000" in text
    assert "Forward No Answer External Calling Search Space: (none) -> CSS_FWD" in text
    assert "forwards." not in text


def test_a_user_list_says_what_is_added_and_removed() -> None:
    before = user_state("ctiapp_ivr", ["RP_MAIN", "RP_OLD"], [])
    after = user_state("ctiapp_ivr", ["RP_MAIN", "CTIP01"], [])
    text = _clean(describe_diff(before, after))
    assert text == "Controlled Devices: add CTIP01; remove RP_OLD"


def test_a_service_activation_reads_yes_no() -> None:
    before = {"node": "cucm-pub", "service": "Cisco CTIManager", "activated": False}
    text = _clean(describe_diff(before, {**before, "activated": True}))
    assert text == "Activated: No -> Yes"


def test_kinds_operations_and_keys_in_gui_names() -> None:
    assert kind_label("cti_port") == "CTI Port"
    assert kind_label("route_point") == "CTI Route Point"
    assert kind_label("app_user") == "Application User"
    assert kind_label("end_user") == "End User"
    assert kind_label("line") == "Directory Number"
    assert kind_label("some_new_kind") == "Some new kind"
    assert object_label("line", "7100/PT_CTI") == "7100 in PT_CTI"
    assert object_label("service", "cucm-pub/Cisco CTIManager") == "Cisco CTIManager on cucm-pub"
    assert field_label("forwards.on_failure.destination") == "Forward on CTI Failure"
    state = {"name": "RP_IVR"}
    assert describe_object("route_point", "RP_IVR", "applyCtiRoutePoint", state, state) == (
        "Apply Config to CTI Route Point RP_IVR"
    )
    assert describe_object("cti_port", "CTIP01", "addPhone", None, state) == "Add CTI Port CTIP01"


def test_a_removed_object_says_in_one_line_what_it_was() -> None:
    assert describe_diff(_route_point(), None) == [
        "Was: Device Pool: DP_CTI; Location: Hub_None; "
        "Line 1: 7100 in PT_CTI, Maximum Number of Calls 2, Busy Trigger 1"
    ]


def test_carried_line_settings_read_by_their_cucm_names() -> None:
    def with_mask(mask: str) -> dict:
        line = appearance_state(
            1,
            "7100",
            "PT_CTI",
            max_calls=5000,
            busy_trigger=4500,
            settings={"e164Mask": mask, "callInfoDisplay": {"callerName": "true"}},
        )
        return device_state("RP_IVR", device_pool="DP_CTI", lines=[line])

    text = _clean(describe_diff(with_mask("4085550000"), with_mask("408555XXXX")))
    assert text == "Line 1 External Phone Number Mask: 4085550000 -> 408555XXXX"
    created = _clean(describe_diff(None, with_mask("408555XXXX")))
    assert "External Phone Number Mask 408555XXXX" in created
    assert "Call Info Display Caller Name true" in created and "settings" not in created.lower()
