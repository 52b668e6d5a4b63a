"""Doctor check 4, permissions: restricted accounts on a simulator that enforces roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.doctor.roles import GUI_PATH
from cucmsim.api import SimServer
from cucmsim.options import SimOptions, SimUser
from tests.integration.commands.conftest import AXL_XSD, WSDL_DIR
from tests.integration.doctor.helpers import doctor_json, findings

SERVICEABILITY_GROUPS = ("Standard CCM Admin Users", "Standard RealtimeAndTraceCollection")
READER = SimUser(
    "axlreader", "reader-pw", ("Standard AXL Read Only API Access", *SERVICEABILITY_GROUPS)
)
AXL_ONLY = SimUser("axlonly", "axlonly-pw", ("Standard AXL API Access",))
NODES = ("cucm-pub", "cucm-sub1", "cucm-sub2")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    options = SimOptions(
        seed="demo", strict=True, axl_xsd=AXL_XSD, wsdl_dir=WSDL_DIR, users=(READER, AXL_ONLY)
    )
    with SimServer(options) as server:
        yield server


def test_full_account_passes_every_api_on_every_node(write_config) -> None:
    code, document = doctor_json(write_config())
    found = findings(document, "permissions")
    assert {f["mark"] for f in found.values()} == {"pass"}, found
    assert "Standard AXL API Access" in found["application user axladmin"]["detail"]
    for node in NODES:
        assert found[f"Control Center on {node}"]["mark"] == "pass"
        assert found[f"PerfMon on {node}"]["mark"] == "pass"
    assert found["RIS"]["mark"] == "pass"
    assert found["AXL write"]["mark"] == "pass"
    assert code == 0


def test_read_only_axl_account_fails_on_writes_naming_role_and_group(write_config) -> None:
    config = write_config(username=READER.userid, password=READER.password)
    code, document = doctor_json(config)
    found = findings(document, "permissions")
    write = found["AXL write"]
    assert write["mark"] == "fail"
    assert "Standard AXL API Access" in write["detail"] and "confirmed" in write["detail"]
    assert "add axlreader to the group Standard AXL API Access" in write["fix"]
    assert GUI_PATH in write["fix"] and "Add App Users to Group" in write["fix"]
    assert found["AXL read"]["mark"] == "pass"
    assert found["RIS"]["mark"] == "pass"  # its Serviceability roles are all there
    assert code == 1


def test_account_without_serviceability_roles_is_refused_per_node(write_config) -> None:
    config = write_config(username=AXL_ONLY.userid, password=AXL_ONLY.password)
    code, document = doctor_json(config)
    found = findings(document, "permissions")
    assert found["AXL write"]["mark"] == "pass"
    for subject in (*(f"{api} on {n}" for api in ("Control Center", "PerfMon") for n in NODES),):
        refused = found[subject]
        assert refused["mark"] == "fail", refused
        assert "HTTP 403" in refused["detail"]
        assert "add axlonly to the group Standard CCM Admin Users" in refused["fix"]
        assert "add axlonly to the group Standard RealtimeAndTraceCollection" in refused["fix"]
    assert found["RIS"]["mark"] == "fail"
    activate = found["Control Center activate / start / stop"]
    assert activate["mark"] == "warn" and "assumed" in activate["detail"]
    assert code == 1


def test_role_given_over_axl_takes_effect_at_once(sim: SimServer, write_config) -> None:
    """The simulator reads roles from its model on every request, as CUCM does."""
    config = write_config(username=AXL_ONLY.userid, password=AXL_ONLY.password)
    with sim.cluster.lock:
        user = sim.cluster.app_users["axlonly"]
        before = list(user.groups)
        user.groups += [*SERVICEABILITY_GROUPS, "Standard SERVICEABILITY"]
    try:
        code, document = doctor_json(config)
        assert code == 0, document
    finally:
        with sim.cluster.lock:
            user.groups = before
    found = findings(document, "permissions")
    assert {f["mark"] for f in found.values()} == {"pass"}, found
