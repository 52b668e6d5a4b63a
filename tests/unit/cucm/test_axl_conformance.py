"""Every AXL request the client can emit validates against Cisco's own AXLSoap.xsd.

The compact WSDL only promises compatibility; this test holds it to it for 11.5 and 12.5,
with each operation's options exercised.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from lxml import etree

from bot.cucm.axl import AxlClient
from bot.cucm.models import (
    CallForward,
    CtiPort,
    Line,
    LineAppearance,
    LineSetting,
    RoutePoint,
)
from tests.unit.cucm.conftest import CISCO_SCHEMA_ROOT, capture, recording_client

VERSIONS = ("11.5", "12.5")

# Every per-line setting the client carries back, with values Cisco's enumerations accept.
SETTINGS: dict[str, LineSetting] = {
    "ringSetting": "Flash Only",
    "consecutiveRingSetting": "Use System Default",
    "ringSettingIdlePickupAlert": "Disable",
    "ringSettingActivePickupAlert": "Ring Once",
    "displayAscii": "IVR",
    "e164Mask": "+1408555XXXX",
    "mwlPolicy": "Light Only",
    "callInfoDisplay": {"callerName": "true", "callerNumber": "false", "dialedNumber": "true"},
    "recordingProfileName": "RP_Record",
    "monitoringCssName": "CSS_Monitor",
    "recordingFlag": "Automatic Call Recording Enabled",
    "audibleMwi": "Off",
    "speedDial": "1",
    "associatedEndusers": ["jsmith", "agent1"],
    "missedCallLogging": "false",
    "recordingMediaSource": "Phone Preferred",
}
LINES = (
    LineAppearance(
        1, "7000", "PT_CTI", max_calls=5000, busy_trigger=4500, label="IVR", settings=SETTINGS
    ),
    LineAppearance(2, "7001", None, max_calls=2, busy_trigger=1, display="Main"),
)
ALL_FORWARDS = {
    "all": CallForward(destination="6000", css="CSS_Internal"),
    "busy": CallForward(destination="6001"),
    "no_answer": CallForward(destination="6002", css="CSS_Internal", duration=12),
    "no_answer_int": CallForward(destination="6002", css="CSS_Internal", duration=12),
    "on_failure": CallForward(destination="6003"),
    "not_registered": CallForward(destination=None, css=None),
}

Case = Callable[[AxlClient], object]

CASES: dict[str, Case] = {
    "getCCMVersion": lambda c: c.get_version(),
    "listProcessNode": lambda c: c.list_process_nodes(),
    "listDevicePool": lambda c: c.list_device_pools("DP_%"),
    "getDevicePool": lambda c: c.get_device_pool("DP_CTI"),
    "getCallManagerGroup": lambda c: c.get_cm_group("Default"),
    "getCss": lambda c: c.get_css("CSS_Internal"),
    "listCss": lambda c: c.list_css("CSS_%"),
    "addCtiRoutePoint-full": lambda c: c.add_route_point(
        RoutePoint("RP_IVR", "IVR entry", "DP_CTI", "CSS_Internal", "Hub_None", LINES)
    ),
    "addCtiRoutePoint-minimal": lambda c: c.add_route_point(RoutePoint("RP_X")),
    "getCtiRoutePoint": lambda c: c.get_route_point("RP_IVR"),
    "updateCtiRoutePoint-all": lambda c: c.update_route_point(
        "RP_IVR", description="d", device_pool="DP", css=None, location="Hub_None", lines=LINES
    ),
    "updateCtiRoutePoint-one": lambda c: c.update_route_point("RP_IVR", description="only"),
    "listCtiRoutePoint": lambda c: c.list_route_points("RP_%"),
    "removeCtiRoutePoint": lambda c: c.remove_route_point("RP_IVR"),
    "applyCtiRoutePoint": lambda c: c.apply_route_point("RP_IVR"),
    "resetCtiRoutePoint": lambda c: c.reset_route_point("RP_IVR"),
    "addPhone-full": lambda c: c.add_cti_port(
        CtiPort("CTIP1", "port", "DP_CTI", "CSS", "Hub_None", LINES[:1], owner="jsmith")
    ),
    "addPhone-minimal": lambda c: c.add_cti_port(CtiPort("CTIP2")),
    "getPhone": lambda c: c.get_cti_port("CTIP1"),
    "updatePhone": lambda c: c.update_cti_port(
        "CTIP1", description="d", device_pool=None, css="CSS", lines=LINES[:1], owner=None
    ),
    "listPhone": lambda c: c.list_cti_ports("CTIP%"),
    "removePhone": lambda c: c.remove_cti_port("CTIP1"),
    "addLine-full": lambda c: c.add_line(
        Line("7000", "PT_CTI", "IVR DN", "IVR Main", forwards=ALL_FORWARDS)
    ),
    "addLine-nopartition": lambda c: c.add_line(Line("7002")),
    "getLine": lambda c: c.get_line("7000", "PT_CTI"),
    "getLine-nopartition": lambda c: c.get_line("7000", None),
    "updateLine-forwards": lambda c: c.update_line("7000", "PT_CTI", forwards=ALL_FORWARDS),
    "updateLine-e164": lambda c: c.update_line(
        "+14085557001", "PT_CTI", forwards={"no_answer_int": CallForward("+14085550100")}
    ),
    "updateLine-cfof": lambda c: c.update_line(
        "7000", "PT_CTI", forwards={"on_failure": CallForward("6000")}
    ),
    "updateLine-names": lambda c: c.update_line(
        "7000", None, description="x", alerting_name="Zoë Queue"
    ),
    "listLine": lambda c: c.list_lines("70%", "PT_CTI"),
    "removeLine": lambda c: c.remove_line("7000", "PT_CTI"),
    "getUser": lambda c: c.get_end_user("jsmith"),
    "updateUser-both": lambda c: c.update_end_user(
        "jsmith", associated_devices=["RP_IVR", "CTIP1"], groups=["Standard CTI Enabled"]
    ),
    "updateUser-clear": lambda c: c.update_end_user("jsmith", associated_devices=[]),
    "listUser": lambda c: c.list_end_users("j%"),
    "addAppUser": lambda c: c.add_app_user(
        "ctiapp", password="secret", associated_devices=["RP_IVR"], groups=["Standard CTI Enabled"]
    ),
    "getAppUser": lambda c: c.get_app_user("ctiapp"),
    "updateAppUser": lambda c: c.update_app_user(
        "ctiapp", associated_devices=["RP_IVR"], groups=["Standard CTI Enabled", "Other"]
    ),
    "listAppUser": lambda c: c.list_app_users("cti%"),
    "executeSQLQuery": lambda c: c.app_users_controlling(["RP_IVR", "CTIP1"]),
    "getUserGroup": lambda c: c.get_user_group("Standard CTI Enabled"),
    "listUserGroup": lambda c: c.list_user_groups(),
    "updateUserGroup-both": lambda c: c.update_user_group_members(
        "Standard CTI Enabled", add=["ctiapp"], remove=["old"]
    ),
    "updateUserGroup-add": lambda c: c.update_user_group_members("G", add=["a", "b"]),
    "listServiceParameter": lambda c: c.list_service_parameters("cucm-pub", "Cisco CTIManager"),
    "getServiceParameter": lambda c: c.get_service_parameter(
        "cucm-pub", "Cisco CTIManager", "CtiMaxDevicesPerProvider"
    ),
    "updateServiceParameter": lambda c: c.update_service_parameter(
        "cucm-pub", "Cisco CallManager", "CdrEnabled", "T"
    ),
}


@functools.cache
def cisco_schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CISCO_SCHEMA_ROOT / version / "AXLSoap.xsd")))


@functools.cache
def client(version: str) -> AxlClient:
    return recording_client(version)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_request_validates_against_cisco_schema(version: str, case: str) -> None:
    body = capture(lambda: CASES[case](client(version)))
    assert etree.QName(body).namespace == f"http://www.cisco.com/AXL/API/{version}"
    schema = cisco_schema(version)
    assert schema.validate(body), (
        f"{case}: {schema.error_log.last_error}\n"
        + etree.tostring(body, pretty_print=True).decode()
    )


def test_every_compact_operation_is_exercised() -> None:
    from bot.cucm import schemas

    xsd = etree.parse(str(schemas.AXL_XSD)).getroot()
    ops = {
        e.get("name")
        for e in xsd.findall("{http://www.w3.org/2001/XMLSchema}element")
        if not e.get("name").endswith("Response") and e.get("name") != "axlError"
    }
    exercised = {case.split("-")[0] for case in CASES}
    assert ops == exercised


@pytest.mark.parametrize("version", VERSIONS)
def test_every_line_carries_its_call_limits_and_settings(version: str) -> None:
    """A line written without them would get AXL's defaults (2 / 1) and lose its settings."""
    body = capture(lambda: client(version).update_route_point("RP_IVR", lines=LINES))
    first, second = body.findall("lines/line")
    assert [(ln.findtext("maxNumCalls"), ln.findtext("busyTrigger")) for ln in (first, second)] == [
        ("5000", "4500"),
        ("2", "1"),
    ]
    assert first.findtext("e164Mask") == "+1408555XXXX"
    assert first.findtext("recordingFlag") == "Automatic Call Recording Enabled"
    assert first.findtext("monitoringCssName") == "CSS_Monitor"
    assert [u.text for u in first.iterfind("associatedEndusers/enduser/userId")] == [
        "jsmith",
        "agent1",
    ]
    assert first.findtext("callInfoDisplay/callerNumber") == "false"
    assert second.find("e164Mask") is None, "a line with no settings sends none"


def test_omitted_fields_are_not_sent_but_none_clears() -> None:
    body = capture(lambda: client("12.5").update_route_point("RP", css=None))
    children = [child.tag for child in body]
    assert children == ["name", "callingSearchSpaceName"]
    nil = body.find("callingSearchSpaceName").get("{http://www.w3.org/2001/XMLSchema-instance}nil")
    assert nil == "true"


@functools.cache
def vendor_client() -> AxlClient:
    return recording_client("12.5", axl_wsdl=CISCO_SCHEMA_ROOT / "12.5" / "AXLAPI.wsdl")


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_request_through_cisco_wsdl(case: str) -> None:
    """The same calls build the same XML when Cisco's full WSDL is configured."""
    vendor = capture(lambda: CASES[case](vendor_client()))
    compact = capture(lambda: CASES[case](client("12.5")))
    assert etree.tostring(vendor, method="c14n") == etree.tostring(compact, method="c14n")


def test_e164_patterns_cross_the_wire_escaped() -> None:
    """CUCM refuses a leading plain `+` in a pattern: every place a DN is sent escapes it."""
    e164 = LineAppearance(1, "+14085557001", "PT_CTI", max_calls=2, busy_trigger=1)
    bodies = [
        capture(lambda: client("12.5").add_line(Line("+14085557001", "PT_CTI"))),
        capture(lambda: client("12.5").get_line("+14085557001", "PT_CTI")),
        capture(lambda: client("12.5").remove_line("+14085557001", None)),
        capture(lambda: client("12.5").add_route_point(RoutePoint("RP", lines=(e164,)))),
        capture(lambda: client("12.5").update_cti_port("P", lines=(e164,))),
    ]
    for body in bodies:
        assert [p.text for p in body.iter("pattern")] == ["\\+14085557001"]
    listed = capture(lambda: client("12.5").list_lines("+1408555%"))
    assert listed.findtext("searchCriteria/pattern") == "_+1408555%"
