"""`ctibot trust` end to end against `ctibot sim --tls`: the fingerprint shown, confirmed or
pinned, the bundle written, the config edited (comments kept, verification never turned
off), doctor green afterwards, and a certificate changed later named with both fingerprints."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cucm import certs
from cucmsim import tls
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.integration.doctor.clusters import (
    PASSWORD_ENV,
    cluster_toml,
    names_do_not_resolve,
    write_cluster,
)

CTIBOT = Path(sys.executable).with_name("ctibot")
pytestmark = pytest.mark.timeout(120)


@dataclass
class Lab:
    sim: SimServer
    config: Path

    @property
    def bundle(self) -> Path:
        return self.config.parent / "doclab-ca.pem"

    def presented(self) -> list:
        return certs.presented_chain("127.0.0.1", self.sim.port, 2.0)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("CTIBOT_", "SLACK_")):
            monkeypatch.delenv(name)


def _lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Iterator[Lab]:
    with SimServer(SimOptions(tls=True, node_count=2, **options)) as sim:
        yield Lab(sim, write_cluster(tmp_path / "ctibot.toml", sim, monkeypatch))


@pytest.fixture
def self_signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    yield from _lab(tmp_path, monkeypatch, tls_self_signed=True)


@pytest.fixture
def ca_signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    yield from _lab(tmp_path, monkeypatch)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    return result.exit_code, result.output


def _trust(lab: Lab, *args: str) -> tuple[int, str]:
    return _run("trust", "doclab", "--config", str(lab.config), *args)


def _doctor(lab: Lab) -> tuple[int, dict]:
    code, out = _run("doctor", "--config", str(lab.config), "--json")
    return code, json.loads(out)


def test_trust_pins_the_self_signed_certificate_and_doctor_turns_green(self_signed: Lab) -> None:
    lab = self_signed
    before = lab.config.read_text(encoding="utf-8")
    assert _doctor(lab)[0] == 1
    fingerprint = certs.fingerprint(lab.presented()[0])
    code, out = _trust(lab, "--fingerprint", fingerprint.lower().replace(":", ""))
    assert code == 0, out
    assert f"SHA-256  {fingerprint}" in out
    assert "(self-signed)" in out
    assert [certs.fingerprint(c) for c in certs.load_bundle(lab.bundle)] == [fingerprint]
    after = lab.config.read_text(encoding="utf-8")
    assert after == before + f'ca_bundle = "{lab.bundle}"\n', "one line added, comments kept"
    assert "verify_tls" not in after
    assert "✓ publisher (127.0.0.1): verified with the bundle" in out
    assert "✓ cucm-sub1 (127.0.0.2): verified with the bundle" in out
    code, report = _doctor(lab)
    tls = [f for f in report["clusters"][0]["findings"] if f["check"] == "tls"]
    assert {f["mark"] for f in tls} == {"pass"} and len(tls) == 4
    assert code == 0


def test_a_ca_signed_chain_pins_its_ca(ca_signed: Lab) -> None:
    leaf, ca = ca_signed.presented()
    code, out = _trust(ca_signed, "--fingerprint", certs.fingerprint(leaf))
    assert code == 0, out
    assert f"Trusting [2] {ca.subject.rfc4514_string()}" in out
    assert certs.load_bundle(ca_signed.bundle) == [ca]
    assert _doctor(ca_signed)[0] == 0


def test_a_fingerprint_that_does_not_match_writes_nothing(self_signed: Lab) -> None:
    before = self_signed.config.read_text(encoding="utf-8")
    code, out = _trust(self_signed, "--fingerprint", "AB:" * 31 + "AB")
    assert code == 1
    presented = certs.fingerprint(self_signed.presented()[0])
    assert f"presents SHA-256 {presented}" in out and "Nothing written." in out
    assert not self_signed.bundle.exists()
    assert self_signed.config.read_text(encoding="utf-8") == before


def test_without_a_terminal_it_asks_for_the_fingerprint(self_signed: Lab) -> None:
    code, out = _trust(self_signed)
    assert code == 2
    assert "--fingerprint" in out and "nothing written" in out
    assert not self_signed.bundle.exists()


def _interactive(lab: Lab, answer: bytes) -> tuple[int, str]:
    """`ctibot trust` in a child process whose stdin is a terminal, as an administrator's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CTIBOT_"))}
    env |= {PASSWORD_ENV: lab.sim.options.password, "COLUMNS": "200"}
    master, slave = pty.openpty()
    try:
        os.write(master, answer)
        done = subprocess.run(
            [str(CTIBOT), "trust", "doclab", "--config", str(lab.config)],
            stdin=slave,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        os.close(slave)
        os.close(master)
    return done.returncode, done.stdout + done.stderr


def test_the_administrator_confirms_the_fingerprint_at_the_prompt(self_signed: Lab) -> None:
    fingerprint = certs.fingerprint(self_signed.presented()[0])
    code, out = _interactive(self_signed, b"y\n")
    assert code == 0, out
    assert f"Does CUCM show SHA-256 {fingerprint}" in out
    assert [certs.fingerprint(c) for c in certs.load_bundle(self_signed.bundle)] == [fingerprint]


def test_declining_at_the_prompt_writes_nothing(self_signed: Lab) -> None:
    before = self_signed.config.read_text(encoding="utf-8")
    code, out = _interactive(self_signed, b"n\n")
    assert code == 1
    assert "not confirmed. Nothing written." in out
    assert not self_signed.bundle.exists()
    assert self_signed.config.read_text(encoding="utf-8") == before


def test_after_trust_a_changed_certificate_is_an_error_naming_both_fingerprints(
    self_signed: Lab,
) -> None:
    old = certs.fingerprint(self_signed.presented()[0])
    assert _trust(self_signed, "--fingerprint", old)[0] == 0
    self_signed.sim.restart()
    new = certs.fingerprint(self_signed.presented()[0])
    assert new != old
    code, out = _run("doctor", "--config", str(self_signed.config))
    assert code == 1
    assert f"presented SHA-256 {new}" in out and f"pinned SHA-256 {old}" in out, out
    assert "ctibot trust doclab" in out
    assert "verify_tls" not in self_signed.config.read_text(encoding="utf-8")
    code, out = _trust(self_signed, "--fingerprint", new)
    assert code == 0, out
    assert f"It replaces the one pinned before, SHA-256 {old}." in out
    assert [certs.fingerprint(c) for c in certs.load_bundle(self_signed.bundle)] == [new]
    assert _doctor(self_signed)[0] == 0


def test_process_nodes_are_listed_over_the_confirmed_certificate(
    self_signed: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    names_do_not_resolve(monkeypatch, {"cucm-pub", "cucm-sub1"})
    self_signed.config.write_text(cluster_toml(self_signed.sim, mapped=False), encoding="utf-8")
    fingerprint = certs.fingerprint(self_signed.presented()[0])
    code, out = _trust(self_signed, "--fingerprint", fingerprint)
    assert code == 0, out
    assert "cucm-sub1: skipped, cannot connect to cucm-sub1" in out, "listed via AXL"
    assert "(ctibot doctor shows the fix)" in out


def test_a_cluster_not_in_the_file_gets_the_line_to_add(
    self_signed: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = tomllib.loads(cluster_toml(self_signed.sim))["clusters"]
    monkeypatch.setenv("CTIBOT_CLUSTERS", json.dumps(cluster))
    before = "# clusters come from the environment here\n[server]\nport = 3000\n"
    self_signed.config.write_text(before, encoding="utf-8")
    fingerprint = certs.fingerprint(self_signed.presented()[0])
    code, out = _trust(self_signed, "--fingerprint", fingerprint)
    assert code == 0, out
    assert "has no [[clusters]] entry with name = 'doclab'" in out
    assert f'  ca_bundle = "{self_signed.bundle}"' in out
    assert self_signed.bundle.is_file()
    assert self_signed.config.read_text(encoding="utf-8") == before


def test_the_certificates_the_cluster_already_trusts_stay_in_the_new_bundle(
    self_signed: Lab, tmp_path: Path
) -> None:
    enterprise = tls.generate([], tmp_path).ca_cert
    with self_signed.config.open("a", encoding="utf-8") as file:
        file.write(f'ca_bundle = "{enterprise}"\n')
    fingerprint = certs.fingerprint(self_signed.presented()[0])
    code, out = _trust(self_signed, "--fingerprint", fingerprint)
    assert code == 0, out
    kept = certs.fingerprint(certs.load_bundle(enterprise)[0])
    pinned = [certs.fingerprint(c) for c in certs.load_bundle(self_signed.bundle)]
    assert pinned == [kept, fingerprint]
    assert f'ca_bundle = "{self_signed.bundle}"' in self_signed.config.read_text(encoding="utf-8")
