"""The benchmarks' core functions at toy sizes, so they cannot rot between `make bench` runs.

No timings are asserted: figures belong to `make bench`, not to the test suite.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from bench import (
    axl_roundtrips,
    bulk_latency,
    capacity_chart,
    changelog_queries,
    cluster_size,
    limits_scale,
    startup_memory,
)
from bench.axl_minimums import CASES
from bench.bulk_throttle import endpoint_for
from bot.changelog.confirmations import ConfirmationStore
from bot.changelog.db import make_engine, upgrade
from bot.changelog.store import ChangeLog
from bot.cucm.cluster import CucmCluster, SingleCluster
from commands.catalog import build_runner
from cucmsim.api import SimServer
from cucmsim.options import SimOptions
from cucmsim.seed import LARGE


def test_changelog_queries_runs_every_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timings = changelog_queries.measure(tmp_path, rows=500, runs=2)
    assert [t.name for t in timings] == list(changelog_queries.filters_names())
    assert all(t.median_ms >= 0 for t in timings)
    assert changelog_queries.report(timings, 500, 2) == all(t.passed for t in timings)
    printed = capsys.readouterr().out
    assert all(f"{t.name:<22}" in printed for t in timings), printed


def test_changelog_queries_report_fails_on_one_filter_over_the_goal() -> None:
    goal = changelog_queries.GOAL_MS
    fast = changelog_queries.Timing("fast", goal / 10, goal / 2, 5)
    slow = changelog_queries.Timing("slow", goal / 2, goal * 2, 5)
    assert changelog_queries.report([fast], 10, 1) is True
    assert changelog_queries.report([fast, slow], 10, 1) is False


def test_axl_roundtrips_counts_a_write_and_its_rerun(tmp_path: Path) -> None:
    cases = tuple(c for c in CASES if c.command == "add-line")
    [result] = axl_roundtrips.measure(cases, tmp_path)
    assert result.first is not None and result.rerun is not None
    assert result.first.sim["axl.addLine"] == 1
    assert result.rerun.sim["axl.addLine"] == 0


def test_startup_config_names_every_cluster_and_keeps_secrets_out(tmp_path: Path) -> None:
    sim = SimpleNamespace(
        port=8443,
        options=SimpleNamespace(username="axladmin", password="pw-secret"),
        cluster=SimpleNamespace(publisher=SimpleNamespace(address="127.0.0.1")),
    )
    fake = SimpleNamespace(base_url="http://127.0.0.1:1/api/")
    config, env = startup_memory.write_config(tmp_path, sim, fake, 3, None)  # type: ignore[arg-type]  # stand-ins
    text = config.read_text()
    assert text.count("[[clusters]]") == 3 and "pw-secret" not in text
    assert env["CTIBOT_BENCH3_PASSWORD"] == "pw-secret"


def printed_verdict(capsys: pytest.CaptureFixture[str]) -> bool:
    """What a report printed on its last line: PASS (True) or FAIL (False)."""
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.endswith(("PASS", "FAIL")), last
    return last.endswith("PASS")


def test_bulk_latency_counts_writes_and_reads_of_a_small_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'changelog.db'}"
    upgrade(url)
    engine = make_engine(url)
    with (
        SimServer(SimOptions(seed="demo")) as sim,
        CucmCluster(endpoint_for(sim, pace=True)) as cluster,
    ):
        runner = build_runner(
            SingleCluster(cluster), ChangeLog(engine), ConfirmationStore(engine), 600
        )
        figures = bulk_latency.measure(sim, runner, 3)
    engine.dispose()
    assert figures.failed == []
    assert figures.writes == 3 + 3 + 1  # DNs, ports, one association update
    assert figures.reads["listPhone"] == 1  # a small range applies without a confirmation
    capsys.readouterr()
    passed = bulk_latency.report(figures, 10.0, 0)
    within_goals = figures.ratio(10.0) <= bulk_latency.GOAL_RATIO
    assert passed == (within_goals and figures.reads.total() <= bulk_latency.MAX_READS)
    assert printed_verdict(capsys) == passed


def test_cluster_size_runs_a_command_on_both_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tuple(c for c in CASES if c.command == "add-line")
    [timing] = cluster_size.measure(cases, tmp_path, repeat=1, reruns=1)
    assert timing.same_requests
    assert timing.requests["large"]["first axl.addLine"] == 1
    assert all(len(seconds) == 1 for seconds in timing.wall.values())
    capsys.readouterr()
    passed = cluster_size.report([timing])
    assert passed == timing.passed and printed_verdict(capsys) == passed


def test_limits_scale_measures_the_big_provider(tmp_path: Path) -> None:
    options = SimOptions(seed="large", ris_rate_per_minute=10_000, perfmon_rate_per_minute=10_000)
    with SimServer(options) as sim:
        results, _, ris_calls = limits_scale.sweep_limits(sim, tmp_path)
    provider = next(r for r in results if r.subject.startswith("provider/ctiapp_big/"))
    assert provider.details["open"] == LARGE.big_provider_ports
    assert ris_calls == limits_scale.RIS_PAGES


def test_capacity_chart_loads_and_draws_a_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timing = capacity_chart.measure(tmp_path, days=1, runs=1)
    assert timing.rows == 96 * (capacity_chart.NODES + capacity_chart.PROVIDERS)
    assert timing.png_bytes > 0
    passed = capacity_chart.report(timing, 1)
    assert passed == (timing.worst_total_ms < capacity_chart.GOAL_MS)
    assert printed_verdict(capsys) == passed
