"""Parameter resolution against a node's names, with a stub AXL client."""

from __future__ import annotations

from typing import Any

import pytest

from bot.cucm.errors import ParameterUnresolved
from bot.cucm.models import ServiceParameter
from bot.cucm.param_catalog import ParameterResolver


class StubAxl:
    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.listed = 0

    def list_service_parameters(self, node: str, service: str) -> list[ServiceParameter]:
        self.listed += 1
        return [ServiceParameter(node, service, n, "1") for n in self.names]


def resolver(names: list[str], **kwargs: Any) -> tuple[ParameterResolver, StubAxl]:
    stub = StubAxl(names)
    return ParameterResolver(stub, cluster="lab", **kwargs), stub  # type: ignore[arg-type]  # lists only


def test_override_then_candidate_then_fuzzy() -> None:
    r, _ = resolver(
        ["Custom1", "MaxDevicesPerNode", "XMaxDevicesPerProvider"],
        overrides={"heartbeat_min_interval": "Custom1"},
    )
    assert r.resolve("n", "heartbeat_min_interval") == "Custom1"
    assert r.resolve("n", "max_devices_per_node") == "MaxDevicesPerNode"
    assert r.resolve("n", "max_devices_per_provider") == "XMaxDevicesPerProvider"


def test_cached_per_node_and_service() -> None:
    r, stub = resolver(["CtiMaxDevicesPerNode", "CtiMaxDevicesPerProvider"])
    r.resolve("n", "max_devices_per_node")
    r.resolve("n", "max_devices_per_provider")
    assert stub.listed == 1
    r.resolve("other", "max_devices_per_node")
    assert stub.listed == 2


def test_unresolved_lists_node_names() -> None:
    r, _ = resolver(["CdrEnabled", "Foo"])
    with pytest.raises(ParameterUnresolved) as caught:
        r.resolve("n", "max_devices_per_node")
    assert "CdrEnabled, Foo" in str(caught.value)
    assert caught.value.available == ("CdrEnabled", "Foo")


def test_bad_override_and_ambiguity() -> None:
    r, _ = resolver(
        ["AMaxDevicesPerNode", "BMaxDevicesPerNode"], overrides={"max_devices_per_provider": "Nope"}
    )
    with pytest.raises(ParameterUnresolved, match="ambiguous"):
        r.resolve("n", "max_devices_per_node")
    with pytest.raises(ParameterUnresolved, match="configured name 'Nope'"):
        r.resolve("n", "max_devices_per_provider")
