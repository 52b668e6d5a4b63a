from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Engine

from bot.changelog.export import COLUMNS, export_changes
from bot.changelog.store import ChangeLog
from tests.change_sets import add_change, open_set


@pytest.fixture
def populated(engine: Engine) -> Engine:
    log = ChangeLog(engine)
    set_id = open_set(log)
    for seq, name in enumerate(["7000/PT_CTI", "RP_IVR1"], start=1):
        change_id = add_change(
            log, set_id, seq=seq, object_name=name, after={"pattern": name, "password": "x"}
        )
        log.update_change(change_id, status="applied", duration_ms=3.0)
    log.close_set(set_id, "applied")
    log.record_denial("U0EVE", "eve", "C0OPS", "undo", "/cti undo 1", "needs operator")
    return engine


def test_csv_has_one_row_per_change_plus_changeless_sets(populated: Engine) -> None:
    out = io.StringIO()
    assert export_changes(populated, out, "csv") == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert [r["object_name"] for r in rows] == ["7000/PT_CTI", "RP_IVR1", ""]
    assert [r["set_status"] for r in rows] == ["applied", "applied", "denied"]
    assert rows[0]["change_status"] == "applied"
    assert json.loads(rows[0]["after_json"]) == {"password": "***", "pattern": "7000/PT_CTI"}
    assert rows[0]["created_at"].endswith("+00:00")
    assert rows[2]["set_error"] == "needs operator"


def test_jsonl_carries_states_as_objects(populated: Engine) -> None:
    out = io.StringIO()
    assert export_changes(populated, out, "jsonl") == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[1]["after"] == {"password": "***", "pattern": "RP_IVR1"}
    assert rows[1]["before"] is None
    assert rows[1]["duration_ms"] == 3.0
    assert rows[2]["change_id"] is None
    assert "after_json" not in rows[0]


def test_unknown_format_is_rejected(engine: Engine) -> None:
    with pytest.raises(ValueError, match="csv or jsonl"):
        export_changes(engine, io.StringIO(), "xml")  # type: ignore[arg-type]  # wrong on purpose
