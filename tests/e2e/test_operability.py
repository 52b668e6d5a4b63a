"""What an operator sees: probes, Prometheus counters and request-id'd JSON logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.bootstrap import ConfiguredClusters
from bot.config import load_settings
from bot.demo.loopback import ENV, Loopback, start
from bot.logging_setup import configure_logging, register_secret
from bot.readiness import ClusterProbe
from tests.e2e.conftest import VIEWER, Stack


def scrape(stack: Stack, name: str, **labels: str) -> float:
    response = requests.get(f"{stack.http.url}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def run_version(stack: Stack) -> None:
    response, key = stack.peer.command("version", VIEWER)
    assert response.status_code == 200, response.text
    stack.fake.wait_for("response_url", where=lambda c: c.path.endswith(f"/{key}"))


def test_livez_is_always_200(stack: Stack) -> None:
    response = requests.get(f"{stack.http.url}/livez", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_metrics_move_after_a_command(stack: Stack) -> None:
    commands = ("ctibot_commands_total", {"command": "version", "outcome": "read"})
    calls = ("ctibot_cucm_call_seconds_count", {"operation": "axl.getCCMVersion"})
    before = scrape(stack, commands[0], **commands[1]), scrape(stack, calls[0], **calls[1])
    run_version(stack)
    assert scrape(stack, commands[0], **commands[1]) == before[0] + 1
    assert scrape(stack, calls[0], **calls[1]) > before[1]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_one_request_id_from_slack_to_cucm_and_no_secret(
    stack: Stack, json_log: io.StringIO
) -> None:
    secrets = load_settings(stack.config_path).secret_values()
    for secret in secrets:
        register_secret(secret)
    run_version(stack)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    slack = [e for e in lines if e["logger"] == "bot.slack.request_id"]
    assert slack, lines
    request_id = slack[-1]["request_id"]
    mine = [e for e in lines if e["request_id"] == request_id]
    runner = [e for e in mine if e["logger"] == "commands.engine.runner"]
    cucm = [e for e in mine if e["logger"] == "bot.cucm.soap"]
    assert runner[0]["command"] == "version" and runner[0]["outcome"] == "read"
    assert cucm and cucm[0]["operation"] == "axl.getCCMVersion"
    assert cucm[0]["outcome"] == "ok" and cucm[0]["attempt"] == 1
    assert {"node", "cluster", "duration_ms"} <= set(cucm[0])
    text = json_log.getvalue()
    assert sorted(ENV.values()) == sorted(secrets)
    for secret in secrets:
        assert secret not in text


@pytest.fixture
def lone(tmp_path: Path) -> Iterator[Loopback]:
    """A stack of its own: stopping its simulator must not disturb the shared one."""
    loopback = start(tmp_path)
    try:
        yield loopback
    finally:
        loopback.stop()


def ready(loopback: Loopback) -> tuple[int, dict[str, Any]]:
    response = requests.get(f"{loopback.http.url}/readyz", timeout=10)
    return response.status_code, response.json()


def test_readyz_follows_the_cluster(lone: Loopback) -> None:
    assert ready(lone) == (
        200,
        {"status": "ok", "database": "ok", "migrations": "current", "clusters": {"lab": "ok"}},
    )
    lone.sim.stop()
    # Fresh connections: the stopped simulator still answers on kept-alive ones.
    clusters = ConfiguredClusters(list(load_settings(lone.config_path).clusters))
    lone.bot.readiness = ClusterProbe(clusters, ttl_s=0, timeout_s=2)
    status, body = ready(lone)
    assert status == 503
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["clusters"]["lab"] != "ok"
    assert requests.get(f"{lone.http.url}/livez", timeout=5).status_code == 200
