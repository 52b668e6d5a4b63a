"""Service parameters, stored per process node under CUCM's internal names.

Every parameter, clusterwide or not, is a row per node, and an update names
one node and changes only that row: a client that sets a clusterwide
parameter on one node leaves the nodes disagreeing, as on CUCM. AXL applies
none of the Service Parameter window's ranges, but a value must still be of
the parameter's type: a whole number a signed 32-bit "long" holds, T or F for
a boolean. CUCM's own answer to such a value is unconfirmed, so the
simulator takes the strict side and refuses it with fault 5003.

Enterprise parameters are service parameters too, of the virtual node
EnterpriseWideData under the service "Enterprise Wide".
"""

from __future__ import annotations

from cucmsim.axl import faults
from cucmsim.axl.common import AxlCall, Handler, by_uuid, get_result, list_result
from cucmsim.axl.reference import ENTERPRISE_WIDE
from cucmsim.axl.xml import Element, has, leaf, sub, value
from cucmsim.model import ServiceParameter, key


def _find(call: AxlCall) -> ServiceParameter:
    params = call.cluster.service_parameters
    uuid_text = value(call.body, "uuid")
    if uuid_text is not None:
        found = by_uuid(params.values(), uuid_text)
    else:
        node = value(call.body, "processNodeName") or ""
        if key(node) not in call.cluster.nodes and key(node) != key(ENTERPRISE_WIDE):
            raise faults.missing_reference("Process Node", node, call.operation)
        name = value(call.body, "name") or ""
        service = value(call.body, "service") or ""
        found = params.get((key(node), key(service), key(name)))
    if found is None:
        raise faults.not_found("Service Parameter", call.operation)
    return found


def _render(call: AxlCall, param: ServiceParameter) -> Element:
    node = call.cluster.nodes.get(key(param.node))
    elem = leaf("serviceParameter", uuid=param.uuid)
    sub(elem, "processNodeName", param.node, node.uuid if node else None)
    sub(elem, "name", param.name)
    sub(elem, "service", param.service)
    sub(elem, "value", param.value)
    sub(elem, "valueType", param.value_type)
    return elem


def get_service_parameter(call: AxlCall) -> Element:
    return get_result(call, _render(call, _find(call)))


LONG_BOUNDS = (-(2**31), 2**31 - 1)
BOOLEANS = frozenset({"T", "F"})


def _type_problem(param: ServiceParameter, text: str) -> str | None:
    if param.value_type == "long":
        try:
            number = int(text.strip())
        except ValueError:
            return "is not a whole number"
        low, high = LONG_BOUNDS
        return None if low <= number <= high else f"is outside {low} to {high}"
    if param.value_type == "boolean" and text not in BOOLEANS:
        return "is not T or F"
    return None


def update_service_parameter(call: AxlCall) -> str:
    param = _find(call)
    if has(call.body, "value"):
        text = value(call.body, "value") or ""
        problem = _type_problem(param, text)
        if problem is not None:
            raise faults.invalid(
                f"Value '{text}' of Service Parameter {param.name} ({param.value_type}) {problem}",
                call.operation,
            )
        param.value = text
    return param.uuid


def list_service_parameter(call: AxlCall) -> list[Element]:
    params = call.cluster.service_parameters.values()
    return list_result(call, [_render(call, p) for p in params])


OPERATIONS: dict[str, Handler] = {
    "getServiceParameter": get_service_parameter,
    "updateServiceParameter": update_service_parameter,
    "listServiceParameter": list_service_parameter,
}
