from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    ConfigError,
    MissingSecretError,
    Settings,
    UnknownClusterError,
    load_settings,
)

GOOD = """
[slack]
alert_channel = "C0ALERTS"
in_channel_commands = ["health"]

[server]
port = 3100

[database]
url = "sqlite:///from-file.db"

[[clusters]]
name = "lab"
host = "127.0.0.1"
port = 8443
scheme = "http"
username = "axladmin"
nodes = { "cucm-sub1" = "127.0.0.2" }
service_wait = 600

[[clusters]]
name = "prod-east"
host = "cucm-pub.example.com"
username = "ctibot"
default = true
password_env = "PROD_AXL_PASSWORD"

[rbac]
admins = ["U0ADMIN1", "S0VOICEADM"]
operators = ["W0OPER"]
viewers = ["*"]

[logging]
level = "debug"
json = true
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("CTIBOT_", "SLACK_", "PROD_")):
            monkeypatch.delenv(name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ctibot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return caught.value.problems


def test_defaults_without_a_file() -> None:
    settings = load_settings()
    assert settings.database.url == "sqlite:///ctibot.db"
    assert settings.server.host == "127.0.0.1"
    assert settings.server.port == 3000
    assert settings.slack.api_url == "https://slack.com/api/"
    assert settings.slack.worker_threads == 8
    assert settings.slack.socket_mode is False
    assert settings.confirmations.ttl_seconds == 900
    assert settings.logging.level == "INFO"
    assert settings.logging.json_lines is False
    assert settings.clusters == []


def test_file_values_are_loaded(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.server.port == 3100
    assert settings.slack.in_channel_commands == ["health"]
    lab = settings.cluster("lab")
    assert lab.scheme == "http"
    assert lab.nodes == {"cucm-sub1": "127.0.0.2"}
    assert lab.password_env == "CTIBOT_LAB_PASSWORD"
    assert lab.axl_version == "12.5"
    assert settings.cluster("PROD-EAST").password_env == "PROD_AXL_PASSWORD"
    assert settings.cluster(None).name == "prod-east"
    assert settings.logging.level == "DEBUG"
    assert settings.logging.json_lines is True
    assert settings.rbac.viewers == ["*"]


def test_service_wait_defaults_to_minutes_and_reaches_the_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real node can take minutes to start a service: the wait is minutes, per cluster."""
    from bot.bootstrap import endpoint_of

    settings = load_settings(write(tmp_path, GOOD))
    assert settings.cluster("lab").service_wait == 600
    assert settings.cluster("prod-east").service_wait == 300
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "x")
    assert endpoint_of(settings.cluster("lab")).service_wait_s == 600
    bad = GOOD.replace("service_wait = 600", "service_wait = 0")
    assert any("service_wait" in p for p in problems(write(tmp_path, bad)))


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIBOT_CONFIG", str(write(tmp_path, GOOD)))
    assert load_settings().server.port == 3100


def test_environment_beats_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIBOT_DATABASE__URL", "sqlite:///from-env.db")
    monkeypatch.setenv("CTIBOT_SERVER__PORT", "3200")
    monkeypatch.setenv("CTIBOT_LOGGING__JSON", "false")
    monkeypatch.setenv("CTIBOT_RBAC__OPERATORS", '["U0OTHER"]')
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.database.url == "sqlite:///from-env.db"
    assert settings.server.port == 3200
    assert settings.server.host == "127.0.0.1"
    assert settings.logging.json_lines is False
    assert settings.logging.level == "DEBUG"  # untouched keys of the section keep file values
    assert settings.rbac.operators == ["U0OTHER"]


def test_secrets_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret-value")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-secret")
    monkeypatch.setenv("CTIBOT_LAB_PASSWORD", "lab-pass")
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.get_secret_value() == "xoxb-1-secret"
    assert settings.slack.socket_mode is True
    assert settings.cluster("lab").password() == "lab-pass"
    assert "xoxb-1-secret" not in repr(settings)
    assert "signing-secret-value" not in str(settings.model_dump())
    assert sorted(settings.secret_values()) == sorted(
        ["xoxb-1-secret", "signing-secret-value", "xapp-1-secret", "lab-pass"]
    )
    assert settings.secret_status() == {
        "SLACK_BOT_TOKEN": True,
        "SLACK_SIGNING_SECRET": True,
        "SLACK_APP_TOKEN": True,
        "CTIBOT_LAB_PASSWORD": True,
        "PROD_AXL_PASSWORD": False,
    }


def test_missing_password_names_the_variable(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD))
    with pytest.raises(MissingSecretError, match="PROD_AXL_PASSWORD"):
        settings.cluster("prod-east").password()


def test_password_env_default_sanitises_the_name() -> None:
    settings = Settings(clusters=[{"name": "us.east-1", "host": "h", "username": "u"}])
    assert settings.clusters[0].password_env == "CTIBOT_US_EAST_1_PASSWORD"


def test_secrets_in_the_file_are_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        'alert_channel = "C0ALERTS"', 'alert_channel = "C0ALERTS"\nbot_token = "xoxb-in-file"'
    ).replace('username = "axladmin"', 'username = "axladmin"\npassword = "hunter2"')
    found = problems(write(tmp_path, text))
    assert found == [
        "slack.bot_token: secrets must not be in the config file; "
        "set the environment variable SLACK_BOT_TOKEN instead",
        "clusters[0].password: secrets must not be in the config file; "
        "set the environment variable CTIBOT_LAB_PASSWORD instead",
    ]


def test_every_problem_is_reported_with_its_location(tmp_path: Path) -> None:
    text = """
[server]
port = 0
[[clusters]]
name = "lab"
host = "h"
username = "u"
port = 70000
scheme = "ftp"
axl_version = "9.1"
[[clusters]]
name = "bad name"
host = "h"
[rbac]
admins = ["bob", "U0OK"]
[confirmations]
ttl_seconds = 1
[nonsense]
x = 1
"""
    found = problems(write(tmp_path, text))
    assert "server.port: must be between 1 and 65535" in found
    assert "clusters[0].port: must be between 1 and 65535" in found
    assert any(
        line.startswith("clusters[0].scheme: Input should be 'https' or 'http'") for line in found
    )
    assert any(line.startswith("clusters[0].axl_version: ") for line in found)
    assert any(line.startswith("clusters[1].name: must start with a letter") for line in found)
    assert "clusters[1].username: required" in found
    assert (
        "rbac.admins[0]: 'bob' is not a Slack user ID (U…/W…), user-group ID (S…) or '*'" in found
    )
    assert any(line.startswith("confirmations.ttl_seconds: ") for line in found)
    assert "nonsense: unknown setting" in found


def test_cluster_names_must_be_unique_and_one_default(tmp_path: Path) -> None:
    dupes = """
[[clusters]]
name = "lab"
host = "a"
username = "u"
default = true
[[clusters]]
name = "LAB"
host = "b"
username = "u"
default = true
"""
    assert problems(write(tmp_path, dupes)) == ["clusters: duplicate cluster name 'LAB'"]
    two_defaults = dupes.replace('name = "LAB"', 'name = "lab2"')
    assert problems(write(tmp_path, two_defaults)) == [
        "clusters: at most one cluster may be the default, found ['lab', 'lab2']"
    ]


def test_single_cluster_is_the_default() -> None:
    settings = Settings(clusters=[{"name": "only", "host": "h", "username": "u"}])
    assert settings.cluster().name == "only"


def test_unknown_cluster_lists_known_names(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD))
    with pytest.raises(UnknownClusterError, match="known clusters: lab, prod-east"):
        settings.cluster("nope")
    two = Settings(
        clusters=[
            {"name": "a", "host": "h", "username": "u"},
            {"name": "b", "host": "h", "username": "u"},
        ]
    )
    with pytest.raises(UnknownClusterError, match="no default cluster; name one of: a, b"):
        two.cluster()


def test_unreadable_files_are_problems(tmp_path: Path) -> None:
    assert problems(tmp_path / "missing.toml") == [
        f"{tmp_path / 'missing.toml'}: config file not found"
    ]
    (bad := tmp_path / "bad.toml").write_text("[server\n", encoding="utf-8")
    [line] = problems(bad)
    assert line.startswith(f"{bad}: invalid TOML:")


def test_a_libpq_postgresql_url_uses_psycopg_3() -> None:
    settings = Settings(database={"url": "postgresql://ctibot:s3cret@db.example:5432/ctibot"})
    assert settings.database.url == "postgresql+psycopg://ctibot:s3cret@db.example:5432/ctibot"
    assert "s3cret" in settings.secret_values()  # masked in the logs like the other secrets


def test_a_database_driver_that_is_missing_or_unknown_is_named(tmp_path: Path) -> None:
    missing = problems(write(tmp_path, '[database]\nurl = "mysql+mysqldb://u@h/db"\n'))
    assert any(
        line.startswith("database.url: the mysql+mysqldb driver is not installed")
        for line in missing
    ), missing
    unknown = problems(write(tmp_path, '[database]\nurl = "nosuchdb://u@h/db"\n'))
    assert "database.url: no SQLAlchemy dialect for 'nosuchdb'" in unknown, unknown


def test_cluster_names_fit_the_database_columns(tmp_path: Path) -> None:
    text = f'[[clusters]]\nname = "{"a" * 65}"\nhost = "h"\nusername = "u"\n'
    assert any(
        line.startswith("clusters[0].name: at most 64 characters")
        for line in problems(write(tmp_path, text))
    )
