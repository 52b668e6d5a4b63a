"""Slack's side of Socket Mode on loopback, for tests and the demo (a test peer, not production).

Slack hands the app a one-use WebSocket URL from `apps.connections.open`; on
connect it sends `hello`, then one JSON envelope per slash command, click or
modal submission, and expects each acknowledged within 3 seconds by
`{"envelope_id": …}` (with a `payload` only where the envelope accepts one).
An envelope whose ack never arrived is delivered again on the app's next
connection with `retry_attempt` raised, which is what the bot's de-duplication
must absorb. This fake does the same over a real WebSocket (the `websockets`
library's threaded server) and records every breach of that contract in
`problems`, so a test can fail on an ack that was late, unknown or malformed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlparse

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

ACK_DEADLINE_S = 3.0
APP_ID = "A0CTI"
ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")
REDELIVERY_REASON = "timeout"
CLOSE_TIMEOUT_S = 1.0  # a peer that went away without closing must not hold up stop()


class SocketModeFailure(RuntimeError):
    """The Socket Mode side could not deliver, or what was awaited did not happen in time."""


@dataclass
class Envelope:
    """One delivery of one request; a redelivery is a new Envelope with a higher retry_attempt."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    retry_attempt: int = 0
    retry_reason: str = ""
    connection: int = 0
    sent_at: float = field(default_factory=time.monotonic)
    ack: dict[str, Any] | None = None
    acked_at: float | None = None
    superseded: bool = False

    def message(self) -> dict[str, Any]:
        return {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.accepts_response_payload,
            "retry_attempt": self.retry_attempt,
            "retry_reason": self.retry_reason,
        }


@dataclass
class _Link:
    number: int
    socket: ServerConnection
    greeted: threading.Event = field(default_factory=threading.Event)


class FakeSocketMode:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.envelopes: list[Envelope] = []
        self.problems: list[str] = []
        self.hellos = 0
        self._tickets: set[str] = set()
        self._links: list[_Link] = []
        self._numbers = itertools.count(1)
        self._acks_to_lose = 0
        self._changed = threading.Condition()
        self._server: Server = serve(
            self._serve,
            host,
            port,
            process_request=self._check_ticket,
            compression=None,
            ping_interval=None,
            close_timeout=CLOSE_TIMEOUT_S,
        )
        self._thread: threading.Thread | None = None
        self.advertised = (host, self.port)

    @property
    def port(self) -> int:
        return int(self._server.socket.getsockname()[1])

    def start(self) -> FakeSocketMode:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-socket-mode", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def advertise(self, host: str, port: int) -> None:
        """Hand out URLs for another address from now on (a relay standing in the network)."""
        self.advertised = (host, port)

    def new_url(self) -> str:
        """What `apps.connections.open` answers: a URL good for one connection."""
        ticket = uuid.uuid4().hex
        with self._changed:
            self._tickets.add(ticket)
        host, port = self.advertised
        return f"ws://{host}:{port}/link/?ticket={ticket}&app_id={APP_ID}"

    def send(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> Envelope:
        """Deliver a request on the newest connection, as Slack does with one connection."""
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"not a Socket Mode envelope type: {kind}")
        envelope = Envelope(uuid.uuid4().hex, kind, payload, accepts_response_payload)
        with self._changed:
            if not self._links:
                raise SocketModeFailure("no Socket Mode connection to send on")
            link = self._links[-1]
            envelope.connection = link.number
            self.envelopes.append(envelope)
        self._deliver(link, envelope)
        return envelope

    def wait_for_ack(self, envelope: Envelope, timeout: float = ACK_DEADLINE_S) -> dict[str, Any]:
        """The ack of this envelope or of a redelivery of it; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                acked = self._acked_delivery(envelope)
                if acked is not None and acked.ack is not None:
                    return acked.ack
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SocketModeFailure(
                        f"envelope {envelope.envelope_id} not acked in {timeout}s"
                    )
                self._changed.wait(left)

    def wait_for_hellos(self, count: int, timeout: float = 10.0) -> None:
        """Block until `count` connections in all were greeted (the bot connected that often)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.hellos < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SocketModeFailure(f"{self.hellos} of {count} connections in {timeout}s")
                self._changed.wait(left)

    def redeliveries(self, envelope: Envelope) -> list[Envelope]:
        with self._changed:
            return [
                e for e in self.envelopes if e.payload is envelope.payload and e is not envelope
            ]

    def close_newest(self, reason: str = "") -> None:
        """Slack closes the connection (a WebSocket close frame); the app must reconnect."""
        with self._changed:
            link = self._links[-1]
        link.socket.close(1001, reason)

    def ask_to_reconnect(self) -> None:
        """Slack's `disconnect` message, sent before it retires a connection."""
        with self._changed:
            link = self._links[-1]
        message = {"type": "disconnect", "reason": "refresh_requested", "debug_info": {}}
        link.socket.send(json.dumps(message))

    def lose_acks(self, count: int) -> None:
        """The next `count` acks never reach Slack: each one's connection drops on arrival."""
        with self._changed:
            self._acks_to_lose += count

    # ----- one connection -----

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        ticket = parse_qs(urlparse(request.path).query).get("ticket", [""])[0]
        with self._changed:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
            self.problems.append(f"connection with an unknown or used ticket: {request.path}")
        return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid ticket\n")

    def _serve(self, socket: ServerConnection) -> None:
        link = _Link(next(self._numbers), socket)
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        with self._changed:
            self._links.append(link)
            pending = self._unacked_elsewhere(link.number)
        socket.send(json.dumps(hello))  # before anything else on this connection
        link.greeted.set()
        with self._changed:
            self.hellos += 1
            self._changed.notify_all()
        for envelope in pending:
            self._redeliver(link, envelope)
        try:
            for message in socket:
                self._on_message(link, message)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._links.remove(link)
                self._changed.notify_all()

    def _on_message(self, link: _Link, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            ack = None
        if not isinstance(ack, dict) or not isinstance(ack.get("envelope_id"), str):
            with self._changed:
                self.problems.append(f"not an ack: {message!r}")
            return
        lost = False
        with self._changed:
            envelope = next(
                (e for e in self.envelopes if e.envelope_id == ack["envelope_id"]), None
            )
            if envelope is None or envelope.ack is not None:
                self.problems.append(f"ack for an unknown or acked envelope: {ack}")
                return
            if self._acks_to_lose > 0:
                self._acks_to_lose -= 1
                lost = True
            else:
                self._check(envelope, ack)
                envelope.ack, envelope.acked_at = ack, time.monotonic()
                self._changed.notify_all()
        if lost:
            link.socket.close(1011, "ack lost")

    def _check(self, envelope: Envelope, ack: dict[str, Any]) -> None:
        late = time.monotonic() - envelope.sent_at
        if late > ACK_DEADLINE_S:
            self.problems.append(f"{envelope.type} acked after {late:.1f}s")
        if set(ack) - {"envelope_id", "payload"}:
            self.problems.append(f"unexpected fields in an ack: {ack}")
        if "payload" in ack and not envelope.accepts_response_payload:
            self.problems.append(f"payload in the ack of a {envelope.type} envelope: {ack}")

    # ----- deliveries -----

    def _deliver(self, link: _Link, envelope: Envelope) -> None:
        link.greeted.wait(ACK_DEADLINE_S)
        with contextlib.suppress(ConnectionClosed):  # unacked: delivered again on the next one
            link.socket.send(json.dumps(envelope.message()))

    def _redeliver(self, link: _Link, envelope: Envelope) -> None:
        again = Envelope(
            uuid.uuid4().hex,
            envelope.type,
            envelope.payload,
            envelope.accepts_response_payload,
            retry_attempt=envelope.retry_attempt + 1,
            retry_reason=REDELIVERY_REASON,
            connection=link.number,
        )
        with self._changed:
            envelope.superseded = True
            self.envelopes.append(again)
        self._deliver(link, again)

    def _unacked_elsewhere(self, number: int) -> list[Envelope]:
        return [
            e
            for e in self.envelopes
            if e.ack is None and not e.superseded and e.connection != number
        ]

    def _acked_delivery(self, envelope: Envelope) -> Envelope | None:
        return next(
            (e for e in self.envelopes if e.payload is envelope.payload and e.ack is not None),
            None,
        )
