"""A settings file for one cluster on a simulator, for the checks that vary the connection
itself (scheme, port, node mapping, ca_bundle), which `write_config` keeps fixed."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cucmsim.api import SimServer

PASSWORD_ENV = "CTIBOT_DOCLAB_PASSWORD"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))


def cluster_toml(sim: SimServer, *, mapped: bool = True, **keys: object) -> str:
    """`[[clusters]]` for `doclab` on the simulator; keys override or add settings."""
    values: dict[str, object] = {
        "name": "doclab",
        "host": sim.cluster.publisher.address,
        "port": sim.port,
        "scheme": "https" if sim.options.tls else "http",
        "username": sim.options.username,
        "password_env": PASSWORD_ENV,
    }
    values.update(keys)
    lines = ["# the lab cluster", "[[clusters]]"]
    lines += [f"{key} = {_toml(value)}" for key, value in values.items() if value is not None]
    if mapped:
        nodes = ", ".join(f'"{n["name"]}" = "{n["address"]}"' for n in sim.nodes())
        lines.append(f"nodes = {{ {nodes} }}  # no DNS for the lab")
    return "\n".join(lines) + "\n"


def write_cluster(path: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch, **keys: Any) -> Path:
    path.write_text(cluster_toml(sim, **keys), encoding="utf-8")
    monkeypatch.setenv(PASSWORD_ENV, sim.options.password)
    return path


def names_do_not_resolve(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    """These host names fail to resolve, as unknown names do, without a DNS query leaving
    the machine (tests stay on loopback)."""
    real: Callable[..., list] = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if host in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
