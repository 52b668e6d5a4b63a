"""Check 1, in two parts: the publisher answers ("reach"), and so does every process node at
the address ctibot will use for it ("nodes", which needs the AXL login to list them).

Each address is resolved, connected to (TCP) and sent one ``GET /`` without credentials
(any HTTP status counts: the web server answers). Whether its certificate is trusted is
the tls check's question, so this request does not verify it and carries nothing secret.
A node name that does not resolve gets the exact ``nodes`` mapping that would fix it.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator

from bot.cucm.endpoint import ClusterEndpoint
from bot.cucm.models import ProcessNode
from bot.doctor.checks.nodes import Target, node_target, process_nodes, publisher
from bot.doctor.report import Finding, Mark
from bot.doctor.run import Check, Probe

NAME = "reach"
NODES_NAME = "nodes"
PLACEHOLDER = "<address>"


class Unresolved(Exception):
    """The name does not resolve from this host."""


def _resolve(address: str, port: int) -> None:
    try:
        socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unresolved(f"name does not resolve from this host ({exc.strerror})") from exc


def _get(endpoint: ClusterEndpoint, address: str) -> int:
    timeout = endpoint.connect_timeout
    if endpoint.scheme == "https":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            address, endpoint.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(address, endpoint.port, timeout=timeout)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status
    finally:
        connection.close()


def _visit(probe: Probe, target: Target, name: str = NAME) -> Finding:
    endpoint = probe.endpoint
    where = f"{target.address}:{endpoint.port}"
    subject = target.label
    _resolve(target.address, endpoint.port)
    try:
        socket.create_connection((target.address, endpoint.port), endpoint.connect_timeout).close()
    except OSError as exc:
        return Finding(
            name,
            subject,
            Mark.FAIL,
            f"TCP connect to {where} failed: {exc.strerror or exc}",
            f"Check that {target.address} is the node's address and that nothing between "
            f"this host and it blocks TCP port {endpoint.port} (CUCM serves AXL and the "
            "Serviceability APIs on 8443).",
        )
    protocol = endpoint.scheme.upper()
    try:
        status = _get(endpoint, target.address)
    except (OSError, http.client.HTTPException) as exc:
        other = "http" if endpoint.scheme == "https" else "https"
        return Finding(
            name,
            subject,
            Mark.FAIL,
            f"TCP connect to {where} works, but {protocol} gets no answer: {exc}",
            f'Check scheme = "{endpoint.scheme}" in the cluster\'s config section (the port may '
            f"speak {other}), and that {endpoint.port} is CUCM's web port.",
        )
    return Finding(
        name,
        subject,
        Mark.PASS,
        f"TCP and {protocol} answer on port {endpoint.port} (GET / {status})",
    )


def nodes_line(endpoint: ClusterEndpoint, unresolved: list[ProcessNode]) -> str:
    """The whole ``nodes`` table with every unresolved name added (a TOML inline table is
    written at once, so the configured entries are repeated)."""
    mapping = dict(endpoint.nodes)
    for node in unresolved:
        publisher_address = node.usage.lower() == "publisher" and endpoint.host != node.name
        mapping[node.name] = endpoint.host if publisher_address else PLACEHOLDER
    entries = ", ".join(f'"{name}" = "{address}"' for name, address in mapping.items())
    return f"In the cluster's config section: nodes = {{ {entries} }}"


def check(probe: Probe) -> Iterator[Finding]:
    target = publisher(probe)
    try:
        yield _visit(probe, target)
    except Unresolved as exc:
        yield Finding(
            NAME,
            target.label,
            Mark.FAIL,
            str(exc),
            "Check host in the cluster's config section; use the publisher's IP address when "
            "its name does not resolve here.",
        )


def check_nodes(probe: Probe) -> Iterator[Finding]:
    nodes, not_listed = process_nodes(probe, NODES_NAME)
    if not_listed is not None:
        yield not_listed
        return
    unresolved: list[ProcessNode] = []
    for node in nodes:
        target = node_target(probe, node)
        try:
            yield _visit(probe, target, NODES_NAME)
        except Unresolved as exc:
            unresolved.append(node)
            yield Finding(NODES_NAME, target.label, Mark.FAIL, f"{exc}; see the mapping below")
    if unresolved:
        names = ", ".join(n.name for n in unresolved)
        verb = "does" if len(unresolved) == 1 else "do"
        yield Finding(
            NODES_NAME,
            "mapping",
            Mark.FAIL,
            f"ctibot reaches each node by its CUCM name for Control Center, RIS and PerfMon, "
            f"and {names} {verb} not resolve here: give their addresses",
            nodes_line(probe.endpoint, unresolved),
        )


REACH = Check(NAME, check)
NODES = Check(NODES_NAME, check_nodes, needs=(NAME,))
