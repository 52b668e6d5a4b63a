"""The benchmarks' core functions at toy sizes, so they cannot rot between `make bench` runs.

No timings are asserted: figures belong to `make bench`, not to the test suite.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from bench import axl_roundtrips, changelog_queries, startup_memory
from bench.axl_minimums import CASES


def test_changelog_queries_runs_every_filter(tmp_path: Path) -> None:
    timings = changelog_queries.measure(tmp_path, rows=500, runs=2)
    assert [t.name for t in timings] == list(changelog_queries.filters_names())
    assert all(t.median_ms >= 0 for t in timings)
    assert changelog_queries.report(timings, 500, 2) in (True, False)


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
    config, env = startup_memory.write_config(tmp_path, sim, fake, 3, None)  # type: ignore[arg-type]
    text = config.read_text()
    assert text.count("[[clusters]]") == 3 and "pw-secret" not in text
    assert env["CTIBOT_BENCH3_PASSWORD"] == "pw-secret"
