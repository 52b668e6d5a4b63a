"""The whole change log as CSV or JSON lines, for auditors and spreadsheets.

One row per change with its change set's fields repeated; a set with no changes
(a denial, a dry run, a no-change plan) still gets one row, with empty change
fields, so the export is the complete audit trail.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any, Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.changelog.models import Change, ChangeSet

ExportFormat = Literal["csv", "jsonl"]

SET_COLUMNS = {
    "change_set_id": "id",
    "created_at": "created_at",
    "finished_at": "finished_at",
    "actor_id": "actor_id",
    "actor_name": "actor_name",
    "channel_id": "channel_id",
    "cluster": "cluster",
    "command": "command",
    "command_text": "command_text",
    "set_status": "status",
    "set_error": "error",
    "undo_of": "undo_of",
    "plan_digest": "plan_digest",
    "request_id": "request_id",
}
CHANGE_COLUMNS = {
    "change_id": "id",
    "seq": "seq",
    "operation": "operation",
    "object_type": "object_type",
    "object_name": "object_name",
    "before_json": "before_json",
    "after_json": "after_json",
    "change_status": "status",
    "change_error": "error",
    "duration_ms": "duration_ms",
    "started_at": "started_at",
}
COLUMNS = (*SET_COLUMNS, *CHANGE_COLUMNS)


def export_changes(
    engine: Engine, stream: IO[str], fmt: ExportFormat, *, since: datetime | None = None
) -> int:
    """Write every row (oldest first) to ``stream``; returns how many rows were written."""
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"format must be csv or jsonl, not {fmt!r}")
    count = 0
    writer = csv.writer(stream) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    for row in _rows(engine, since):
        if writer is not None:
            writer.writerow(_csv_value(row[column]) for column in COLUMNS)
        else:
            stream.write(json.dumps(_json_row(row), default=str) + "\n")
        count += 1
    return count


def _rows(engine: Engine, since: datetime | None) -> Iterator[dict[str, Any]]:
    statement = (
        select(ChangeSet, Change)
        .outerjoin(Change, Change.change_set_id == ChangeSet.id)
        .order_by(ChangeSet.id, Change.seq, Change.id)
        .execution_options(yield_per=1000)
    )
    if since is not None:
        statement = statement.where(ChangeSet.created_at >= since)
    with Session(engine) as session:
        for change_set, change in session.execute(statement):
            row = {column: getattr(change_set, attr) for column, attr in SET_COLUMNS.items()}
            for column, attr in CHANGE_COLUMNS.items():
                row[column] = None if change is None else getattr(change, attr)
            yield row


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """JSON lines carry before/after as objects, not strings holding JSON."""
    out = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
    for state in ("before", "after"):
        text = out.pop(f"{state}_json")
        out[state] = None if text is None else json.loads(text)
    return out
