"""Security: no secret leaks, TLS verified by default, RBAC on every command, no signing bypass.

Everything runs against loopback stacks of its own (cucmsim, the fake Slack and
the bot over real HTTP), so changing the simulator's password or stopping it
never disturbs the session stack other modules share.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
import requests

from bot.bootstrap import bootstrap
from bot.config import ClusterSettings, load_settings
from bot.demo.loopback import ENV, SIGNING_SECRET, Loopback, Roles, start
from bot.demo.slack_peer import sign
from bot.logging_setup import configure_logging, register_secret
from bot.slack.render import fallback_text
from bot.slack.server import create_http_server
from commands.catalog import all_specs
from commands.engine.base import Actor, Role
from cucmsim.api import SimServer
from cucmsim.model import key
from cucmsim.options import SimOptions
from tests.e2e.hardening import reply_of
from tests.e2e.slack_helpers import mrkdwn_texts
from tests.waiting import drain, wait_until

ADMIN, OPERATOR, VIEWER = "USECADMIN", "USECOPER", "USECVIEW"
WRONG_SIGNATURE = "v0=" + "0" * 64


@pytest.fixture(scope="module")
def sec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    roles = Roles(admins=[ADMIN], operators=[OPERATOR], viewers=[VIEWER])
    loopback = start(tmp_path_factory.mktemp("security"), roles=roles)
    try:
        yield loopback
    finally:
        loopback.stop()


def has_line(stack: Loopback, pattern: str, partition: str = "PT_CTI") -> bool:
    return (pattern, key(partition)) in stack.sim.cluster.lines


def reply_text(stack: Loopback, reply_key: str, timeout: float = 15.0) -> str:
    calls = stack.fake.wait_for(
        "response_url", timeout=timeout, where=lambda c: c.path.endswith(f"/{reply_key}")
    )
    params = calls[-1].params
    return params.get("text", "") + json.dumps(params.get("blocks", []))


# ----------------------------------------------------------------------- (a) secrets


def secrets_of(stack: Loopback) -> dict[str, str]:
    """Each secret the stack uses, with the forms it could leak in (Basic auth is base64)."""
    password = stack.sim.options.password
    basic = base64.b64encode(f"{stack.sim.options.username}:{password}".encode()).decode()
    values = {
        "slack bot token": ENV["SLACK_BOT_TOKEN"],
        "signing secret": ENV["SLACK_SIGNING_SECRET"],
        "CUCM password": password,
        "CUCM Basic auth": basic,
    }
    # The settings must know every one of them, or `serve` would not redact it.
    assert set(load_settings(stack.config_path).secret_values()) == {
        ENV["SLACK_BOT_TOKEN"],
        ENV["SLACK_SIGNING_SECRET"],
        password,
    }
    return values


def assert_no_secret(where: str, text: str | bytes, secrets: dict[str, str]) -> None:
    data = text if isinstance(text, bytes) else text.encode()
    for name, value in secrets.items():
        assert value.encode() not in data, f"{name} found in {where}"


@pytest.fixture
def captured(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """Logging set up the way `ctibot serve` does it, at DEBUG, into a buffer."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", json=request.param, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


@pytest.mark.parametrize("captured", [False, True], ids=["text", "json"], indirect=True)
def test_secrets_never_leak_in_logs_replies_or_change_log(
    sec: Loopback, captured: io.StringIO
) -> None:
    stack = sec
    secrets = secrets_of(stack)
    for value in load_settings(stack.config_path).secret_values():  # as `serve` does
        register_secret(value)
    number = 7700 + len(stack.fake.calls_to("response_url")) % 90
    commands = ["version", "whoami", f"add-line {number} partition=PT_CTI cfna=6000", "help"]
    keys = []
    for text in commands:
        response, reply_key = stack.peer.command(text, ADMIN)
        assert response.status_code == 200, response.text
        keys.append(reply_key)
    texts = [reply_text(stack, k) for k in keys]
    assert "12.5" in texts[0] and "Applied" in texts[2] and has_line(stack, str(number))

    # CUCM now rejects the bot's password: a read and a write both fail with AuthFailed.
    stack.sim.options.password = "rotated-on-cucm-side"
    try:
        failing = []
        for text in ("version", f"add-line {number + 1} partition=PT_CTI"):
            response, reply_key = stack.peer.command(text, ADMIN)
            assert response.status_code == 200
            failing.append(reply_text(stack, reply_key))
    finally:
        stack.sim.options.password = ENV["CTIBOT_LAB_PASSWORD"]
    assert all("AuthFailed" in t and "401" in t for t in failing), failing
    assert not has_line(stack, str(number + 1))

    log_text = captured.getvalue()
    assert "add-line" in log_text and "AuthFailed" in log_text  # the round trip was logged
    assert "DEBUG" in log_text  # ... at DEBUG, third-party libraries included
    if log_text.lstrip().startswith("{"):
        assert all(json.loads(line) for line in log_text.splitlines())
    assert_no_secret("the log", log_text, secrets)
    for call in stack.fake.calls:  # every reply, message, update the bot sent Slack
        assert_no_secret(f"Slack {call.method} params", json.dumps(call.params), secrets)
    for text in texts + failing:
        assert_no_secret("a reply", text, secrets)
    database = stack.config_path.parent / "ctibot.db"
    files = [p for p in database.parent.glob("ctibot.db*") if p.is_file()]
    assert database in files
    for path in files:  # the SQLite file and its -wal/-shm, as bytes
        assert_no_secret(path.name, path.read_bytes(), secrets)
    for record in stack.bot.changelog.query(actor_id=ADMIN, limit=500):
        assert_no_secret("a change-set error", json.dumps(record.error), secrets)


# ----------------------------------------------------------------------- (b) TLS


def test_tls_is_verified_by_default_and_a_bad_certificate_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ClusterSettings(name="x", host="h", username="u").verify_tls is True
    with SimServer(SimOptions(tls=True, seed="demo")) as sim:
        assert sim.ca_cert_path is not None
        host, port = sim.cluster.publisher.address, sim.port
        config = tmp_path / "ctibot.toml"
        config.write_text(
            f"""
[database]
url = "sqlite:///{tmp_path / "ctibot.db"}"

[[clusters]]
name = "untrusted"
host = "{host}"
port = {port}
username = "{sim.options.username}"
axl_version = "12.5"

[[clusters]]
name = "trusted"
host = "{host}"
port = {port}
username = "{sim.options.username}"
axl_version = "12.5"
ca_bundle = "{sim.ca_cert_path}"
"""
        )
        monkeypatch.setenv("CTIBOT_UNTRUSTED_PASSWORD", sim.options.password)
        monkeypatch.setenv("CTIBOT_TRUSTED_PASSWORD", sim.options.password)
        settings = load_settings(config)
        assert [(c.scheme, c.verify_tls) for c in settings.clusters] == [("https", True)] * 2
        bot = bootstrap(settings, slack=False)
        try:
            before = sim.counters().get("axl", {}).get("getCCMVersion", 0)
            reply = reply_of(bot.runner.handle("version", Actor("UTLS", "tls", "C1"), Role.VIEWER))
        finally:
            bot.close()
        assert reply.table is not None
        rows = {row[0]: row for row in reply.table.rows}
        _, version, status = rows["untrusted"]
        assert version == "-"
        assert "certificate" in status and "not trusted" in status, status
        assert "ca_bundle" in status, status  # the message names the fix
        assert rows["trusted"][1:] == (sim.cluster.version, "ok")
        # Only the trusted cluster's request got through the handshake.
        assert sim.counters()["axl"]["getCCMVersion"] == before + 1


# ----------------------------------------------------------------------- (c) RBAC matrix

SPECS = all_specs()


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name.replace(" ", "-"))
def test_rbac_matrix(sec: Loopback, spec: Any, role: Role) -> None:
    runner = sec.bot.runner
    found = runner.registry.resolve(spec.name.split())
    assert found is not None and found[0].spec.name == spec.name, "not registered"
    assert spec.examples, spec.name
    text = spec.examples[0] + (" --dry-run" if spec.writes else "")
    actor_id = f"URB{spec.name.replace(' ', '').replace('-', '').upper()[:14]}{role.value}"
    actor = Actor(user_id=actor_id, name="rbac", channel_id="CRBAC")
    reply = reply_of(runner.handle(text, actor, role))
    denials = [r for r in sec.bot.changelog.query(actor_id=actor_id) if r.status == "denied"]
    if role >= spec.role:
        assert reply.status != "denied" and reply.title != "Not allowed", reply.as_text()
        assert reply.title != "Internal error", reply.as_text()
        assert not denials
    else:
        assert reply.status == "denied" and reply.title == "Not allowed"
        shown = fallback_text(reply)  # as Slack gets it
        assert f"*{spec.role.label}*" in shown and spec.name in shown
        assert len(denials) == 1 and denials[0].command == spec.name
        assert spec.role.label in (denials[0].error or "")


def test_rbac_matrix_covers_every_role_level() -> None:
    """The matrix is only meaningful if commands sit at every level, not all at one."""
    assert {s.role for s in SPECS} == set(Role)


# ----------------------------------------------------------------------- (d) signing


def raw_post(url: str, body: bytes, headers: list[tuple[str, str]]) -> int:
    """POST with exactly these header lines (names, case and duplicates as given)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("POST", parts.path)
        for name, value in [*headers, ("Content-Length", str(len(body)))]:
            connection.putheader(name, value)
        connection.endheaders(body)
        return connection.getresponse().status
    finally:
        connection.close()


def slash_fields(stack: Loopback, text: str, reply_key: str) -> dict[str, str]:
    return {
        "team_id": "T0CTIBOT",
        "channel_id": "CSIGN",
        "user_id": ADMIN,
        "user_name": "admin",
        "command": "/cti",
        "text": text,
        "api_app_id": "A0CTI",
        "response_url": stack.fake.response_url(reply_key),
        "trigger_id": f"{reply_key}.{time.time_ns()}.trigger",
    }


def change_sets(stack: Loopback) -> int:
    return len(stack.bot.changelog.query(limit=10_000))


def test_signature_header_name_case_does_not_bypass_the_check(sec: Loopback) -> None:
    stack = sec
    url = stack.signed.url
    before = change_sets(stack)
    refused = []
    for n, name in enumerate(("x-slack-signature", "X-SLACK-SIGNATURE", "X-Slack-Signature")):
        number = f"78{n:02d}"
        body = urlencode(slash_fields(stack, f"add-line {number} partition=PT_CTI", f"hc{n}"))
        ts = str(int(time.time()))
        form = ("Content-Type", "application/x-www-form-urlencoded")
        for ts_name in ("x-slack-request-timestamp", "X-SLACK-REQUEST-TIMESTAMP"):
            assert (
                raw_post(url, body.encode(), [form, (ts_name, ts), (name, WRONG_SIGNATURE)]) == 401
            )
        # A wrong signature next to a valid one (duplicate header, other case) is refused too.
        good = sign(SIGNING_SECRET, int(ts), body)
        both = [form, ("X-Slack-Request-Timestamp", ts), (name, WRONG_SIGNATURE)]
        assert raw_post(url, body.encode(), [*both, (name.swapcase(), good)]) == 401
        refused.append(f"hc{n}")
    # Control: the same odd header case with the right signature is accepted and runs.
    body = urlencode(slash_fields(stack, "add-line 7810 partition=PT_CTI", "hcok"))
    ts = str(int(time.time()))
    headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("X-SLACK-REQUEST-TIMESTAMP", ts),
        ("x-slack-signature", sign(SIGNING_SECRET, int(ts), body)),
    ]
    assert raw_post(url, body.encode(), headers) == 200
    assert "Applied" in reply_text(stack, "hcok")
    assert change_sets(stack) == before + 1
    assert not any(has_line(stack, f"78{n:02d}") for n in range(3))
    assert not [c for c in stack.fake.calls_to("response_url") if c.path.split("/")[-1] in refused]


def test_a_signature_over_one_body_does_not_cover_a_re_encoded_body(sec: Loopback) -> None:
    stack = sec
    url = stack.signed.url
    before = change_sets(stack)
    fields = slash_fields(stack, 'add-line 7820 partition=PT_CTI description="x y"', "reenc")
    signed = urlencode(fields)  # spaces as "+"
    assert "+" in signed
    variants: dict[str, tuple[str, str]] = {
        "%20 for +": (urlencode(fields, quote_via=quote), "application/x-www-form-urlencoded"),
        "reordered": (
            urlencode(dict(reversed(fields.items()))),
            "application/x-www-form-urlencoded",
        ),
        "json": (json.dumps(fields), "application/json"),
        "appended field": (signed + "&text=whoami", "application/x-www-form-urlencoded"),
        "trailing newline": (signed + "\n", "application/x-www-form-urlencoded"),
    }
    for name, (body, content_type) in variants.items():
        assert body != signed, name
        ts = int(time.time())
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(SIGNING_SECRET, ts, signed),
        }
        status = raw_post(url, body.encode(), list(headers.items()))
        assert status == 401, (name, status)
    drain(stack.bot.workers)  # all those requests set off, if anything, is done
    assert change_sets(stack) == before
    assert not has_line(stack, "7820")
    assert not [c for c in stack.fake.calls_to("response_url") if c.path.endswith("/reenc")]
    # Control: the body the signature was made for is accepted and runs.
    assert stack.signed.post(signed).status_code == 200
    assert "Applied" in reply_text(stack, "reenc")
    wait_until(lambda: has_line(stack, "7820"))
    assert change_sets(stack) == before + 1


# ----------------------------------------------------------------------- (e) hostile traffic


def test_a_non_ascii_signature_is_a_401_not_a_500(sec: Loopback) -> None:
    body = urlencode(slash_fields(sec, "version", "nonascii")).encode()
    ts = str(int(time.time()))
    form = ("Content-Type", "application/x-www-form-urlencoded")
    for signature in ("v0=\u00e9" + "0" * 63, "\u00ff", "v0=" + "\u00e0" * 64):
        headers = [form, ("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", signature)]
        assert raw_post(sec.signed.url, body, headers) == 401, signature


def send_head(url: str, headers: list[str]) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    head = [f"POST {parts.path} HTTP/1.1", f"Host: {parts.hostname}", *headers, "", ""]
    sock.sendall("\r\n".join(head).encode())
    return sock


def status_of(sock: socket.socket) -> int:
    """The status code of the first response line the server sends on `sock`."""
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def test_an_oversized_body_is_refused_before_it_is_sent(sec: Loopback) -> None:
    """A 100 MB unsigned POST is answered 413 after its headers and 1 KB: the server
    never waits for (or buffers) the rest."""
    headers = ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {100 << 20}"]
    with send_head(sec.signed.url, headers) as sock:
        sock.sendall(b"x" * 1024)
        assert status_of(sock) == 413
    # Chunked: no Content-Length to refuse up front; refused once it passes the cap.
    chunk = b"%x\r\n%s\r\n" % (64 << 10, b"y" * (64 << 10))
    with send_head(sec.signed.url, ["Transfer-Encoding: chunked"]) as sock:
        with contextlib.suppress(OSError):  # the server may close while we still send
            for _ in range(20):  # 1.25 MB in all
                sock.sendall(chunk)
            sock.sendall(b"0\r\n\r\n")
        assert status_of(sock) == 413
    # Just under the cap is read and judged on its signature (401), not its size.
    body = b"text=" + b"z" * (1000 * 1024)
    assert raw_post(sec.signed.url, body, [("X-Slack-Signature", WRONG_SIGNATURE)]) == 401


def test_slow_clients_do_not_starve_probes_or_signed_commands(sec: Loopback) -> None:
    """120 connections that send half a request's headers and stall (slow-loris), more
    than waitress's default limit of 100; a probe and a signed command are still answered."""
    parts = urlsplit(sec.signed.url)
    with contextlib.ExitStack() as stalled:
        for _ in range(120):
            sock = stalled.enter_context(
                socket.create_connection((parts.hostname, parts.port), timeout=10)
            )
            sock.sendall(f"POST {parts.path} HTTP/1.1\r\nHost: x\r\nX-Slow: ".encode())
        started = time.monotonic()
        live = requests.get(f"{sec.http.url}/livez", timeout=5)
        assert live.status_code == 200
        response, reply_key = sec.peer.command("whoami", ADMIN)
        assert response.status_code == 200
        assert ADMIN in reply_text(sec, reply_key)
        assert time.monotonic() - started < 5


def test_idle_connections_are_closed_after_the_channel_timeout() -> None:
    """A stalled connection holds a socket only until `channel_timeout`, not forever."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    server = create_http_server(app, "127.0.0.1", 0, threads=1, channel_timeout=1).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n")  # never finished
            started = time.monotonic()
            assert sock.recv(1024) == b""  # closed by the server
            assert time.monotonic() - started < 8
    finally:
        server.stop()


# ----------------------------------------------------------------------- (f) mentions and links


def reply_params(stack: Loopback, reply_key: str) -> dict[str, Any]:
    calls = stack.fake.wait_for(
        "response_url", timeout=15, where=lambda c: c.path.endswith(f"/{reply_key}")
    )
    return calls[-1].params


def test_mentions_typed_by_users_or_stored_in_cucm_are_never_live(sec: Loopback) -> None:
    stack = sec
    # Slack sends what a user typed as `<!everyone>` escaped; the reply echoes it as text.
    response, typed = stack.peer.command("show-change &lt;!everyone&gt;", ADMIN)
    assert response.status_code == 200
    texts = mrkdwn_texts(reply_params(stack, typed))
    assert any("&lt;!everyone&gt;" in t for t in texts), texts
    assert not any("<!everyone>" in t for t in texts), texts

    # A description set in CUCM outside the bot, echoed in a plan's before/after.
    response, created = stack.peer.command(
        "create-routepoint RP_MENTION 7830 partition=PT_CTI", ADMIN
    )
    assert "Applied" in reply_text(stack, created)
    with stack.sim.cluster.lock:
        stack.sim.cluster.devices[
            key("RP_MENTION")
        ].description = "<!channel> call <http://evil.example/x|Cisco TAC>"
    response, updated = stack.peer.command(
        "update-routepoint RP_MENTION description=clean --dry-run", ADMIN
    )
    texts = mrkdwn_texts(reply_params(stack, updated))
    joined = "\n".join(texts)
    assert "&lt;!channel&gt; call &lt;http://evil.example/x|Cisco TAC&gt;" in joined, joined
    assert "<!channel>" not in joined and "<http" not in joined

    # ctibot's own mentions stay live.
    response, who = stack.peer.command("whoami", ADMIN)
    assert f"<@{ADMIN}>" in "\n".join(mrkdwn_texts(reply_params(stack, who)))
