"""`python -m bench` (`make bench`): every benchmark in turn, each printing its own figures.

Run one by one, not in parallel: they time things on a shared machine. A module
another engineer has not landed yet is skipped with a note, so the runner never
has to change when one arrives. Each benchmark bounds its own size and runtime
and talks to loopback only.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time

BENCHMARKS = (
    "ack_latency",
    "health_sweep",
    "bulk_throttle",
    "changelog_queries",
    "startup_memory",
    "axl_roundtrips",
    "bulk_latency",
    "cluster_size",
    "limits_scale",
    "capacity_chart",
    "replica_failover",
)


def main(argv: list[str] | None = None) -> int:
    chosen = [n for n in BENCHMARKS if not argv or n in argv]
    failed: list[str] = []
    for name in chosen:
        print(f"\n=== bench.{name} ===", flush=True)
        if importlib.util.find_spec(f"bench.{name}") is None:
            print("not present yet: skipped")
            continue
        started = time.perf_counter()
        code = importlib.import_module(f"bench.{name}").main([])
        print(f"(bench.{name}: exit {code}, {time.perf_counter() - started:.1f} s)", flush=True)
        if code:
            failed.append(name)
    print(f"\n{len(chosen) - len(failed)} of {len(chosen)} benchmarks met their goal", end="")
    print(f"; missed: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
