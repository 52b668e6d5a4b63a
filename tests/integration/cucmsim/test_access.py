"""Accounts with restricted roles: the simulator authorizes each API by the caller's roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from cucmsim.api import SimServer
from cucmsim.options import SimOptions, SimUser
from tests.integration.cucmsim.conftest import Axl

READER = SimUser(
    "reader",
    "reader-pw",
    (
        "Standard AXL Read Only API Access",
        "Standard CCM Admin Users",
        "Standard RealtimeAndTraceCollection",
    ),
)
AXL_ONLY = SimUser("axlonly", "axlonly-pw", ("Standard AXL API Access",))
RIS_PATH = "/realtimeservice2/services/RISService70"
RIS_CALL = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:ns="http://schemas.cisco.com/ast/soap"><soapenv:Body><ns:selectCmDevice>'
    "<ns:StateInfo/><ns:CmSelectionCriteria><ns:MaxReturnedDevices>1</ns:MaxReturnedDevices>"
    "<ns:SelectBy>Name</ns:SelectBy></ns:CmSelectionCriteria></ns:selectCmDevice>"
    "</soapenv:Body></soapenv:Envelope>"
)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(SimOptions(seed="demo", users=(READER, AXL_ONLY))) as server:
        yield server


def _axl(sim: SimServer, user: SimUser) -> Axl:
    axl = Axl(sim.base_url, requests.Session())
    axl.session.auth = (user.userid, user.password)
    return axl


def _ris(sim: SimServer, auth: tuple[str, str]) -> int:
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"selectCmDevice"'}
    reply = requests.post(sim.base_url + RIS_PATH, data=RIS_CALL, headers=headers, auth=auth)
    return reply.status_code


def test_read_only_axl_account_reads_but_a_write_is_forbidden(sim: SimServer) -> None:
    axl = _axl(sim, READER)
    assert axl.call("getCCMVersion").status == 200
    refused = axl.call("addLine", "<line><pattern>7999</pattern><usage>Device</usage></line>")
    assert refused.status == 403
    assert ("7999", None) not in {
        (line.pattern, line.partition) for line in sim.cluster.lines.values()
    }


def test_serviceability_needs_its_roles(sim: SimServer) -> None:
    assert _ris(sim, (AXL_ONLY.userid, AXL_ONLY.password)) == 403
    assert _ris(sim, (READER.userid, READER.password)) == 200
    assert _ris(sim, (AXL_ONLY.userid, "wrong")) == 401


def test_a_session_cookie_keeps_its_own_user(sim: SimServer) -> None:
    """A restricted user's JSESSIONIDSSO must not be worth an administrator's rights."""
    axl = _axl(sim, READER)
    assert axl.call("getCCMVersion").status == 200
    axl.session.auth = None  # the cookie alone, as a client does after the first answer
    assert axl.call("getCCMVersion").status == 200
    assert (
        axl.call("addLine", "<line><pattern>7998</pattern><usage>Device</usage></line>").status
        == 403
    )


def test_roles_follow_group_changes_at_once(sim: SimServer) -> None:
    with sim.cluster.lock:
        sim.cluster.app_users["axlonly"].groups += [
            "Standard CCM Admin Users",
            "Standard RealtimeAndTraceCollection",
        ]
    try:
        assert _ris(sim, (AXL_ONLY.userid, AXL_ONLY.password)) == 200
    finally:
        with sim.cluster.lock:
            sim.cluster.app_users["axlonly"].groups = list(AXL_ONLY.groups)
