"""Ack latency under slow CUCM: Slack gives a slash command 3000 ms, we aim for p99 < 100 ms.

N concurrent signed `/cti version` commands hit the real HTTP stack while the
simulator adds 300 ms to every AXL call. The ack must not wait for CUCM: the
work happens after it, on the worker pool. Loopback only, bounded in count.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from bot.demo.fake_slack import Call
from bot.demo.loopback import start

SLACK_ACK_BUDGET_MS = 3000.0
GOAL_P99_MS = 100.0
MAX_REQUESTS = 500


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _answers(key: str, call: Call) -> bool:
    return call.path.endswith(f"/{key}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--requests", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=300)
    args = parser.parse_args(argv)
    count = max(1, min(args.requests, MAX_REQUESTS))
    with tempfile.TemporaryDirectory(prefix="ctibot-bench-") as tmp:
        loop = start(Path(tmp))
        peer = loop.signed
        try:
            loop.sim.set_latency(args.latency_ms, "all")
            bodies = [peer.command_body("version", "UVIEW1") for _ in range(count)]
            peer.post(peer.command_body("whoami", "UVIEW1")[0])  # warm-up: auth.test

            def one(body: str) -> float:
                started = time.perf_counter()
                response = peer.post(body)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"ack failed: {response.status_code} {response.text}")
                return elapsed

            with ThreadPoolExecutor(max_workers=count) as pool:
                samples = list(pool.map(one, [b for b, _ in bodies]))
            for _, key in bodies:
                loop.fake.wait_for("response_url", timeout=60, where=partial(_answers, key))
        finally:
            loop.stop()
    p50, p99 = statistics.median(samples), percentile(samples, 0.99)
    print(f"{count} concurrent /cti version, AXL latency +{args.latency_ms} ms")
    print(f"ack p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {max(samples):.1f} ms")
    print(f"p99 / Slack's {SLACK_ACK_BUDGET_MS:.0f} ms budget = {p99 / SLACK_ACK_BUDGET_MS:.3f}")
    print(f"goal p99 < {GOAL_P99_MS:.0f} ms: {'met' if p99 < GOAL_P99_MS else 'MISSED'}")
    return 0 if p99 < SLACK_ACK_BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
