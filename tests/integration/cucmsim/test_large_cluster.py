"""The `large` seed and CUCM's answer limits, on the wire.

CUCM refuses a list (or SQL) answer over 8 MB with "Query request too large", naming a
row count that would fit; RIS hands back at most 1000 CTI items per call with a StateInfo
to continue. The simulator must be at least that strict, or a client that never pages
passes every test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from lxml import etree

from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from cucmsim.seed import BIG_PROVIDER, LARGE, build_cluster

from .conftest import Axl

RIS_NS = "http://schemas.cisco.com/ast/soap"
RIS_PATH = "/realtimeservice2/services/RISService70"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(SimOptions(seed="large", ris_rate_per_minute=10_000)) as server:
        yield server


@pytest.fixture
def axl(sim: SimServer) -> Iterator[Axl]:
    yield Axl(sim.base_url)
    sim.options.axl_max_response_bytes = SimOptions().axl_max_response_bytes


def test_large_seed_has_production_sizes_and_builds_fast() -> None:
    started = time.perf_counter()
    cluster = build_cluster(SimOptions(seed="large"))
    elapsed = time.perf_counter() - started
    phones = [d for d in cluster.devices.values() if d.product == "Cisco 8841"]
    cti = [d for d in cluster.devices.values() if d.product in ("CTI Port", "CTI Route Point")]
    assert len(phones) == LARGE.phones == 20_000
    assert len(cti) >= 3_000
    assert len(cluster.users) >= LARGE.end_users == 5_000
    assert "rp_main" in cluster.devices and "ctiapp_ivr" in cluster.app_users  # the demo lab
    assert elapsed < 3.0


def list_phones(axl: Axl, like: str, paging: str = "") -> requests.Response:
    return axl.call(
        "listPhone",
        f"<searchCriteria><name>{like}</name></searchCriteria>"
        f"<returnedTags><name/><product/></returnedTags>{paging}",
    ).http


def test_a_list_over_the_limit_is_refused_with_a_page_size_that_fits(
    sim: SimServer, axl: Axl
) -> None:
    sim.options.axl_max_response_bytes = 500_000
    reply = axl.call(
        "listPhone",
        "<searchCriteria><name>%</name></searchCriteria>"
        "<returnedTags><name/><product/></returnedTags>",
    )
    assert reply.status == 500
    assert reply.axlcode == -1
    text = reply.faultstring
    phones = LARGE.phones + LARGE.big_provider_ports  # route points are not phones
    assert text.startswith(f"Query request too large. Total rows matched: {phones} rows.")
    fits = int(text.rsplit("less than ", 1)[1].split()[0])
    assert 1000 < fits < phones
    page = axl.ok(
        "listPhone",
        "<searchCriteria><name>%</name></searchCriteria>"
        f"<returnedTags><name/><product/></returnedTags><skip>0</skip><first>{fits - 1}</first>",
    )
    assert len(page) == fits - 1


def test_skip_and_first_walk_the_whole_table_once(axl: Axl) -> None:
    seen: list[str] = []
    while True:
        page = axl.ok(
            "listPhone",
            "<searchCriteria><name>LGP%</name></searchCriteria><returnedTags><name/></returnedTags>"
            f"<skip>{len(seen)}</skip><first>1000</first>",
        )
        seen += [p.findtext("name") for p in page]
        if len(page) < 1000:
            break
    assert len(seen) == len(set(seen)) == LARGE.big_provider_ports


def sql(axl: Axl, statement: str) -> etree._Element:
    return axl.ok("executeSQLQuery", f"<sql>{statement}</sql>")


def test_sql_finds_the_application_users_of_a_device(axl: Axl) -> None:
    statement = (
        "select distinct au.name from applicationuser au, applicationuserdevicemap aud, "
        "device d where aud.fkapplicationuser = au.pkid and aud.fkdevice = d.pkid "
        "and lower(d.name) in ({}) order by au.name"
    )
    rows = sql(axl, statement.format("'rp_main'"))
    assert [r.findtext("name") for r in rows] == ["ctiapp_ivr"]
    rows = sql(axl, statement.format("'lgp0001', 'lgp0002', 'lgrp0001', 'rp_main'"))
    assert [r.findtext("name") for r in rows] == [BIG_PROVIDER, "ctiapp_ivr", "ctiapp_l001"]
    assert len(sql(axl, statement.format("'nosuchdevice'"))) == 0


def test_sql_the_simulator_does_not_know_is_a_syntax_error(axl: Axl) -> None:
    reply = axl.call("executeSQLQuery", "<sql>delete from device</sql>")
    assert reply.status == 500
    assert reply.axlcode == -201
    assert reply.faultstring == "A syntax error has occurred."


def select_cti_item(sim: SimServer, state: str) -> etree._Element:
    inner = (
        f"<ns0:StateInfo>{state}</ns0:StateInfo><ns0:CtiSelectionCriteria>"
        "<ns0:MaxReturnedItems>5000</ns0:MaxReturnedItems><ns0:CtiMgrClass>Device</ns0:CtiMgrClass>"
        '<ns0:Status>Open</ns0:Status><ns0:NodeName xsi:nil="true"/>'
        f"<ns0:SelectAppBy>UserId</ns0:SelectAppBy><ns0:AppItems><ns0:item>"
        f"<ns0:AppItem>{BIG_PROVIDER}</ns0:AppItem></ns0:item></ns0:AppItems>"
        '<ns0:DevNames xsi:nil="true"/><ns0:DirNumbers xsi:nil="true"/>'
        "</ns0:CtiSelectionCriteria>"
    )
    payload = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<soapenv:Body><ns0:selectCtiItem xmlns:ns0="{RIS_NS}">{inner}</ns0:selectCtiItem>'
        "</soapenv:Body></soapenv:Envelope>"
    )
    response = requests.post(
        sim.base_url + RIS_PATH,
        data=payload.encode(),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"selectCtiItem"'},
        auth=(sim.options.username, sim.options.password),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return etree.fromstring(response.content)


def test_ris_answers_at_most_1000_items_and_a_state_info_to_continue(sim: SimServer) -> None:
    names: list[str] = []
    state = ""
    calls = 0
    while True:
        root = select_cti_item(sim, state)
        calls += 1
        total = int(next(root.iter(f"{{{RIS_NS}}}TotalItemsFound")).text)
        page = [e.text for e in root.iter(f"{{{RIS_NS}}}DeviceName")]
        assert len(page) <= 1000 and total == LARGE.big_provider_ports
        names += page
        state = next(root.iter(f"{{{RIS_NS}}}StateInfo")).text or ""
        if not state:
            break
    assert calls == 3
    assert len(names) == len(set(names)) == LARGE.big_provider_ports
