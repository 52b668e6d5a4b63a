"""The AXL SoapService: version checks, strict validation, dispatch, response shape."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from cucmsim.axl import devices, faults, groups, lines, reference, service_parameters, sql, users
from cucmsim.axl.common import AxlCall, Handler, Result
from cucmsim.axl.strict import validator_for
from cucmsim.axl.xml import Element
from cucmsim.options import SimOptions
from cucmsim.soap import SoapFault, SoapRequest

AXL_NS_PREFIX = "http://www.cisco.com/AXL/API/"
SUPPORTED_VERSIONS = ("11.5", "12.5", "14.0", "15.0")
WRITE_PREFIXES = ("add", "update", "remove", "apply", "reset", "restart", "do", "wipe")
_SOAP_ACTION = re.compile(r"^CUCM:DB ver=(\S+)(?:\s+(\S+))?$")

OPERATIONS: dict[str, Handler] = {
    **reference.OPERATIONS,
    **devices.OPERATIONS,
    **lines.OPERATIONS,
    **users.OPERATIONS,
    **groups.OPERATIONS,
    **service_parameters.OPERATIONS,
    **sql.OPERATIONS,
}


def is_write(operation: str) -> bool:
    """Writes are what CUCM throttles (HTTP 503) when its change queue is long."""
    return operation.startswith(WRITE_PREFIXES) or operation == "executeSQLUpdate"


def request_version(request: SoapRequest) -> str:
    """The AXL version, checked for agreement between SOAPAction and body namespace.

    A request without SOAPAction is versioned by its namespace alone.
    """
    namespace = etree.QName(request.body).namespace or ""
    if not namespace.startswith(AXL_NS_PREFIX):
        raise SoapFault(f"The request namespace '{namespace}' is not an AXL namespace")
    version = namespace[len(AXL_NS_PREFIX) :]
    action = (request.soap_action or "").strip().strip('"').strip()
    if action:
        match = _SOAP_ACTION.match(action)
        if match is None:
            raise SoapFault(f"Invalid SOAPAction header '{action}'; expected 'CUCM:DB ver=X op'")
        header_version, header_op = match.groups()
        if header_version != version:
            raise SoapFault(
                f"The AXL version in the SOAPAction header ({header_version}) does not match "
                f"the version of the request namespace ({version})"
            )
        if header_op is not None and header_op != request.operation:
            raise SoapFault(
                f"The operation in the SOAPAction header ({header_op}) does not match "
                f"the request element ({request.operation})"
            )
    if version not in SUPPORTED_VERSIONS:
        raise SoapFault(
            f"AXL version {version} is not supported; supported versions are "
            + ", ".join(SUPPORTED_VERSIONS)
        )
    return version


def response(operation: str, version: str, result: Result) -> Element:
    namespace = AXL_NS_PREFIX + version
    root = etree.Element(f"{{{namespace}}}{operation}Response", nsmap={"ns": namespace})
    returned = etree.SubElement(root, "return")
    if isinstance(result, str):
        returned.text = result
    elif isinstance(result, list):
        returned.extend(result)
    elif result is not None:
        returned.append(result)
    return root


class AxlService:
    path = "/axl/"
    name = "axl"

    def __init__(self, options: SimOptions) -> None:
        self._validator = validator_for(options.axl_xsd, options.strict)
        self._wsdl_dir = options.wsdl_dir
        self._options = options

    def handle(self, request: SoapRequest) -> Element:
        version = request_version(request)
        handler = OPERATIONS.get(request.operation)
        if handler is None:
            raise faults.axl_fault(
                -1, f"No such operation '{request.operation}'", request.operation
            )
        if self._validator is not None:
            self._validator.check(request.body, request.operation)
        call = AxlCall(
            request.operation,
            version,
            request.body,
            request.cluster,
            request.node,
            self._options.axl_max_response_bytes,
        )
        with request.cluster.lock:
            result = handler(call)
        return response(request.operation, version, result)

    def wsdl(self, host: str) -> bytes:
        """The project's compact AXL WSDL, its placeholder address pointed at `host` (host:port)."""
        if self._wsdl_dir is None:
            raise FileNotFoundError("no wsdl_dir configured")
        text = (Path(self._wsdl_dir) / "axl" / "AXLAPI.wsdl").read_bytes()
        return text.replace(b"CCMSERVERNAME:8443", host.encode()).replace(
            b"CCMSERVERNAME", host.encode()
        )
