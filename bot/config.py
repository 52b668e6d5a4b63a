"""One typed settings object, from a TOML file overridden by the environment.

Precedence (highest first): Slack's own secret variables, ``CTIBOT_*`` variables
(``__`` separates nesting levels, e.g. ``CTIBOT_DATABASE__URL``), the TOML file,
the defaults below. Secrets are read only from the environment so a config file
can be committed or pasted into a ticket; a secret found in the file is refused.

Adding a section: write a ``_Section`` subclass with defaults for every field and
add it as a field of ``Settings``; file, environment, docs and check-config
handle it without further wiring.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FilePath,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

CONFIG_ENV = "CTIBOT_CONFIG"
ENV_PREFIX = "CTIBOT_"
SLACK_SECRET_ENV = {
    "bot_token": "SLACK_BOT_TOKEN",
    "signing_secret": "SLACK_SIGNING_SECRET",
    "app_token": "SLACK_APP_TOKEN",
}
_SECRET_KEY = re.compile(r"(^|_)(password|secret|token)$", re.IGNORECASE)
_SLACK_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")
_CLUSTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CLUSTER_NAME_MAX = 64  # the change log's and the alerts' cluster columns are VARCHAR(64)


class ConfigError(Exception):
    """Every problem found while loading, one precise line each, for check-config and startup."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class UnknownClusterError(LookupError):
    """A command named a cluster that is not configured (or none is the default)."""


class MissingSecretError(RuntimeError):
    """A secret that must come from the environment is not set there."""


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError("must be between 1 and 65535")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _slack_id(value: str) -> str:
    if value != "*" and not _SLACK_ID.match(value):
        raise ValueError(f"{value!r} is not a Slack user ID (U…/W…), user-group ID (S…) or '*'")
    return value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


Port = Annotated[int, AfterValidator(_port)]
Seconds = Annotated[float, AfterValidator(_positive)]
SlackId = Annotated[str, AfterValidator(_slack_id)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SlackSettings(_Section):
    api_url: str = "https://slack.com/api/"
    alert_channel: str | None = None
    audit_channel: str | None = None
    announce_writes: bool = False
    worker_threads: int = Field(8, ge=1, le=64)
    in_channel_commands: list[str] = Field(default_factory=list)
    socket_ping_interval: Seconds = 10.0
    bot_token: SecretStr | None = Field(None, exclude=True)
    signing_secret: SecretStr | None = Field(None, exclude=True)
    app_token: SecretStr | None = Field(None, exclude=True)

    @property
    def socket_mode(self) -> bool:
        """An app-level token only exists to open a Socket Mode connection."""
        return self.app_token is not None


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: Port = 3000
    shutdown_grace: Seconds = 30.0


class DatabaseSettings(_Section):
    url: str = "sqlite:///ctibot.db"

    @field_validator("url")
    @classmethod
    def _usable(cls, value: str) -> str:
        """Any SQLAlchemy URL whose driver is installed; libpq's ``postgresql://`` form means
        psycopg 3 (the ``postgres`` extra), not SQLAlchemy's default of psycopg2."""
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a SQLAlchemy database URL: {value!r}") from exc
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        try:
            url.get_dialect().import_dbapi()
        except NoSuchModuleError:
            raise ValueError(f"no SQLAlchemy dialect for {url.drivername!r}") from None
        except ImportError as exc:
            hint = (
                " (pip install 'ctibot[postgres]')"
                if url.get_backend_name() == "postgresql"
                else ""
            )
            raise ValueError(
                f"the {url.drivername} driver is not installed: no module {exc.name!r}{hint}"
            ) from None
        return url.render_as_string(hide_password=False)


def default_password_env(cluster_name: str) -> str:
    """``CTIBOT_<NAME>_PASSWORD`` with every non-alphanumeric character turned into ``_``."""
    return f"{ENV_PREFIX}{re.sub(r'[^A-Z0-9]', '_', cluster_name.upper())}_PASSWORD"


class ClusterSettings(_Section):
    name: str
    host: str
    port: Port = 8443
    scheme: Literal["https", "http"] = "https"
    username: str
    password_env: str = ""
    axl_version: Literal["11.5", "12.5", "14.0", "15.0"] = "12.5"
    verify_tls: bool = True
    ca_bundle: FilePath | None = None
    axl_wsdl: FilePath | None = None
    nodes: dict[str, str] = Field(default_factory=dict)
    default: bool = False
    connect_timeout: Seconds = 5.0
    read_timeout: Seconds = 30.0
    pace_writes: bool = True
    max_write_rate: float | None = Field(default=None, gt=0)
    reference_ttl: float = Field(default=300.0, ge=0)
    param_names: dict[str, str] = Field(default_factory=dict)
    service_wait: Seconds = 300.0

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > CLUSTER_NAME_MAX:
            raise ValueError(f"at most {CLUSTER_NAME_MAX} characters, not {len(value)}")
        if not _CLUSTER_NAME.match(value):
            raise ValueError(
                "must start with a letter or digit and contain only letters, digits, '_', '.', '-'"
            )
        return value

    @model_validator(mode="after")
    def _default_password_env(self) -> ClusterSettings:
        if not self.password_env:
            self.password_env = default_password_env(self.name)
        return self

    def password(self) -> str:
        """Read at use time, so a rotated secret needs a restart but never a file edit."""
        value = os.environ.get(self.password_env)
        if not value:
            raise MissingSecretError(
                f"password for cluster {self.name!r} is not set: "
                f"export {self.password_env}=<AXL password>"
            )
        return value

    def has_password(self) -> bool:
        return bool(os.environ.get(self.password_env))


class RbacSettings(_Section):
    admins: list[SlackId] = Field(default_factory=list)
    operators: list[SlackId] = Field(default_factory=list)
    viewers: list[SlackId] = Field(default_factory=list)


class ConfirmationSettings(_Section):
    ttl_seconds: int = Field(900, ge=10, le=86400)
    # Four-eyes: a risky plan must be confirmed by someone other than who asked for it.
    four_eyes: bool = False


class LoggingSettings(_Section):
    level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper)
    ] = "INFO"
    json_lines: bool = Field(False, alias="json")


class HealthApplication(_Section):
    """A CTI application the on-call engineer expects connected, and where."""

    app_user: str
    cluster: str | None = None  # None: the default cluster
    primary_node: str
    backup_node: str | None = None


class MaintenanceWindow(_Section):
    """Planned work: alerts matching it are tracked but not announced."""

    cluster: str | None = None  # None: every cluster
    node: str | None = None
    check: str | None = None
    start: datetime
    end: datetime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> MaintenanceWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a UTC offset, e.g. 2026-01-10T22:00:00+00:00")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class HealthSettings(_Section):
    enabled: bool = True
    heartbeat_interval: Seconds = 30
    services_interval: Seconds = 60
    applications_interval: Seconds = 60
    devices_interval: Seconds = 60
    limits_interval: Seconds = 900
    drift_interval: Seconds = 900
    fire_after: int = Field(2, ge=1, le=100)
    resolve_after: int = Field(2, ge=1, le=100)
    reminder_interval: Seconds = 14400
    jitter: int = Field(5, ge=0, le=3600)
    max_workers: int = Field(8, ge=1, le=64)
    check_timeout: Seconds = 60
    ris_per_minute: int = Field(15, ge=1, le=10000)
    perfmon_per_minute: int = Field(80, ge=1, le=10000)
    post_interval: float = Field(1.0, ge=0, le=60)
    leader_poll: float = Field(3.0, ge=0.2, le=60)
    history_days: int = Field(90, ge=1, le=3650)
    capacity_days: int = Field(30, ge=1, le=366)
    runbook_url: str | None = None  # None: docs/operations.md at this version's tag
    applications: list[HealthApplication] = Field(default_factory=list)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)
    devices: list[str] = Field(default_factory=list)

    @field_validator("runbook_url")
    @classmethod
    def _web_page(cls, value: str | None) -> str | None:
        if value is not None and (not re.match(r"^https?://[^\s<>|]+$", value) or "#" in value):
            raise ValueError(
                f"runbook_url must be an http(s) URL of the runbook page without spaces, "
                f"'<', '>', '|' or an #anchor (each alert adds its own), not {value!r}"
            )
        return value

    def interval(self, check: str) -> float:
        return float(getattr(self, f"{check}_interval"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        populate_by_name=True,
    )

    slack: SlackSettings = Field(default_factory=SlackSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    clusters: list[ClusterSettings] = Field(default_factory=list)
    rbac: RbacSettings = Field(default_factory=RbacSettings)
    confirmations: ConfirmationSettings = Field(default_factory=ConfirmationSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init kwargs carry the file's content, so the environment must rank above them."""
        return (_SlackSecretsSource(settings_cls), env_settings, init_settings)

    @field_validator("clusters")
    @classmethod
    def _clusters(cls, clusters: list[ClusterSettings]) -> list[ClusterSettings]:
        seen: set[str] = set()
        for cluster in clusters:
            if cluster.name.casefold() in seen:
                raise ValueError(f"duplicate cluster name {cluster.name!r}")
            seen.add(cluster.name.casefold())
        defaults = [c.name for c in clusters if c.default]
        if len(defaults) > 1:
            raise ValueError(f"at most one cluster may be the default, found {defaults}")
        if len(clusters) == 1:
            clusters[0].default = True
        return clusters

    @property
    def default_cluster(self) -> ClusterSettings | None:
        return next((c for c in self.clusters if c.default), None)

    def cluster(self, name: str | None = None) -> ClusterSettings:
        """The named cluster (case-insensitive), or the default one when no name is given."""
        known = ", ".join(c.name for c in self.clusters) or "none configured"
        if name is None:
            found = self.default_cluster
            if found is None:
                raise UnknownClusterError(f"no default cluster; name one of: {known}")
            return found
        for cluster in self.clusters:
            if cluster.name.casefold() == name.casefold():
                return cluster
        raise UnknownClusterError(f"unknown cluster {name!r}; known clusters: {known}")

    def secret_values(self) -> list[str]:
        """The secrets that are set, for the log redactor (``register_secret``) and nothing else."""
        slack = [getattr(self.slack, field) for field in SLACK_SECRET_ENV]
        values = [secret.get_secret_value() for secret in slack if secret is not None]
        values += [c.password() for c in self.clusters if c.has_password()]
        database_password = make_url(self.database.url).password
        if database_password:
            values.append(str(database_password))
        return values

    def needed_secrets(self) -> set[str]:
        """The secret variables serving needs: the signing secret over HTTP only (Socket Mode
        requests come over a WebSocket the app-level token opened), every cluster's password."""
        slack = {"bot_token", "app_token" if self.slack.socket_mode else "signing_secret"}
        needed = {SLACK_SECRET_ENV[field] for field in slack}
        return needed | {cluster.password_env for cluster in self.clusters}

    def secret_status(self) -> dict[str, bool]:
        """Which secret variables are set (never their values), for check-config and startup."""
        status = {
            env: getattr(self.slack, field) is not None for field, env in SLACK_SECRET_ENV.items()
        }
        for cluster in self.clusters:
            status[cluster.password_env] = cluster.has_password()
        return status


class _SlackSecretsSource(PydanticBaseSettingsSource):
    """Slack's tokens under the names Slack's own tooling uses, not ``CTIBOT_``-prefixed ones."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {
            field: os.environ[env] for field, env in SLACK_SECRET_ENV.items() if os.environ.get(env)
        }
        return {"slack": found} if found else {}


def resolve_config_path(config_path: Path | None = None) -> Path | None:
    """The explicit path, else ``$CTIBOT_CONFIG``, else none (defaults and environment only)."""
    if config_path is not None:
        return config_path
    from_env = os.environ.get(CONFIG_ENV)
    return Path(from_env) if from_env else None


def load_settings(config_path: Path | None = None) -> Settings:
    """Load, validate and return the settings; raise ``ConfigError`` listing every problem."""
    path = resolve_config_path(config_path)
    data = _read_toml(path) if path is not None else {}
    problems = list(_secrets_in_file(data))
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        reported = {line.split(":", 1)[0] for line in problems}
        problems.extend(
            line for line in format_validation_error(exc) if line.split(":", 1)[0] not in reported
        )
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError([f"{path}: config file not found"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read config file: {exc.strerror}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: invalid TOML: {exc}"]) from None


def _secrets_in_file(data: Mapping[str, Any]) -> Iterable[str]:
    for location, key in _secret_keys(data, ""):
        instead = _where_instead(data, location, key)
        yield f"{location}: secrets must not be in the config file; {instead}"


def _secret_keys(value: Any, location: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{location}.{key}" if location else str(key)
            if _SECRET_KEY.search(str(key)):
                yield here, str(key)
            else:
                yield from _secret_keys(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secret_keys(item, f"{location}[{index}]")


def _where_instead(data: Mapping[str, Any], location: str, key: str) -> str:
    if location.startswith("slack.") and key in SLACK_SECRET_ENV:
        return f"set the environment variable {SLACK_SECRET_ENV[key]} instead"
    match = re.match(r"^clusters\[(\d+)\]\.", location)
    clusters = data.get("clusters")
    if match and isinstance(clusters, list):
        cluster = clusters[int(match.group(1))]
        env = cluster.get("password_env") or default_password_env(str(cluster.get("name", "")))
        return f"set the environment variable {env} instead"
    return "pass it through the environment instead"


def format_validation_error(exc: ValidationError) -> list[str]:
    """Pydantic's errors as ``clusters[0].port: must be between 1 and 65535`` lines."""
    return [f"{_location(error['loc'])}: {_message(error)}" for error in exc.errors()]


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown setting"
    if kind == "missing":
        return "required"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")
