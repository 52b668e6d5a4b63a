"""Test doubles of a workflow and of the cluster directory (not of our service layer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from commands.engine.base import Arguments, CommandSpec, Param, Plan, Reply, Role, Step
from commands.engine.context import Context


@dataclass
class FakeAxl:
    version: str = "14.0.1.13900-155"
    fail: bool = False

    def get_version(self) -> str:
        if self.fail:
            raise ConnectionError("connection refused")
        return self.version


@dataclass
class FakeCluster:
    axl: FakeAxl = field(default_factory=FakeAxl)


class FakeClusters:
    default_name = "lab"

    def __init__(self) -> None:
        self.clusters = {"lab": FakeCluster(), "prod": FakeCluster(FakeAxl(fail=True))}

    def names(self) -> list[str]:
        return list(self.clusters)

    def get(self, name: str) -> Any:
        return self.clusters[name]


class SetParam:
    """Sets key=value in an in-memory 'CUCM'; risky so it always asks to confirm."""

    def __init__(self, store: dict[str, str], *, risky: bool = True) -> None:
        self.store = store
        self.executed = 0
        self.spec = CommandSpec(
            name="params set",
            summary="Set a parameter",
            role=Role.OPERATOR,
            params=(
                Param("param", "name", positional=True, required=True),
                Param("value", "value", positional=True, required=True),
            ),
            examples=("/cti params set MaxDevices 2000",),
            writes=True,
            risky=risky,
        )

    def execute(self, ctx: Context, args: Arguments) -> Reply | Plan:
        self.executed += 1
        key, value = args["param"], args["value"]
        before = self.store.get(key)
        plan = Plan(command=self.spec.name, cluster=ctx.cluster_name, title=f"set {key}")
        if before == value:
            return plan

        def run() -> dict[str, str]:
            self.store[key] = value
            return {"value": value}

        def undo() -> None:
            self.store[key] = before or ""

        plan.steps.append(
            Step(
                operation="updateServiceParameter",
                object_type="service_parameter",
                object_name=key,
                summary=f"{key}: {before} -> {value}",
                before={"value": before},
                after={"value": value},
                run=run,
                undo=undo,
            )
        )
        return plan


class Boom:
    spec = CommandSpec(name="boom", summary="raises", role=Role.VIEWER)

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        raise RuntimeError("kaboom")
