"""A fake Slack Web API on loopback for tests and the demo (a test peer, not production).

It records every call (method, form or JSON params, headers) so tests can
assert on what the bot really sent over HTTP, answers the methods ctibot
uses with plausible JSON, serves `response_url` webhooks at /response/<id>,
can be told to rate-limit a method with 429 + Retry-After, and takes file uploads
as Slack does: an upload URL on loopback for a declared length, the bytes POSTed
there, then `files.completeUploadExternal` shares them (saved to `upload_dir`). With a
`FakeSocketMode` attached, `apps.connections.open` (called with the app-level
`xapp-` token, every other method with the bot's `xoxb-` one) hands out its
WebSocket URLs.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, urlparse

if TYPE_CHECKING:
    from bot.demo.fake_socket_mode import FakeSocketMode

BOT_USER_ID = "UBOT0CTI"
TEAM_ID = "T0CTIBOT"
MAX_VIEW_BLOCKS = 100
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})


@dataclass
class Call:
    """One request the bot made; `method` is the API method or "response_url"."""

    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    at: float = field(default_factory=time.time)


@dataclass
class Upload:
    """A file going through Slack's upload flow: URL handed out, bytes sent, then shared."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str = ""
    saved_to: Path | None = None


@dataclass
class _Throttle:
    remaining: int
    retry_after: int


class FakeSlack:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.usergroups: dict[str, list[str]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}  # user -> their published Home tab
        self._throttles: dict[str, _Throttle] = {}
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.socket_mode: FakeSocketMode | None = None
        self.uploads: dict[str, Upload] = {}
        self._files = itertools.count(1)
        self.upload_dir: Path | None = None  # where shared files are saved (the demo's folder)
        self.on_shared: Callable[[Upload], None] | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """What WebClient(base_url=…) takes; Slack's real one is https://slack.com/api/."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def throttle(self, method: str, times: int, retry_after: int = 0) -> None:
        """Answer the next `times` calls of `method` with 429 and this Retry-After."""
        self._throttles[method] = _Throttle(times, retry_after)

    def calls_to(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] = lambda c: True,
    ) -> list[Call]:
        """Block until `count` matching successful calls were recorded, or fail loudly."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and c.status == 200]
                found = [c for c in found if where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(
                        f"{method}: {len(found)} of {count} calls after {timeout}s; saw {seen}"
                    )
                self._changed.wait(left)

    def clear(self) -> None:
        with self._changed:
            self.calls.clear()

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _take_throttle(self, method: str) -> _Throttle | None:
        with self._changed:
            throttle = self._throttles.get(method)
            if throttle is None or throttle.remaining <= 0:
                return None
            throttle.remaining -= 1
            return throttle

    def shared_files(self) -> list[Upload]:
        with self._changed:
            return [u for u in self.uploads.values() if u.channel is not None]

    def _upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        """Step 1: a one-file upload URL on loopback, for exactly `length` bytes."""
        filename, length = params.get("filename"), str(params.get("length", ""))
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._files):08d}"
        with self._changed:
            self.uploads[file_id] = Upload(file_id, str(filename), int(length))
        upload_url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
        return {"ok": True, "upload_url": upload_url, "file_id": file_id}

    def _receive(self, file_id: str, content: bytes) -> bool:
        """Step 2: the bytes, POSTed to the URL; refused when the length differs."""
        with self._changed:
            upload = self.uploads.get(file_id)
            if upload is None or upload.content is not None or len(content) != upload.length:
                return False
            upload.content = content
            return True

    def _complete(self, params: dict[str, Any]) -> dict[str, Any]:
        """Step 3: share uploaded files in a channel; a file whose bytes never came fails."""
        files = params.get("files") or []
        if isinstance(files, str):
            files = json.loads(files)
        with self._changed:
            found = [self.uploads.get(str(f.get("id"))) for f in files]
            if not files or any(u is None or u.content is None for u in found):
                return {"ok": False, "error": "file_not_found"}
            shared = []
            for item, upload in zip(files, found, strict=True):
                assert upload is not None
                upload.title = str(item.get("title") or upload.filename)
                upload.channel = params.get("channel_id")
                upload.thread_ts = params.get("thread_ts")
                upload.initial_comment = params.get("initial_comment", "")
                shared.append(upload)
        for upload in shared:
            self._save(upload)
        return {
            "ok": True,
            "files": [{"id": u.file_id, "name": u.filename, "title": u.title} for u in shared],
        }

    def _save(self, upload: Upload) -> None:
        if self.upload_dir is not None and upload.content is not None:
            path = self.upload_dir / f"{upload.file_id}-{Path(upload.filename).name}"
            path.write_bytes(upload.content)
            upload.saved_to = path
        if self.on_shared is not None:
            self.on_shared(upload)

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Plausible bodies for the methods ctibot calls; anything else is a bare ok."""
        if method == "files.getUploadURLExternal":
            return self._upload_url(params)
        if method == "files.completeUploadExternal":
            return self._complete(params)
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://ctibot-demo.slack.com/",
                "team": "ctibot demo",
                "user": "cti-ops",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "B0CTIBOT",
            }
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"{int(time.time())}.{next(self._ts):06d}"
            channel = params.get("channel", "C0UNKNOWN")
            message = {"text": params.get("text", ""), "blocks": params.get("blocks", [])}
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        if method in ("views.open", "views.update", "views.push"):
            view = params.get("view") or {}
            if isinstance(view, str):
                view = json.loads(view)
            view_id = params.get("view_id") or f"V{next(self._views):08d}"
            return {"ok": True, "view": {**view, "id": view_id}}
        if method == "views.publish":
            return self._publish(params)
        if method == "usergroups.users.list":
            group = params.get("usergroup", "")
            if group not in self.usergroups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": list(self.usergroups[group])}
        if method == "apps.connections.open":
            if self.socket_mode is None:
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.socket_mode.new_url()}
        if method == "users.info":
            user = params.get("user", "")
            info = self.users.get(user, {"id": user, "name": user.lower(), "real_name": user})
            return {"ok": True, "user": info}
        return {"ok": True}

    def _publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """A user's Home tab, refused as Slack refuses it: no user, not a home view, or
        over the view's block limit."""
        view = params.get("view") or {}
        if isinstance(view, str):
            view = json.loads(view)
        user = params.get("user_id")
        if not user or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > MAX_VIEW_BLOCKS:
            return {"ok": False, "error": "invalid_blocks"}
        with self._changed:
            self.home_views[user] = view
        return {"ok": True, "view": {**view, "id": f"V{next(self._views):08d}"}}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _serve(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                if url.path.startswith("/upload/"):
                    file_id = url.path.removeprefix("/upload/")
                    ok = fake._receive(file_id, raw)
                    status = 200 if ok else 400
                    call = Call(
                        "upload", url.path, {"file_id": file_id, "bytes": len(raw)}, headers, status
                    )
                    fake._record(call)
                    self._send(
                        status, f"OK - {len(raw)}".encode() if ok else b"bad upload", "text/plain"
                    )
                    return
                params = _decode(raw, self.headers.get("Content-Type", ""), url.query)
                if url.path.startswith("/response/"):
                    fake._record(Call("response_url", url.path, params, headers, 200))
                    self._send(200, b"ok", "text/plain")
                    return
                method = url.path.removeprefix("/api/").strip("/")
                throttle = fake._take_throttle(method)
                if throttle is not None:
                    fake._record(Call(method, url.path, params, headers, 429))
                    body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                    self._send(429, body, "application/json", {"Retry-After": throttle.retry_after})
                    return
                prefix = "Bearer xapp-" if method in APP_LEVEL_METHODS else "Bearer xox"
                if not headers.get("authorization", "").startswith(prefix):
                    answer: dict[str, Any] = {"ok": False, "error": "not_authed"}
                else:
                    answer = fake.answer(method, params)
                fake._record(Call(method, url.path, params, headers, 200))
                self._send(200, json.dumps(answer).encode(), "application/json")

            def _send(
                self, status: int, body: bytes, ctype: str, extra: dict[str, Any] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def _decode(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    """Slack clients send form bodies or JSON; the fake accepts both, like Slack."""
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    if not raw:
        return params
    if "json" in content_type:
        params.update(json.loads(raw))
        return params
    for key, values in parse_qs(raw.decode(), keep_blank_values=True).items():
        value = values[-1]
        if key in ("blocks", "view", "attachments") and value.startswith(("[", "{")):
            params[key] = json.loads(value)
        else:
            params[key] = value
    return params
