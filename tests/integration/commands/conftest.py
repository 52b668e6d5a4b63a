"""Shared fixtures for the workflow tests: a strict simulator, a real client, a real change log.

Everything goes over real HTTP to `cucmsim` in strict mode, so a request our
service layer builds wrongly fails here the way CUCM would refuse it. The
simulator is module-scoped and stateful: each test uses its own object names
(or restores what it changes). Client timeouts and retries are short so fault
injection (`timeout_after`, `http503` beyond retries) stays fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import CucmCluster, SingleCluster
from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.retry import RetryPolicy
from bot.demo.sim_cluster import sim_endpoint
from commands.engine.apply import apply_plan
from commands.engine.args import ParsedArgs, bind
from commands.engine.base import Actor, Plan, Reply, Role
from commands.engine.command import Command
from commands.engine.context import Context
from commands.engine.registry import Registry
from commands.kinds.catalog import KINDS
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

ROOT = Path(__file__).resolve().parents[3]
WSDL_DIR = ROOT / "bot" / "cucm" / "wsdl"
AXL_XSD = WSDL_DIR / "axl" / "AXLSoap.xsd"

# A read timeout well under the injected `timeout_after` delay, so a write
# that got no answer surfaces as OutcomeUnknown in a fraction of a second.
READ_TIMEOUT_S = 0.3
FAULT_DELAY_S = 0.6
FAST_RETRIES = RetryPolicy(
    max_attempts=2,
    throttle_max_attempts=2,
    max_total_s=2.0,
    base_wait_s=0.01,
    throttle_wait_s=0.01,
    max_wait_s=0.02,
    jitter=False,
)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    options = SimOptions(
        seed="demo",
        strict=True,
        axl_xsd=AXL_XSD,
        wsdl_dir=WSDL_DIR,
        service_transition_s=0.05,
        ris_rate_per_minute=1000,
        perfmon_rate_per_minute=1000,
    )
    with SimServer(options) as server:
        yield server


def _endpoint(sim: SimServer) -> ClusterEndpoint:
    return replace(
        sim_endpoint(sim), verify_tls=False, connect_timeout=1.0, read_timeout=READ_TIMEOUT_S
    )


@pytest.fixture(scope="module")
def cucm(sim: SimServer) -> Iterator[CucmCluster]:
    with CucmCluster(_endpoint(sim), retry=FAST_RETRIES) as cluster:
        yield cluster


@pytest.fixture
def cold_cluster(sim: SimServer) -> Iterator[SingleCluster]:
    """A client of this test's own, its reference-data cache empty.

    The module's client keeps device pools and CSSs it has read (bot/cucm/axl.py), so a
    test that counts AXL reads would count one fewer after any test that read the same.
    """
    with CucmCluster(_endpoint(sim), retry=FAST_RETRIES) as cluster:
        yield SingleCluster(cluster)


@pytest.fixture(scope="session")
def _migrated_changelog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database per session; each test gets a copy (Alembic costs ~0.2 s a run)."""
    path = tmp_path_factory.mktemp("changelog") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def changelog(tmp_path: Path, _migrated_changelog: Path) -> ChangeLog:
    path = tmp_path / "changelog.db"
    shutil.copyfile(_migrated_changelog, path)
    return ChangeLog(make_engine(f"sqlite:///{path}"))


@pytest.fixture
def make_ctx(cucm: CucmCluster, changelog: ChangeLog) -> Callable[..., Context]:
    def make(
        role: Role = Role.ADMIN, user_id: str = "UADMIN", cluster: str = "lab", **extra: Any
    ) -> Context:
        return Context(
            actor=Actor(user_id=user_id, name=user_id.lower(), channel_id="CTEST"),
            role=role,
            cluster_name=cluster,
            clusters=extra.pop("clusters", None) or SingleCluster(cucm),
            changelog=changelog,
            registry=Registry(),
            kinds=KINDS,
            command_text=extra.pop("command_text", "/cti test"),
            **extra,
        )

    return make


def bind_args(command: Command, **args: Any) -> dict[str, Any]:
    """Bind keyword arguments the way the runner binds typed text.

    Positionals go in spec order; `key_name=` matches the option `key-name`
    (the parser normalises dashes); True is a flag. Lists fill a multiple
    positional.
    """
    parsed = ParsedArgs()
    by_key = {p.name.replace("-", "_"): p for p in command.spec.params}
    for name, value in args.items():
        param = by_key.get(name) or by_key.get(name.replace("-", "_"))
        if param is None:
            parsed.options[name.replace("_", "-")] = str(value)
            continue
        if param.positional:
            continue
        if param.flag:
            if value:
                parsed.flags.add(param.name.replace("-", "_"))
            continue
        if value is not None:
            parsed.options[param.name.replace("-", "_")] = str(value)
    for param in command.spec.params:
        if not param.positional:
            continue
        value = args.get(param.name.replace("-", "_"), args.get(param.name))
        if value is None:
            break
        if isinstance(value, list | tuple):
            parsed.positionals.extend(str(v) for v in value)
        else:
            parsed.positionals.append(str(value))
    return bind(command.spec, parsed)


def plan_only(ctx: Context, command: Command, **args: Any) -> Reply | Plan:
    return command.execute(ctx, bind_args(command, **args))


def plan_and_apply(ctx: Context, command: Command, **args: Any) -> Reply:
    """execute, then apply_plan when a Plan comes back (an empty plan is a 'no change' reply)."""
    outcome = command.execute(ctx, bind_args(command, **args))
    if isinstance(outcome, Reply):
        return outcome
    if outcome.no_change:
        return Reply(title=f"No change: {outcome.title}", status="info", lines=list(outcome.notes))
    return apply_plan(ctx, outcome)


@pytest.fixture(name="plan_and_apply")
def plan_and_apply_fixture() -> Callable[..., Reply]:
    return plan_and_apply


@pytest.fixture(name="plan_only")
def plan_only_fixture() -> Callable[..., Reply | Plan]:
    return plan_only


@pytest.fixture
def axl_writes(sim: SimServer) -> Callable[[], dict[str, int]]:
    """AXL write operations counted since the fixture was taken (add/update/remove/apply...)."""
    sim.reset_counters()

    def writes() -> dict[str, int]:
        counted = sim.counters().get("axl", {})
        return {
            op: n
            for op, n in counted.items()
            if op.startswith(("add", "update", "remove", "apply", "reset", "restart", "do"))
        }

    return writes
