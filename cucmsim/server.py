"""The simulator's HTTP(S) listeners: one per process node, CUCM's paths and auth.

Built on the standard library's ThreadingHTTPServer because the simulator needs
raw control of its sockets (resets, silent timeouts, several loopback
addresses on one port); it is a test stand-in, not a production server.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import json
import secrets
import socket
import ssl
import struct
import sys
import threading
import time
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from cucmsim import access, control
from cucmsim.axl.service import is_write
from cucmsim.context import SimContext
from cucmsim.faults import FaultSpec
from cucmsim.model import ProcessNode, key
from cucmsim.soap import SoapFault, SoapRequest, SoapService, envelope, fault_envelope, parse_body

ENDPOINT_NAMES = {
    "/axl/": "axl",
    "/controlcenterservice2/services/ControlCenterServices": "controlcenter",
    "/realtimeservice2/services/RISService70": "ris",
    "/perfmonservice2/services/PerfmonService": "perfmon",
}
SOAP_CONTENT_TYPE = "text/xml;charset=UTF-8"
SESSION_COOKIE = "JSESSIONIDSSO"
AXL_PAGE = (
    b"<html><head><title>Cisco CallManager: AXL Web Service</title></head><body>"
    b"<h1>Cisco CallManager: AXL Web Service</h1>"
    b"<p>The AXL Web Service is working and accepting requests. "
    b"Use HTTP POST to send a request.</p></body></html>"
)
FORBIDDEN_PAGE = b"<html><body>HTTP Status 403 - Forbidden</body></html>"
BIND_ATTEMPTS = 5
_QUIET_ERRORS = (ConnectionError, ssl.SSLError, TimeoutError, BrokenPipeError)


def endpoint_name(service: SoapService) -> str:
    return ENDPOINT_NAMES.get(service.path, getattr(service, "name", service.path))


def serviceability_action_matches(action: str | None, operation: str) -> bool:
    """Accept a bare op, a quoted one, or `http://schemas.cisco.com/ast/soap/action/#Port#op`."""
    text = (action or "").strip().strip('"').strip()
    return not text or text.rsplit("#", 1)[-1] == operation


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        context: SimContext,
        node: ProcessNode,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        super().__init__(address, SimRequestHandler)
        self.context = context
        self.node = node
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )
        self._live: set[socket.socket] = set()
        self._live_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._live_lock:
            self._live.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._live_lock:
            self._live.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """A stopped node is down: kept-alive connections are cut too, not served on."""
        super().server_close()
        with self._live_lock:
            live, self._live = list(self._live), set()
        for connection in live:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A client that hangs up mid-request is normal here (timeouts, resets)."""
        if isinstance(sys.exc_info()[1], _QUIET_ERRORS):
            return
        super().handle_error(request, client_address)


class SimRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cucmsim"
    sys_version = ""
    timeout = 120
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms stall
    server: SimHTTPServer

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()

    def log_message(self, format: str, *args: object) -> None:
        """Silence per-request logging; the request log is kept in the runtime."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    @property
    def ctx(self) -> SimContext:
        return self.server.context

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, header_value in (headers or {}).items():
            self.send_header(name, header_value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        payload = self._read_body()
        if url.path.startswith(control.PREFIX):
            status, reply = control.handle(self.ctx, method, url.path, payload)
            self._send(status, json.dumps(reply).encode(), "application/json")
            return
        service = self.ctx.services.get(url.path)
        if service is None:
            self._send(
                HTTPStatus.NOT_FOUND, b"<html><body>404 Not Found</body></html>", "text/html"
            )
            return
        login = self._authenticate()
        if login is None:
            self._unauthorized()
            return
        user, cookie = login
        headers = {"Set-Cookie": f"{SESSION_COOKIE}={cookie}; Path=/; HttpOnly"} if cookie else {}
        if method == "GET":
            self._get(service, url.query, headers)
        elif method == "POST":
            self._soap(service, payload, headers, user)
        else:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", headers={"Allow": "GET, POST"})

    def _authenticate(self) -> tuple[str, str] | None:
        """None: refused; else (the user, "" through its existing session or a new session id)."""
        cookies = SimpleCookie(self.headers.get("Cookie") or "")
        session = cookies.get(SESSION_COOKIE)
        known = self.ctx.runtime.session_user(session.value) if session is not None else None
        header = self.headers.get("Authorization") or ""
        if header.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            if not self._password_matches(user, password):
                return None
            if known is not None and key(known) == key(user):
                return known, ""
            return user, self.ctx.runtime.open_session(user)
        if known is not None:
            return known, ""
        return None

    def _password_matches(self, user: str, password: str) -> bool:
        options = self.ctx.options
        accounts = {options.username: options.password}
        accounts.update((u.userid, u.password) for u in options.users)
        expected = accounts.get(user)
        return expected is not None and secrets.compare_digest(password, expected)

    def _unauthorized(self) -> None:
        self._send(HTTPStatus.UNAUTHORIZED, headers={"WWW-Authenticate": 'Basic realm="Cisco"'})

    def _get(self, service: SoapService, query: str, headers: dict[str, str]) -> None:
        if query.lower() == "wsdl":
            default_host = f"{self.server.node.address}:{self.ctx.port}"
            host = self.headers.get("Host") or default_host
            try:
                self._send(HTTPStatus.OK, service.wsdl(host), "text/xml", headers)
            except FileNotFoundError:
                self._send(HTTPStatus.NOT_FOUND, b"WSDL not available", "text/plain", headers)
            return
        if endpoint_name(service) == "axl":
            self._send(HTTPStatus.OK, AXL_PAGE, "text/html", headers)
            return
        page = f"<html><body><h1>{service.path}</h1><p>Use HTTP POST.</p></body></html>"
        self._send(HTTPStatus.OK, page.encode(), "text/html", headers)

    def _soap(
        self, service: SoapService, payload: bytes, headers: dict[str, str], user: str
    ) -> None:
        runtime = self.ctx.runtime
        endpoint = endpoint_name(service)
        try:
            body = parse_body(payload)
        except SoapFault as fault:
            self._send(fault.http_status, fault_envelope(fault), SOAP_CONTENT_TYPE, headers)
            return
        operation = etree.QName(body).localname
        runtime.record(endpoint, operation, self.server.node.name)
        write = is_write(operation) if endpoint == "axl" else False
        if not access.allowed(self.ctx.cluster, user, endpoint, operation, write):
            self._send(HTTPStatus.FORBIDDEN, FORBIDDEN_PAGE, "text/html", headers)
            return
        scope = "axl" if endpoint == "axl" else "serviceability"
        delay_ms = runtime.latency_ms.get(scope, 0)
        if delay_ms > 0:
            time.sleep(delay_ms / 1000)
        injected = runtime.faults.take(operation)
        if injected is not None and injected.kind != "timeout_after":
            self._inject(injected, operation, headers)
            return
        if endpoint == "axl" and is_write(operation) and not runtime.throttle.try_acquire():
            self._send(
                HTTPStatus.SERVICE_UNAVAILABLE,
                b"<html><body>503 Service Unavailable: AXL write throttle</body></html>",
                "text/html",
                headers,
            )
            return
        started = time.perf_counter()
        status, reply = self._execute(service, endpoint, operation, body, user)
        runtime.spent(time.perf_counter() - started)
        if injected is not None:
            time.sleep(injected.delay_s)
            self._hang_up()
            return
        self._send(status, reply, SOAP_CONTENT_TYPE, headers)

    def _execute(
        self, service: SoapService, endpoint: str, operation: str, body: etree._Element, user: str
    ) -> tuple[int, bytes]:
        soap_action = self.headers.get("SOAPAction")
        request = SoapRequest(
            path=service.path,
            operation=operation,
            body=body,
            soap_action=soap_action,
            node=self.server.node,
            cluster=self.ctx.cluster,
            username=user,
            headers=dict(self.headers.items()),
        )
        try:
            if endpoint != "axl" and not serviceability_action_matches(soap_action, operation):
                raise SoapFault(
                    f"SOAPAction '{soap_action}' does not match the operation '{operation}'"
                )
            return HTTPStatus.OK, envelope(service.handle(request))
        except SoapFault as fault:
            return fault.http_status, fault_envelope(fault)
        except Exception as exc:  # a simulator bug must still answer like a server
            return 500, fault_envelope(SoapFault(f"{type(exc).__name__}: {exc}", "soapenv:Server"))

    def _inject(self, fault: FaultSpec, operation: str, headers: dict[str, str]) -> None:
        if fault.kind == "timeout":
            time.sleep(fault.delay_s)
            self._hang_up()
        elif fault.kind == "reset":
            self._reset()
        elif fault.kind == "http503":
            self._send(
                HTTPStatus.SERVICE_UNAVAILABLE,
                b"<html><body>503 Service Unavailable</body></html>",
                "text/html",
                headers,
            )
        elif fault.kind == "http401":
            self._unauthorized()
        else:
            from cucmsim.axl.faults import axl_fault

            soap = axl_fault(fault.axlcode, fault.message, operation)
            self._send(soap.http_status, fault_envelope(soap), SOAP_CONTENT_TYPE, headers)

    def _hang_up(self) -> None:
        """Close without answering: the client sees the connection drop."""
        self.close_connection = True

    def _reset(self) -> None:
        """Close with SO_LINGER 0 so the client gets a TCP RST, not a FIN."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def bind_listeners(ctx: SimContext, ssl_context: ssl.SSLContext | None) -> list[SimHTTPServer]:
    """One listener per node on its loopback address, all on the same port.

    With port 0 the publisher picks a free port and the others follow it; if
    another process holds that port on a subscriber address, start over.
    """
    options = ctx.options
    nodes = list(ctx.cluster.nodes.values())
    if options.host != "127.0.0.1":
        server = SimHTTPServer(
            (options.host, options.port), ctx, ctx.cluster.publisher, ssl_context
        )
        ctx.port = server.server_address[1]
        return [server]
    attempt = 0
    while True:
        servers: list[SimHTTPServer] = []
        try:
            port = options.port
            for node in nodes:
                servers.append(SimHTTPServer((node.address, port), ctx, node, ssl_context))
                port = servers[0].server_address[1]
            ctx.port = port
            return servers
        except OSError as exc:
            for server in servers:
                server.server_close()
            attempt += 1
            if exc.errno != errno.EADDRINUSE or options.port != 0 or attempt >= BIND_ATTEMPTS:
                raise
