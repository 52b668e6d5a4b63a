from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

CONFIG = """
[database]
url = "postgresql://ctibot:dbpass@db.example.com/ctibot"

[[clusters]]
name = "lab"
host = "127.0.0.1"
scheme = "http"
username = "axladmin"

[rbac]
admins = ["U0ADMIN1"]
viewers = ["*", "S0VOICE"]
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("CTIBOT_", "SLACK_")):
            monkeypatch.delenv(name)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check-config", *args])
    return result.exit_code, result.stdout, result.stderr


def test_ok_prints_a_summary_without_secret_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "lab-very-secret")
    code, out, _ = run("--config", str(path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "OK"
    assert "  lab (default): http://127.0.0.1:8443 AXL 12.5 as axladmin" in lines
    assert "rbac: 1 admins, 0 operators, 2 viewers" in lines
    assert "database: postgresql+psycopg://ctibot:***@db.example.com/ctibot" in lines
    assert "  SLACK_BOT_TOKEN: set" in lines
    assert "  SLACK_SIGNING_SECRET: missing" in lines
    assert "  CTIBOT_LAB_PASSWORD: set" in lines
    assert "very-secret" not in out
    assert "dbpass" not in out


def test_missing_secrets_fail_only_when_required(tmp_path: Path) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    code, _, err = run("--config", str(path), "--require-secrets")
    assert code == 1
    assert "  CTIBOT_LAB_PASSWORD: secret not set in the environment" in err.splitlines()


def test_problems_are_listed_one_per_line_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(
        CONFIG.replace('scheme = "http"', "port = 99999") + '\n[slack]\nbot_token = "xoxb-x"\n',
        encoding="utf-8",
    )
    code, out, err = run("--config", str(path))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{path}: 2 problems",
        "  slack.bot_token: secrets must not be in the config file; "
        "set the environment variable SLACK_BOT_TOKEN instead",
        "  clusters[0].port: must be between 1 and 65535",
    ]


def test_config_from_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIBOT_CONFIG", str(tmp_path / "absent.toml"))
    code, _, err = run()
    assert code == 1
    assert f"{tmp_path / 'absent.toml'}: config file not found" in err


@pytest.mark.parametrize(
    ("transport", "unneeded"),
    [("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"), ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")],
    ids=["http", "socket_mode"],
)
def test_required_secrets_follow_the_transport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transport: str, unneeded: str
) -> None:
    path = tmp_path / "ctibot.toml"
    path.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-x")
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "pw")
    monkeypatch.setenv(transport, "xapp-x" if transport == "SLACK_APP_TOKEN" else "s")
    code, out, err = run("--config", str(path), "--require-secrets")
    assert code == 0, err
    assert f"  {unneeded}: not needed" in out.splitlines()
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code, _, err = run("--config", str(path), "--require-secrets")
    assert code == 1
    assert "  SLACK_BOT_TOKEN: secret not set in the environment" in err.splitlines()
