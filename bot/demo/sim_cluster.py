"""How the bot reaches a simulator started beside it, from the running simulator's own facts:
as a `ClusterEndpoint` for clients built in-process, or as a `[[clusters]]` table for a config
file. One place, so the demo, the benchmarks and the tests cannot drift apart on what the
simulator's address, credentials or node map are."""

from __future__ import annotations

from bot.cucm.endpoint import ClusterEndpoint
from cucmsim.api import SimServer


def sim_nodes(sim: SimServer) -> dict[str, str]:
    """Process-node name -> loopback address: the names DNS cannot resolve."""
    with sim.cluster.lock:
        return {n.name: n.address for n in sim.cluster.nodes.values()}


def sim_endpoint(sim: SimServer) -> ClusterEndpoint:
    """The simulator as one cluster; change what a caller needs with `dataclasses.replace`
    (a TLS simulator is verified, as any cluster is, unless told otherwise)."""
    return ClusterEndpoint(
        name=sim.cluster.name,
        host=sim.cluster.publisher.address,
        port=sim.port,
        scheme="https" if sim.options.tls else "http",
        username=sim.options.username,
        password=sim.options.password,
        nodes=sim_nodes(sim),
    )


def sim_cluster_table(
    sim: SimServer, name: str, *, password_env: str | None = None, default: bool = False
) -> str:
    """The `[[clusters]]` TOML table for the simulator (the password stays in the environment:
    `password_env`, or the variable the config derives from the cluster's name)."""
    nodes = ", ".join(f'"{node}" = "{address}"' for node, address in sim_nodes(sim).items())
    lines = [
        "[[clusters]]",
        f'name = "{name}"',
        f'host = "{sim.cluster.publisher.address}"',
        f"port = {sim.port}",
        f'scheme = "{"https" if sim.options.tls else "http"}"',
        f'username = "{sim.options.username}"',
        *([f'password_env = "{password_env}"'] if password_env else []),
        'axl_version = "12.5"',
        "verify_tls = false",
        "read_timeout = 10",
        *(["default = true"] if default else []),
        f"nodes = {{ {nodes} }}",
    ]
    return "\n".join(lines)
