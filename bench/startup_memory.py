"""Startup and memory of `ctibot serve`: compact vs Cisco's full 12.5 WSDL, 1 vs 5 clusters.

An orchestrator restarts the bot on every deploy and node drain, and Slack gives
a slash command 3 s, so the time to a 200 on /healthz is time the bot is deaf;
a small VM or container limit makes resident memory the other cost. `serve` is
started as a real subprocess (its own interpreter, imports and WSDL parsing),
then one signed `/cti version` makes it build every cluster's client (clients
are lazy), and VmRSS is read from /proc before and after. Loopback only: all
clusters point at one simulator, each under its own name.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import requests

from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_peer import SlackPeer
from cucmsim.api import SimServer
from cucmsim.options import SimOptions

GOAL_READY_S = 1.5
GOAL_RSS_MB = 120.0
READY_TIMEOUT_S = 30.0
SIGNING_SECRET = "bench-signing-secret"
VIEWER = "UBENCHVIEW"
CLI = "from bot.cli import app; app()"  # what the `ctibot` script runs


@dataclass(frozen=True)
class Sample:
    wsdl: str
    clusters: int
    ready_s: float
    rss_ready_mb: float
    rss_built_mb: float
    built_s: float

    @property
    def judged(self) -> bool:
        """The goal is stated for the compact WSDL with 5 clusters (the full one is a figure)."""
        return self.wsdl == "compact"

    @property
    def passed(self) -> bool:
        return self.ready_s < GOAL_READY_S and self.rss_built_mb < GOAL_RSS_MB


def cisco_wsdl() -> Path | None:
    """Cisco's own AXLAPI.wsdl from the test-only ciscoaxl wheel; never copied into the repo."""
    spec = importlib.util.find_spec("ciscoaxl")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "schema" / "12.5" / "AXLAPI.wsdl"
    return path if path.is_file() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def write_config(
    directory: Path, sim: SimServer, fake: FakeSlack, clusters: int, wsdl: Path | None
) -> tuple[Path, dict[str, str]]:
    """The config and the environment it needs (secrets stay out of the file, as in production)."""
    env = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    blocks = []
    for index in range(clusters):
        name = f"bench{index + 1}"
        env[f"CTIBOT_BENCH{index + 1}_PASSWORD"] = sim.options.password
        axl_wsdl = f'axl_wsdl = "{wsdl}"\n' if wsdl else ""
        blocks.append(
            f'[[clusters]]\nname = "{name}"\nhost = "{sim.cluster.publisher.address}"\n'
            f'port = {sim.port}\nscheme = "http"\nusername = "{sim.options.username}"\n'
            f'axl_version = "12.5"\nverify_tls = false\n{axl_wsdl}'
        )
    path = directory / "ctibot.toml"
    path.write_text(
        f'[slack]\napi_url = "{fake.base_url}"\n\n'
        f'[database]\nurl = "sqlite:///{directory / "ctibot.db"}"\n\n'
        + "\n".join(blocks)
        + f'\n[rbac]\nviewers = ["{VIEWER}"]\n'
    )
    return path, env


@contextmanager
def serve(config: Path, env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A deployment has bytecode compiled (uv sync --compile-bytecode, or a first run);
    a shell with PYTHONDONTWRITEBYTECODE would recompile every module on every start,
    so the bench keeps its own bytecode cache next to its config."""
    command = [sys.executable, "-c", CLI, "serve", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env={
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(config.parent / "pycache"),
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


# /healthz is readiness: the first probe connects every cluster (AXL getCCMVersion),
# which may take seconds; the probe itself answers within 5 s.
PROBE_READ_TIMEOUT_S = 6.0


def wait_ready(process: subprocess.Popen[bytes], url: str, started: float) -> float:
    while time.perf_counter() - started < READY_TIMEOUT_S:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"ctibot serve exited {process.returncode}: {error[-2000:]}")
        try:
            if requests.get(url, timeout=PROBE_READ_TIMEOUT_S).status_code == 200:
                return time.perf_counter() - started
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.01)
    raise RuntimeError(f"ctibot serve not ready after {READY_TIMEOUT_S} s")


def build_clients(peer: SlackPeer, fake: FakeSlack) -> float:
    """`/cti version` asks every cluster for its version, so every client gets built."""
    started = time.perf_counter()
    body, key = peer.command_body("version", VIEWER)
    response = peer.post(body)
    if response.status_code != 200:
        raise RuntimeError(f"/cti version refused: {response.status_code} {response.text}")
    calls = fake.wait_for(
        "response_url", timeout=READY_TIMEOUT_S, where=lambda c: c.path.endswith(f"/{key}")
    )
    text = str(calls[-1].params)
    if ", 0 unreachable" not in text:
        raise RuntimeError(f"/cti version did not reach every cluster: {text[:500]}")
    return time.perf_counter() - started


def measure_one(
    directory: Path, sim: SimServer, fake: FakeSlack, clusters: int, wsdl: Path | None
) -> Sample:
    config, env = write_config(directory, sim, fake, clusters, wsdl)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with serve(config, env, port) as process:
        ready_s = wait_ready(process, f"{base}/healthz", started)
        rss_ready = rss_mb(process.pid)
        peer = SlackPeer(f"{base}/slack/events", SIGNING_SECRET, fake)
        built_s = build_clients(peer, fake)
        rss_built = rss_mb(process.pid)
    (directory / "ctibot.db").unlink(missing_ok=True)
    return Sample("full" if wsdl else "compact", clusters, ready_s, rss_ready, rss_built, built_s)


def median_sample(runs: list[Sample]) -> Sample:
    """Median times (a shared CI box is noisy), the worst memory (limits are hard)."""
    return replace(
        runs[0],
        ready_s=statistics.median(r.ready_s for r in runs),
        built_s=statistics.median(r.built_s for r in runs),
        rss_ready_mb=max(r.rss_ready_mb for r in runs),
        rss_built_mb=max(r.rss_built_mb for r in runs),
    )


def measure(
    directory: Path, cluster_counts: tuple[int, ...], full: Path | None, repeat: int = 3
) -> list[Sample]:
    """The first start compiles the bytecode cache: reported as 'cold', never judged."""
    with SimServer(SimOptions(seed="demo")) as sim:
        fake = FakeSlack().start()
        try:
            cold = measure_one(directory, sim, fake, 1, None)
            samples = [replace(cold, wsdl="cold")]
            for wsdl in (None, full) if full else (None,):
                for count in cluster_counts:
                    runs = [measure_one(directory, sim, fake, count, wsdl) for _ in range(repeat)]
                    samples.append(median_sample(runs))
        finally:
            fake.stop()
    return samples


def report(samples: list[Sample], full: Path | None) -> bool:
    print("ctibot serve as a subprocess; median of the starts per row, worst RSS")
    print(
        f"{'WSDL':<9}{'clusters':>9}{'ready s':>9}{'RSS ready':>11}{'clients s':>11}{'RSS MB':>8}"
    )
    for s in samples:
        verdict = ("PASS" if s.passed else "FAIL") if s.judged else "(figure)"
        print(
            f"{s.wsdl:<9}{s.clusters:>9}{s.ready_s:>9.2f}{s.rss_ready_mb:>11.1f}"
            f"{s.built_s:>11.2f}{s.rss_built_mb:>8.1f}  {verdict}"
        )
    print("cold: first start, compiling the bytecode cache (as a fresh install without it)")
    if full is None:
        print("full WSDL skipped: the ciscoaxl wheel (test extra) is not installed")
    print(
        f"goal (compact): ready < {GOAL_READY_S} s, RSS < {GOAL_RSS_MB:.0f} MB with every "
        "cluster's client built"
    )
    return all(s.passed for s in samples if s.judged)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clusters", type=int, nargs="+", default=[1, 5])
    parser.add_argument("--compact-only", action="store_true")
    parser.add_argument("-n", "--repeat", type=int, default=3, help="starts per row (median)")
    args = parser.parse_args(argv)
    counts = tuple(max(1, min(c, 20)) for c in args.clusters)
    full = None if args.compact_only else cisco_wsdl()
    with tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        samples = measure(Path(tmp), counts, full, max(1, min(args.repeat, 10)))
    passed = report(samples, full)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
