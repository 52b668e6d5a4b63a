"""`ctibot sim` only turns flags into SimOptions; the simulator itself is tested in cucmsim."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.sim import AXL_XSD, WSDL_DIR
from cucmsim.options import SimOptions


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[SimOptions]:
    calls: list[SimOptions] = []
    api = types.ModuleType("cucmsim.api")
    monkeypatch.setattr(api, "run_forever", calls.append, raising=False)
    monkeypatch.setitem(sys.modules, "cucmsim.api", api)
    return calls


def test_defaults(started: list[SimOptions]) -> None:
    result = CliRunner().invoke(app, ["sim"])
    assert result.exit_code == 0, result.output
    [options] = started
    assert (options.host, options.port, options.tls, options.seed) == (
        "127.0.0.1",
        8443,
        False,
        "demo",
    )
    assert options.axl_xsd == AXL_XSD and AXL_XSD.is_file()
    assert options.wsdl_dir == WSDL_DIR and (WSDL_DIR / "axl" / "AXLAPI.wsdl").is_file()


def test_every_flag_reaches_the_options(started: list[SimOptions]) -> None:
    args = [
        "sim",
        "--host",
        "127.0.0.5",
        "--port",
        "9443",
        "--tls",
        "--username",
        "u",
        "--password",
        "p",
        "--seed",
        "empty",
        "--latency-ms",
        "25",
        "--axl-write-rate",
        "2.5",
        "--nodes",
        "2",
        "--strict",
        "--service-delay",
        "120",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [options] = started
    assert options == SimOptions(
        host="127.0.0.5",
        port=9443,
        tls=True,
        username="u",
        password="p",
        seed="empty",
        node_count=2,
        latency_ms=25,
        axl_write_rate=2.5,
        strict=True,
        service_transition_s=120.0,
        axl_xsd=AXL_XSD,
        wsdl_dir=WSDL_DIR,
    )


def test_tls_certificate_flags(started: list[SimOptions], tmp_path: Path) -> None:
    args = ["sim", "--tls-self-signed", "--tls-expires-in-days", "7", "--tls-dir", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [options] = started
    assert (options.tls, options.tls_self_signed) == (True, True), "self-signed implies --tls"
    assert (options.tls_valid_days, options.tls_dir) == (7, tmp_path)
