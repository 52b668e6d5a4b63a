"""One service parameter on one node, keyed by CUCM's internal name.

The key carries the internal name (resolved at plan time from
listServiceParameter), never the display name, so undo from the change log
needs no catalogue and no guess. Values stay strings, as AXL holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cucm.errors import CucmError, NotFound
from commands.engine.objects import ObjectKind, State

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster


def param_key(node: str, service: str, name: str) -> str:
    return f"{node}/{service}/{name}"


def split_key(key: str) -> tuple[str, str, str]:
    node, service, name = key.split("/", 2)
    return node, service, name


def param_state(node: str, service: str, name: str, value: str | None) -> State:
    return {"node": node, "service": service, "name": name, "value": value}


class ServiceParameterKind(ObjectKind):
    """State {"node", "service", "name", "value"}; parameters exist per node, never added."""

    name = "service_parameter"
    add_op = "updateServiceParameter"
    update_op = "updateServiceParameter"
    remove_op = "updateServiceParameter"

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        node, service, name = split_key(key)
        try:
            found = cucm.axl.get_service_parameter(node, service, name)
        except NotFound:
            return None
        return param_state(node, service, name, found.value)

    def create(self, cucm: CucmCluster, state: State) -> None:
        raise CucmError("service parameters cannot be created, only updated")

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        node, service, name = split_key(key)
        if before.get("value") != after.get("value"):
            cucm.axl.update_service_parameter(node, service, name, after["value"])

    def delete(self, cucm: CucmCluster, key: str) -> None:
        raise CucmError("service parameters cannot be removed, only updated")


SERVICE_PARAMETER = ServiceParameterKind()
