"""Doctor check 1: the publisher ("reach") and every process node ("nodes") answer at the
address ctibot uses, against the simulator through the CLI."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from cucmsim.api import SimServer
from tests.integration.doctor.clusters import names_do_not_resolve, write_cluster


def _doctor(config: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(app, ["doctor", "--config", str(config), "--json"])
    (cluster,) = json.loads(result.stdout)["clusters"]
    return result.exit_code, cluster["findings"]


def _of(findings: list[dict], *checks: str) -> list[dict]:
    return [f for f in findings if f["check"] in checks]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_publisher_and_every_node_answer(write_config, sim: SimServer) -> None:
    code, findings = _doctor(write_config())
    reach = _of(findings, "reach", "nodes")
    assert [(f["check"], f["mark"]) for f in reach] == [("reach", "pass")] + [("nodes", "pass")] * 3
    assert reach[0]["subject"] == "publisher 127.0.0.1"
    assert [f["subject"] for f in reach[1:]] == [
        f"{n['name']} ({n['address']})" for n in sim.nodes()
    ]
    assert f"TCP and HTTP answer on port {sim.port}" in reach[0]["detail"]
    assert code == 0


def test_closed_port_fails_and_the_checks_after_it_are_not_run(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _closed_port()
    config = write_cluster(tmp_path / "ctibot.toml", sim, monkeypatch, port=port)
    code, findings = _doctor(config)
    (reach,) = _of(findings, "reach")
    assert reach["mark"] == "fail"
    assert f"TCP connect to 127.0.0.1:{port} failed" in reach["detail"]
    assert f"blocks TCP port {port}" in reach["fix"]
    skipped = {f["check"]: f["mark"] for f in findings if f["check"] != "reach"}
    assert {"nodes", "tls", "credentials"} <= skipped.keys()
    assert set(skipped.values()) == {"skip"}, "every later check is skipped"
    assert code == 1


def test_unresolvable_node_names_get_the_nodes_line_to_add(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names_do_not_resolve(monkeypatch, {n["name"] for n in sim.nodes()})
    config = write_cluster(tmp_path / "ctibot.toml", sim, monkeypatch, mapped=False)
    code, findings = _doctor(config)
    nodes = _of(findings, "nodes")
    assert [f["mark"] for f in nodes] == ["fail"] * 4
    assert "cucm-sub1" in nodes[1]["subject"]
    assert "name does not resolve from this host" in nodes[1]["detail"]
    assert nodes[3]["fix"] == (
        "In the cluster's config section: nodes = { "
        '"cucm-pub" = "127.0.0.1", "cucm-sub1" = "<address>", "cucm-sub2" = "<address>" }'
    )
    credentials = _of(findings, "credentials")
    assert [f["mark"] for f in credentials] == ["pass", "pass"], "the publisher still works"
    assert code == 1


def test_the_suggested_mapping_keeps_the_nodes_already_mapped(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names_do_not_resolve(monkeypatch, {"cucm-sub2"})
    config = tmp_path / "ctibot.toml"
    write_cluster(config, sim, monkeypatch, mapped=False)
    with config.open("a", encoding="utf-8") as file:
        file.write('nodes = { "cucm-pub" = "127.0.0.1", "cucm-sub1" = "127.0.0.2" }\n')
    code, findings = _doctor(config)
    failed = [f for f in _of(findings, "nodes") if f["mark"] == "fail"]
    assert [f["subject"] for f in failed] == ["cucm-sub2", "mapping"]
    assert failed[1]["fix"].endswith(
        '"cucm-pub" = "127.0.0.1", "cucm-sub1" = "127.0.0.2", "cucm-sub2" = "<address>" }'
    )
    assert code == 1


def test_wrong_scheme_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SimServer() as plain:
        config = write_cluster(tmp_path / "ctibot.toml", plain, monkeypatch, scheme="https")
        code, findings = _doctor(config)
    (reach,) = _of(findings, "reach")
    assert reach["mark"] == "fail"
    assert "HTTPS gets no answer" in reach["detail"]
    assert 'scheme = "https"' in reach["fix"]
    assert code == 1
