"""Doctor check 3, credentials and version, against the simulator through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app
from bot.doctor.checks.credentials import highest_served


def _doctor(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["doctor", *args])
    return result.exit_code, result.stdout


def _credentials(document: dict) -> list[dict]:
    (cluster,) = document["clusters"]
    return [f for f in cluster["findings"] if f["check"] == "credentials"]


def test_good_login_and_version_pass(write_config) -> None:
    code, out = _doctor("--config", str(write_config()), "--json")
    found = _credentials(json.loads(out))
    assert [f["mark"] for f in found] == ["pass", "pass"], found
    assert "12.5" in found[0]["detail"]
    assert code == 0


def test_wrong_password_fails_with_the_role_and_where_to_grant_it(write_config) -> None:
    code, out = _doctor("--config", str(write_config(password="not-the-password")))
    assert code == 1
    assert "✗ credentials" in out and "HTTP 401" in out
    assert "Standard AXL API Access" in out
    assert "not-the-password" not in out


def test_axl_version_above_the_cluster_is_an_error_naming_the_line(write_config) -> None:
    code, out = _doctor("--config", str(write_config(axl_version="15.0")), "--json")
    version = _credentials(json.loads(out))[1]
    assert version["mark"] == "fail"
    assert version["fix"] == 'In the cluster\'s config section: axl_version = "12.5"'
    assert code == 1


def test_an_older_axl_version_passes_and_names_the_newest() -> None:
    assert highest_served("12.5.1.11900-146") == "12.5"
    assert highest_served("14.0.1.10000-20") == "14.0"
    assert highest_served("15.0.1.12900-234") == "15.0"
    assert highest_served("10.5.2.10000-5") is None


def test_unknown_cluster_is_a_usage_error(write_config) -> None:
    code, _ = _doctor("--config", str(write_config()), "--cluster", "nope")
    assert code == 2
