"""Every AXL operation the bot uses: happy paths, CUCM's faults, list semantics."""

from __future__ import annotations

import itertools

import pytest

from cucmsim.api import SimServer
from cucmsim.model import key

from .conftest import Axl

_ids = itertools.count(100)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def add_line(axl: Axl, pattern: str, partition: str = "PT_CTI") -> str:
    return axl.ok(
        "addLine",
        f"<line><pattern>{pattern}</pattern><usage>Device</usage>"
        f"<routePartitionName>{partition}</routePartitionName></line>",
    ).text


def route_point_xml(name: str, pattern: str, extra: str = "") -> str:
    return (
        f"<ctiRoutePoint><name>{name}</name><product>CTI Route Point</product>"
        "<class>CTI Route Point</class><protocol>SCCP</protocol><protocolSide>User</protocolSide>"
        "<devicePoolName>DP_CTI</devicePoolName><locationName>Hub_None</locationName>"
        f"<useTrustedRelayPoint>Default</useTrustedRelayPoint>{extra}"
        f"<lines><line><index>1</index><dirn><pattern>{pattern}</pattern>"
        "<routePartitionName>PT_CTI</routePartitionName></dirn>"
        "<maxNumCalls>5000</maxNumCalls><busyTrigger>4500</busyTrigger></line></lines>"
        "</ctiRoutePoint>"
    )


def test_get_ccm_version_and_response_shape(axl: Axl) -> None:
    reply = axl.call("getCCMVersion", version="14.0")
    assert reply.status == 200
    assert reply.http.headers["Content-Type"] == "text/xml;charset=UTF-8"
    assert reply.body.tag == "{http://www.cisco.com/AXL/API/14.0}getCCMVersionResponse"
    assert reply.body.prefix == "ns"
    assert reply.returned.findtext("componentVersion/version").startswith("12.5")


def test_list_process_node_includes_enterprise_wide(axl: Axl) -> None:
    returned = axl.ok(
        "listProcessNode",
        "<searchCriteria><name>%</name></searchCriteria>"
        "<returnedTags><name/><nodeUsage/><processNodeRole/></returnedTags>",
    )
    names = [n.findtext("name") for n in returned]
    assert names == ["EnterpriseWideData", "cucm-pub", "cucm-sub1", "cucm-sub2"]
    assert returned[1].findtext("nodeUsage") == "Publisher"
    assert [c.tag for c in returned[1]] == ["name", "nodeUsage", "processNodeRole"]
    assert returned[1].get("uuid").startswith("{")


def test_device_pool_and_cm_group(axl: Axl) -> None:
    pool = axl.ok("getDevicePool", "<name>dp_cti</name>")[0]
    assert pool.findtext("callManagerGroupName") == "CMG_Sub1_Sub2"
    group = axl.ok("getCallManagerGroup", "<name>CMG_Sub1_Sub2</name>")[0]
    members = [
        (m.findtext("callManagerName"), m.findtext("priority")) for m in group.iter("member")
    ]
    assert members == [("cucm-sub1", "1"), ("cucm-sub2", "2")]
    listed = axl.ok(
        "listDevicePool",
        "<searchCriteria><name>DP%</name></searchCriteria><returnedTags><name/></returnedTags>",
    )
    assert [p.findtext("name") for p in listed] == ["DP_CTI"]


def test_line_lifecycle_with_forwards(axl: Axl, sim: SimServer) -> None:
    pattern = unique("71")
    uuid = add_line(axl, pattern)
    assert uuid.startswith("{") and uuid == uuid.upper()
    axl.ok(
        "updateLine",
        f"<pattern>{pattern}</pattern><routePartitionName>PT_CTI</routePartitionName>"
        '<callForwardOnFailure><callingSearchSpaceName xsi:nil="true"/>'
        "<destination>6000</destination></callForwardOnFailure>"
        "<callForwardNoAnswer><callingSearchSpaceName>CSS_Internal</callingSearchSpaceName>"
        "<destination>6001</destination><duration>12</duration></callForwardNoAnswer>",
    )
    line = axl.ok("getLine", f"<uuid>{uuid.lower().strip('{}')}</uuid>")[0]
    assert line.findtext("callForwardOnFailure/destination") == "6000"
    assert not line.findtext("callForwardOnFailure/callingSearchSpaceName")
    assert line.findtext("callForwardNoAnswer/duration") == "12"
    assert line.findtext("callForwardNoAnswer/callingSearchSpaceName") == "CSS_Internal"
    assert line.findtext("routePartitionName") == "PT_CTI"
    listed = axl.ok(
        "listLine",
        f"<searchCriteria><pattern>{pattern[:2]}%</pattern></searchCriteria>"
        "<returnedTags><pattern/></returnedTags>",
    )
    assert pattern in [item.findtext("pattern") for item in listed]
    axl.ok(
        "removeLine", f"<pattern>{pattern}</pattern><routePartitionName>PT_CTI</routePartitionName>"
    )
    with sim.cluster.lock:
        assert (key(pattern), key("PT_CTI")) not in sim.cluster.lines


def test_line_faults(axl: Axl) -> None:
    pattern = unique("72")
    add_line(axl, pattern)
    duplicate = axl.call(
        "addLine",
        f"<line><pattern>{pattern}</pattern><usage>Device</usage>"
        "<routePartitionName>pt_cti</routePartitionName></line>",
    )
    assert duplicate.status == 500
    assert duplicate.faultstring == (
        "Cannot insert or update pattern. A DN exists with the same pattern and partition."
    )
    unknown_partition = axl.call(
        "addLine",
        "<line><pattern>1</pattern><routePartitionName>PT_NOPE</routePartitionName></line>",
    )
    assert unknown_partition.axlcode == 5003
    assert "PT_NOPE" in unknown_partition.faultstring
    missing = axl.call(
        "getLine", "<pattern>99999</pattern><routePartitionName>PT_CTI</routePartitionName>"
    )
    assert missing.axlcode == 5007
    assert missing.faultstring == "Item not valid: The specified Line was not found"
    assert missing.body.findtext("faultcode") == "soapenv:Client"
    assert missing.body.findtext("detail/axlError/request") == "getLine"
    bad_css = axl.call(
        "updateLine",
        f"<pattern>{pattern}</pattern><routePartitionName>PT_CTI</routePartitionName>"
        "<description>changed</description>"
        "<callForwardAll><callingSearchSpaceName>CSS_NOPE</callingSearchSpaceName></callForwardAll>",
    )
    assert bad_css.axlcode == 5003
    line = axl.ok(
        "getLine", f"<pattern>{pattern}</pattern><routePartitionName>PT_CTI</routePartitionName>"
    )
    assert line[0].findtext("description") == "", "a faulted update changes nothing"


def test_route_point_lifecycle(axl: Axl) -> None:
    name, pattern = unique("RP_T"), unique("73")
    add_line(axl, pattern)
    uuid = axl.ok("addCtiRoutePoint", route_point_xml(name, pattern)).text
    rp = axl.ok("getCtiRoutePoint", f"<uuid>{uuid.lower()}</uuid>")[0]
    assert rp.get("uuid") == uuid
    assert rp.findtext("devicePoolName") == "DP_CTI"
    assert rp.find("devicePoolName").get("uuid").startswith("{")
    line = rp.find("lines/line")
    assert line.get("uuid") and line.get("ctiid")
    assert line.findtext("dirn/pattern") == pattern
    assert line.findtext("dirn/routePartitionName") == "PT_CTI"
    assert (line.findtext("maxNumCalls"), line.findtext("busyTrigger")) == ("5000", "4500")
    ctiid = line.get("ctiid")

    axl.ok("updateCtiRoutePoint", f"<name>{name}</name><description>IVR</description>")
    rp = axl.ok("getCtiRoutePoint", f"<name>{name}</name>")[0]
    assert rp.findtext("description") == "IVR"
    assert rp.find("lines/line").get("ctiid") == ctiid, "update without lines keeps them"

    other = unique("74")
    add_line(axl, other)
    axl.ok(
        "updateCtiRoutePoint",
        f"<name>{name}</name><lines><line><index>1</index><dirn><pattern>{other}</pattern>"
        "<routePartitionName>PT_CTI</routePartitionName></dirn></line></lines>",
    )
    rp = axl.ok("getCtiRoutePoint", f"<name>{name}</name>")[0]
    lines = rp.findall("lines/line")
    assert [ln.findtext("dirn/pattern") for ln in lines] == [other], "lines replaces the set"
    assert (lines[0].findtext("maxNumCalls"), lines[0].findtext("busyTrigger")) == ("2", "1")

    listed = axl.ok(
        "listCtiRoutePoint",
        f"<searchCriteria><name>{name}</name></searchCriteria>"
        "<returnedTags><name/><devicePoolName/><lines/></returnedTags>",
    )
    assert [c.tag for c in listed[0]] == ["name", "devicePoolName"], "list has no lines"
    assert axl.ok("applyCtiRoutePoint", f"<name>{name}</name>").text == uuid
    assert axl.ok("resetCtiRoutePoint", f"<uuid>{{{uuid.strip('{}').lower()}}}</uuid>").text == uuid
    line_of_other = axl.ok(
        "getLine", f"<pattern>{other}</pattern><routePartitionName>PT_CTI</routePartitionName>"
    )
    assert [d.text for d in line_of_other[0].iter("device")] == [name]
    axl.ok("removeCtiRoutePoint", f"<name>{name}</name>")
    assert axl.call("getCtiRoutePoint", f"<name>{name}</name>").faultstring == (
        "Item not valid: The specified CTI Route Point was not found"
    )


def test_route_point_faults(axl: Axl) -> None:
    name, pattern = unique("RP_F"), unique("75")
    add_line(axl, pattern)
    axl.ok("addCtiRoutePoint", route_point_xml(name, pattern))
    duplicate = axl.call("addCtiRoutePoint", route_point_xml(name.lower(), pattern))
    assert duplicate.axlcode == -239
    assert duplicate.faultstring == (
        "Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique Index:)."
    )
    bad_pool = axl.call(
        "addCtiRoutePoint", route_point_xml(unique("RP_X"), pattern).replace("DP_CTI", "DP_NOPE")
    )
    assert (bad_pool.axlcode, "DP_NOPE" in bad_pool.faultstring) == (5003, True)
    bad_line = axl.call("addCtiRoutePoint", route_point_xml(unique("RP_X"), "99999"))
    assert bad_line.axlcode == 5003 and "Line" in bad_line.faultstring
    for op in ("updateCtiRoutePoint", "removeCtiRoutePoint", "applyCtiRoutePoint"):
        assert axl.call(op, "<name>RP_NOPE</name>").axlcode == 5007


LINE_SETTINGS_XML = (
    "<ringSetting>Flash Only</ringSetting><e164Mask>+1408555XXXX</e164Mask>"
    "<callInfoDisplay><callerNumber>true</callerNumber></callInfoDisplay>"
    "<monitoringCssName>CSS_Internal</monitoringCssName>"
    "<recordingFlag>Automatic Call Recording Enabled</recordingFlag>"
    "<associatedEndusers><enduser><userId>jsmith</userId></enduser></associatedEndusers>"
)


def _rp_line(axl: Axl, name: str) -> dict[str, object]:
    line = axl.ok("getCtiRoutePoint", f"<name>{name}</name>")[0].find("lines/line")
    return {
        "ringSetting": line.findtext("ringSetting"),
        "e164Mask": line.findtext("e164Mask"),
        "callerNumber": line.findtext("callInfoDisplay/callerNumber"),
        "monitoringCssName": line.findtext("monitoringCssName"),
        "recordingFlag": line.findtext("recordingFlag"),
        "endusers": [u.text for u in line.iterfind("associatedEndusers/enduser/userId")],
        "calls": (line.findtext("maxNumCalls"), line.findtext("busyTrigger")),
    }


def test_replaced_line_list_keeps_only_what_the_request_gave(axl: Axl) -> None:
    """CUCM's behaviour the product must live with: unsent per-line settings go back to default."""
    name, pattern = unique("RP_S"), unique("78")
    add_line(axl, pattern)
    xml = route_point_xml(name, pattern).replace(
        "<maxNumCalls>", LINE_SETTINGS_XML + "<maxNumCalls>"
    )
    axl.ok("addCtiRoutePoint", xml)
    assert _rp_line(axl, name) == {
        "ringSetting": "Flash Only",
        "e164Mask": "+1408555XXXX",
        "callerNumber": "true",
        "monitoringCssName": "CSS_Internal",
        "recordingFlag": "Automatic Call Recording Enabled",
        "endusers": ["jsmith"],
        "calls": ("5000", "4500"),
    }
    axl.ok("updateCtiRoutePoint", f"<name>{name}</name><description>kept</description>")
    assert _rp_line(axl, name)["e164Mask"] == "+1408555XXXX", "no lines sent: nothing changes"

    axl.ok(
        "updateCtiRoutePoint",
        f"<name>{name}</name><lines><line><index>1</index><dirn><pattern>{pattern}</pattern>"
        "<routePartitionName>PT_CTI</routePartitionName></dirn>"
        "<maxNumCalls>5000</maxNumCalls><busyTrigger>4500</busyTrigger></line></lines>",
    )
    assert _rp_line(axl, name) == {
        "ringSetting": "Ring",
        "e164Mask": "",
        "callerNumber": "false",
        "monitoringCssName": "",
        "recordingFlag": "Call Recording Disabled",
        "endusers": [],
        "calls": ("5000", "4500"),
    }


def test_line_settings_and_call_limits_are_checked(axl: Axl) -> None:
    name, pattern = unique("RP_L"), unique("79")
    add_line(axl, pattern)

    def refused(xml: str) -> str:
        reply = axl.call("addCtiRoutePoint", xml)
        assert reply.axlcode == 5003, reply.status
        return reply.faultstring

    base = route_point_xml(name, pattern)
    assert "CSS_NOPE" in refused(
        base.replace(
            "<maxNumCalls>", "<monitoringCssName>CSS_NOPE</monitoringCssName><maxNumCalls>"
        )
    )
    assert "nobody" in refused(
        base.replace(
            "<maxNumCalls>",
            "<associatedEndusers><enduser><userId>nobody</userId></enduser></associatedEndusers>"
            "<maxNumCalls>",
        )
    )
    assert "recordingFlag" in refused(
        base.replace("<maxNumCalls>", "<recordingFlag>Always</recordingFlag><maxNumCalls>")
    )
    assert "between 1 and 10000" in refused(base.replace("5000", "10001"))
    axl.ok("addCtiRoutePoint", base.replace("5000", "10000"))

    port, port_dn = unique("CTIP"), unique("79")
    add_line(axl, port_dn)
    phone = (
        f"<phone><name>{port}</name><product>CTI Port</product><class>Phone</class>"
        "<protocol>SCCP</protocol><protocolSide>User</protocolSide>"
        "<devicePoolName>DP_CTI</devicePoolName>"
        "<commonPhoneConfigName>Standard Common Phone Profile</commonPhoneConfigName>"
        "<locationName>Hub_None</locationName><lines><line><index>1</index><dirn>"
        f"<pattern>{port_dn}</pattern><routePartitionName>PT_CTI</routePartitionName></dirn>"
        "<maxNumCalls>{calls}</maxNumCalls><busyTrigger>1</busyTrigger></line></lines></phone>"
    )
    too_many = axl.call("addPhone", phone.replace("{calls}", "201"))
    assert (too_many.axlcode, "between 1 and 200" in too_many.faultstring) == (5003, True)
    axl.ok("addPhone", phone.replace("{calls}", "200"))


def test_cti_port_with_line_deltas(axl: Axl) -> None:
    name, first, second = unique("CTIP"), unique("76"), unique("77")
    add_line(axl, first)
    add_line(axl, second)
    axl.ok(
        "addPhone",
        f"<phone><name>{name}</name><product>CTI Port</product><class>Phone</class>"
        "<protocol>SCCP</protocol><protocolSide>User</protocolSide>"
        "<devicePoolName>DP_CTI</devicePoolName>"
        "<commonPhoneConfigName>Standard Common Phone Profile</commonPhoneConfigName>"
        '<locationName>Hub_None</locationName><phoneTemplateName xsi:nil="true"/>'
        f'<primaryPhoneName xsi:nil="true"/><lines><line><index>1</index><dirn>'
        f"<pattern>{first}</pattern><routePartitionName>PT_CTI</routePartitionName></dirn>"
        "</line></lines></phone>",
    )
    axl.ok(
        "updatePhone",
        f"<name>{name}</name><removeLines><line><index>1</index><dirn><pattern>{first}</pattern>"
        "<routePartitionName>PT_CTI</routePartitionName></dirn></line></removeLines>"
        f"<addLines><line><index>1</index><dirn><pattern>{second}</pattern>"
        "<routePartitionName>PT_CTI</routePartitionName></dirn></line></addLines>",
    )
    phone = axl.ok("getPhone", f"<name>{name}</name>")[0]
    assert phone.findtext("product") == "CTI Port"
    assert [p.text for p in phone.iterfind("lines/line/dirn/pattern")] == [second]
    listed = axl.ok(
        "listPhone",
        "<searchCriteria><name>CTIP%</name></searchCriteria><returnedTags><name/></returnedTags>",
    )
    assert name in [p.findtext("name") for p in listed]
    assert axl.call("getPhone", "<name>RP_MAIN</name>").axlcode == 5007
    axl.ok("removePhone", f"<name>{name}</name>")


def test_app_user_devices_and_groups_replace(axl: Axl, sim: SimServer) -> None:
    userid = unique("app")
    axl.ok(
        "addAppUser",
        f"<appUser><userid>{userid}</userid><password>x</password>"
        "<associatedDevices><device>RP_MAIN</device></associatedDevices></appUser>",
    )
    assert axl.call("addAppUser", f"<appUser><userid>{userid}</userid></appUser>").axlcode == -239
    name, pattern = unique("RP_U"), unique("78")
    add_line(axl, pattern)
    axl.ok("addCtiRoutePoint", route_point_xml(name, pattern))
    axl.ok(
        "updateAppUser",
        f"<userid>{userid}</userid><associatedDevices><device>{name}</device></associatedDevices>"
        "<associatedGroups><userGroup><name>Standard CTI Enabled</name></userGroup>"
        "</associatedGroups>",
    )
    user = axl.ok("getAppUser", f"<userid>{userid}</userid>")[0]
    assert [d.text for d in user.iterfind("associatedDevices/device")] == [name]
    assert [g.text for g in user.iterfind("associatedGroups/userGroup/name")] == [
        "Standard CTI Enabled"
    ]
    assert user.findtext("associatedGroups/userGroup/userRoles/userRole") == "Standard CTI Enabled"
    bad = axl.call(
        "updateAppUser",
        f"<userid>{userid}</userid><associatedDevices><device>NOPE</device></associatedDevices>",
    )
    assert bad.axlcode == 5003
    with sim.cluster.lock:
        assert sim.cluster.app_users[key(userid)].associated_devices == [name]
    tags = axl.ok(
        "getAppUser", f"<userid>{userid}</userid><returnedTags><associatedDevices/></returnedTags>"
    )[0]
    assert [c.tag for c in tags] == ["associatedDevices"]
    listed = axl.ok(
        "listAppUser",
        "<searchCriteria><userid>ctiapp%</userid></searchCriteria>"
        "<returnedTags><userid/></returnedTags><skip>1</skip><first>1</first>",
    )
    assert [u.findtext("userid") for u in listed] == ["ctiapp_rec"]
    assert axl.call("getAppUser", "<userid>nobody</userid>").faultstring == (
        "Item not valid: The specified Application User was not found"
    )


def test_end_user_update(axl: Axl) -> None:
    axl.ok(
        "updateUser",
        "<userid>jsmith</userid><associatedDevices><device>RP_MAIN</device></associatedDevices>"
        "<primaryExtension><pattern>7000</pattern><routePartitionName>PT_CTI</routePartitionName>"
        "</primaryExtension>",
    )
    user = axl.ok("getUser", "<userid>JSMITH</userid>")[0]
    assert user.findtext("userid") == "jsmith"
    assert user.findtext("associatedDevices/device") == "RP_MAIN"
    assert user.findtext("primaryExtension/pattern") == "7000"
    listed = axl.ok(
        "listUser",
        "<searchCriteria><lastName>Sm%</lastName></searchCriteria><returnedTags><userid/></returnedTags>",
    )
    assert [u.findtext("userid") for u in listed] == ["jsmith"]
    assert axl.call("getUser", "<userid>ghost</userid>").axlcode == 5007


def test_user_group_members_resolve_both_user_kinds(axl: Axl, sim: SimServer) -> None:
    group = "Standard CTI Allow Call Monitoring"
    axl.ok(
        "updateUserGroup",
        f"<name>{group}</name><addMembers><member><userId>ctiapp_rec</userId></member>"
        "<member><userId>agent1</userId></member></addMembers>",
    )
    got = axl.ok("getUserGroup", f"<name>{group}</name>")[0]
    assert sorted(m.text for m in got.iterfind("members/member/userId")) == ["agent1", "ctiapp_rec"]
    with sim.cluster.lock:
        assert group in sim.cluster.app_users["ctiapp_rec"].groups
    axl.ok(
        "updateUserGroup",
        f"<name>{group}</name><removeMembers><member><userId>agent1</userId></member></removeMembers>",
    )
    got = axl.ok("getUserGroup", f"<name>{group}</name>")[0]
    assert [m.text for m in got.iterfind("members/member/userId")] == ["ctiapp_rec"]
    axl.ok("updateUserGroup", f"<name>{group}</name><members/>")
    assert axl.ok("getUserGroup", f"<name>{group}</name>")[0].find("members/member") is None
    unknown = axl.call(
        "updateUserGroup",
        f"<name>{group}</name><addMembers><member><userId>ghost</userId></member></addMembers>",
    )
    assert unknown.axlcode == 5003
    listed = axl.ok(
        "listUserGroup",
        "<searchCriteria><name>Standard CTI%</name></searchCriteria>"
        "<returnedTags><name/></returnedTags>",
    )
    assert len(listed) == 10


def test_service_parameters(axl: Axl) -> None:
    listed = axl.ok(
        "listServiceParameter",
        "<searchCriteria><processNodeName>cucm-sub1</processNodeName>"
        "<service>Cisco CTIManager</service></searchCriteria>"
        "<returnedTags><name/><value/><valueType/></returnedTags>",
    )
    values = {p.findtext("name"): p.findtext("value") for p in listed}
    assert values["CtiMaxDevicesPerProvider"] == "2000"
    assert "Maximum Devices Per Provider" not in values
    identity = (
        "<processNodeName>cucm-sub1</processNodeName><name>CtiMaxDevicesPerNode</name>"
        "<service>Cisco CTIManager</service>"
    )
    axl.ok("updateServiceParameter", identity + "<value>900</value>")
    param = axl.ok("getServiceParameter", identity)[0]
    assert (param.findtext("value"), param.findtext("valueType")) == ("900", "long")
    assert param.find("processNodeName").get("uuid")
    other_node = identity.replace("cucm-sub1", "cucm-sub2")
    assert axl.ok("getServiceParameter", other_node)[0].findtext("value") == "800"
    missing = axl.call("getServiceParameter", identity.replace("PerNode", "PerMoon"))
    assert missing.axlcode == 5007


@pytest.mark.parametrize(
    ("name", "value", "problem", "accepted"),
    [
        ("CtiMaxDevicesPerNode", "lots", "is not a whole number", "-5"),
        ("CtiMaxDevicesPerNode", "2147483648", "is outside -2147483648 to 2147483647", "99999"),
        ("CtiSecureConnectionEnabled", "yes", "is not T or F", "T"),
    ],
)
def test_service_parameter_value_of_the_wrong_type_is_refused(
    axl: Axl, name: str, value: str, problem: str, accepted: str
) -> None:
    """No range is checked (AXL has none), but the value must be of the parameter's type."""
    identity = (
        f"<processNodeName>cucm-sub2</processNodeName><name>{name}</name>"
        "<service>Cisco CTIManager</service>"
    )
    before = axl.ok("getServiceParameter", identity)[0].findtext("value")
    refused = axl.call("updateServiceParameter", identity + f"<value>{value}</value>")
    assert refused.status == 500 and refused.axlcode == 5003
    assert problem in refused.faultstring
    assert axl.ok("getServiceParameter", identity)[0].findtext("value") == before
    axl.ok("updateServiceParameter", identity + f"<value>{accepted}</value>")
    assert axl.ok("getServiceParameter", identity)[0].findtext("value") == accepted
    axl.ok("updateServiceParameter", identity + f"<value>{before}</value>")


def test_list_requires_returned_tags(axl: Axl) -> None:
    reply = axl.call("listLine", "<searchCriteria><pattern>%</pattern></searchCriteria>")
    assert reply.status == 500 and reply.axlcode == 5003


def test_e164_pattern_needs_the_escaped_plus(axl: Axl, sim: SimServer) -> None:
    number = f"1408555{next(_ids):04d}"
    plain = axl.call("addLine", f"<line><pattern>+{number}</pattern><usage>Device</usage></line>")
    assert plain.axlcode == 5003
    assert "leading + must be written \\+" in plain.faultstring
    with sim.cluster.lock:
        assert (key(f"+{number}"), "") not in sim.cluster.lines
    axl.ok("addLine", f"<line><pattern>\\+{number}</pattern><usage>Device</usage></line>")
    line = axl.ok("getLine", f"<pattern>\\+{number}</pattern>")[0]
    assert line.findtext("pattern") == f"\\+{number}"
    assert axl.call("getLine", f"<pattern>+{number}</pattern>").axlcode == 5007
    renamed = axl.call(
        "updateLine", f"<pattern>\\+{number}</pattern><newPattern>+{number}</newPattern>"
    )
    assert renamed.axlcode == 5003
    letters = axl.call("addLine", "<line><pattern>70A1</pattern><usage>Device</usage></line>")
    assert letters.axlcode == 5003 and "not allowed" in letters.faultstring


def test_route_point_pattern_wildcards_are_accepted(axl: Axl) -> None:
    pattern = f"\\+1408[2-5]X{next(_ids)}!"
    axl.ok("addLine", f"<line><pattern>{pattern}</pattern><usage>Device</usage></line>")
    assert axl.ok("getLine", f"<pattern>{pattern}</pattern>")[0].findtext("pattern") == pattern


def test_internal_no_answer_forward_and_its_css(axl: Axl) -> None:
    pattern = unique("73")
    add_line(axl, pattern)
    key_xml = f"<pattern>{pattern}</pattern><routePartitionName>PT_CTI</routePartitionName>"
    axl.ok(
        "updateLine",
        key_xml + "<callForwardNoAnswerInt><callingSearchSpaceName>CSS_Internal"
        "</callingSearchSpaceName><destination>6000</destination></callForwardNoAnswerInt>",
    )
    line = axl.ok("getLine", key_xml)[0]
    assert line.findtext("callForwardNoAnswerInt/destination") == "6000"
    assert line.findtext("callForwardNoAnswerInt/callingSearchSpaceName") == "CSS_Internal"
    assert not line.findtext("callForwardNoAnswer/destination")
    bad = axl.call(
        "updateLine",
        key_xml + "<callForwardNoAnswerInt><callingSearchSpaceName>CSS_NOPE"
        "</callingSearchSpaceName><destination>6001</destination></callForwardNoAnswerInt>",
    )
    assert bad.axlcode == 5003 and "CSS_NOPE" in bad.faultstring
    assert axl.ok("getLine", key_xml)[0].findtext("callForwardNoAnswerInt/destination") == "6000"


def test_get_and_list_css(axl: Axl) -> None:
    css = axl.ok("getCss", "<name>css_internal</name>")[0]
    assert (css.findtext("name"), css.findtext("clause")) == ("CSS_Internal", "PT_Internal:PT_CTI")
    assert axl.call("getCss", "<name>CSS_NOPE</name>").axlcode == 5007
    listed = axl.ok(
        "listCss",
        "<searchCriteria><name>CSS%</name></searchCriteria><returnedTags><name/></returnedTags>",
    )
    assert [c.findtext("name") for c in listed] == ["CSS_Internal"]
