"""A strict simulator and a settings file pointing at it, for the doctor's checks and CLI."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from tests.integration.commands.conftest import AXL_XSD, WSDL_DIR

PASSWORD_ENV = "CTIBOT_DOCLAB_PASSWORD"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    options = SimOptions(seed="demo", strict=True, axl_xsd=AXL_XSD, wsdl_dir=WSDL_DIR)
    with SimServer(options) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("CTIBOT_", "SLACK_")):
            monkeypatch.delenv(name)


@pytest.fixture
def write_config(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """A config for cluster `doclab` on the simulator; keyword arguments become its keys,
    `lines` are added as they are (e.g. an inline table)."""

    def write(
        password: str | None = None,
        username: str | None = None,
        lines: tuple[str, ...] = (),
        **extra: str,
    ) -> Path:
        host_port = sim.base_url.split("://", 1)[1].rstrip("/")
        host, _, port = host_port.rpartition(":")
        nodes = ", ".join(f'"{n["name"]}" = "{n["address"]}"' for n in sim.nodes())
        config = [
            "[[clusters]]",
            'name = "doclab"',
            f'host = "{host}"',
            f"port = {port}",
            'scheme = "http"',
            f'username = "{username or sim.options.username}"',
            f'password_env = "{PASSWORD_ENV}"',
            f"nodes = {{ {nodes} }}",
            *(f'{key} = "{value}"' for key, value in extra.items()),
            *lines,
        ]
        path = tmp_path / "ctibot.toml"
        path.write_text("\n".join(config) + "\n", encoding="utf-8")
        monkeypatch.setenv(PASSWORD_ENV, password or sim.options.password)
        return path

    return write
