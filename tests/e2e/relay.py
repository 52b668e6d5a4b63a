"""A TCP relay on loopback that can go silent, like a network path that dies without a close.

Connections through it are piped both ways until `freeze()`: from then on what
either side sends on the connections open at that moment is swallowed (no
reset, no FIN), so only a ping that goes unanswered can tell. Connections
opened after `freeze()` are piped normally, as a fresh route would be.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

CHUNK = 65536


@dataclass
class _Pair:
    client: socket.socket
    upstream: socket.socket
    frozen: threading.Event = field(default_factory=threading.Event)

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class Relay:
    def __init__(self, target: tuple[str, int], host: str = "127.0.0.1") -> None:
        self.target = target
        self._listener = socket.create_server((host, 0))
        self._pairs: list[_Pair] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._listener.getsockname()[:2]
        return host, port

    def start(self) -> Relay:
        self._spawn(self._accept, "relay-accept")
        return self

    def freeze(self) -> int:
        """Swallow everything on the open connections from now on; how many were frozen."""
        with self._lock:
            for pair in self._pairs:
                pair.frozen.set()
            return len(self._pairs)

    def stop(self) -> None:
        self._listener.close()
        with self._lock:
            pairs, threads = list(self._pairs), list(self._threads)
        for pair in pairs:
            pair.close()
        for thread in threads:
            thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            pair = _Pair(client, socket.create_connection(self.target))
            with self._lock:
                self._pairs.append(pair)
            self._spawn(partial(self._pipe, pair, pair.client, pair.upstream), "relay-up")
            self._spawn(partial(self._pipe, pair, pair.upstream, pair.client), "relay-down")

    def _pipe(self, pair: _Pair, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(CHUNK):
                if not pair.frozen.is_set():
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            if not pair.frozen.is_set():
                pair.close()

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()
