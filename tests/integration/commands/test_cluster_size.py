"""Workflows on a production-sized cluster (the `large` seed): no read grows with it.

The simulator's answer limit is scaled down with the cluster (200 kB for 23,000 devices,
as 8 MB is for a cluster ten times its size), so a list of every phone is refused here as
CUCM would refuse it there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from bot.cucm.cluster import CucmCluster
from commands.engine.base import Plan, Role, UsageError
from commands.workflows.associate import ASSOCIATE
from commands.workflows.ports import CreatePortsCommand
from commands.workflows.routepoints import RemoveRoutePointCommand
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.integration.commands.conftest import (
    AXL_XSD,
    FAST_RETRIES,
    WSDL_DIR,
    _endpoint,
    bind_args,
)

REMOVE = RemoveRoutePointCommand()


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    options = SimOptions(
        seed="large",
        strict=True,
        axl_xsd=AXL_XSD,
        wsdl_dir=WSDL_DIR,
        service_transition_s=0.05,
        ris_rate_per_minute=10_000,
        perfmon_rate_per_minute=10_000,
        axl_max_response_bytes=200_000,
    )
    with SimServer(options) as server:
        yield server


@pytest.fixture(scope="module")
def cucm(sim: SimServer) -> Iterator[CucmCluster]:
    """A read timeout for a loaded machine: a timed-out read is retried, and counted twice."""
    endpoint = dataclasses.replace(_endpoint(sim), read_timeout=30.0)
    with CucmCluster(endpoint, retry=FAST_RETRIES) as cluster:
        yield cluster


def _plan(ctx: Any, command: Any, **args: Any) -> Plan:
    outcome = command.execute(ctx, bind_args(command, **args))
    assert isinstance(outcome, Plan)
    return outcome


def axl_reads(sim: SimServer) -> dict[str, int]:
    return dict(sim.counters().get("axl", {}))


def test_an_unknown_device_is_refused_with_suggestions_from_bounded_reads(
    sim: SimServer, make_ctx: Any
) -> None:
    sim.reset_counters()
    with pytest.raises(UsageError) as refused:
        _plan(make_ctx(role=Role.OPERATOR), ASSOCIATE, user="ctiapp_rec", devices=["LGP9999"])
    message = str(refused.value)
    assert "No CTI route point, CTI port or phone named LGP9999" in message
    assert "LGP0001" in message  # a sibling of the name typed
    reads = axl_reads(sim)
    assert reads.get("listPhone", 0) == 1 and reads.get("listCtiRoutePoint", 0) == 1


def test_remove_routepoint_finds_its_controlling_user_without_reading_every_user(
    sim: SimServer, make_ctx: Any
) -> None:
    sim.reset_counters()
    plan = _plan(make_ctx(), REMOVE, name="LGRP0007")
    reads = axl_reads(sim)
    assert [s.operation for s in plan.steps][:2] == ["updateAppUser", "removeCtiRoutePoint"]
    assert any("ctiapp_l002 controls LGRP0007" in w for w in plan.warnings)
    assert reads.get("executeSQLQuery") == 1
    assert reads.get("getAppUser") == 1  # the one controlling user, of 100+
    assert "listAppUser" not in reads


def test_create_ports_plans_a_range_with_one_list_per_kind(sim: SimServer, make_ctx: Any) -> None:
    sim.reset_counters()
    plan = _plan(
        make_ctx(role=Role.OPERATOR),
        CreatePortsCommand(),
        names="LGQ{001..300}",
        dns="8001-8300",
        partition="PT_CTI",
        device_pool="DP_CTI",
    )
    assert len(plan.steps) == 600
    reads = axl_reads(sim)
    assert reads.get("listPhone") == 1 and reads.get("listLine") == 1
    assert sum(reads.values()) <= 4
