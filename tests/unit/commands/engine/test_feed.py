"""The audit post names both people when a second admin confirmed, and offers undo only
for a set that left something to undo."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.changelog.store import ChangeRecord, ChangeSetRecord
from bot.text import Line, Mention, line
from commands.engine.feed import audit_reply, summary_line


def _record(status: str, requester: str = "UASK1", actor: str = "UOK1") -> ChangeSetRecord:
    change = ChangeRecord(
        id=1,
        change_set_id=7,
        seq=1,
        operation="addLine",
        object_type="line",
        object_name="8501/PT_CTI",
        before=None,
        after={"pattern": "8501"},
        status="applied" if status == "applied" else "failed",
        error=None,
        duration_ms=3.0,
        started_at=None,
    )
    return ChangeSetRecord(
        id=7,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=None,
        actor_id=actor,
        actor_name=None,
        channel_id="CCTI",
        cluster="lab",
        command="add-line",
        command_text="/cti add-line 8501 partition=PT_CTI",
        status=status,
        error=None if status == "applied" else "fault 5003",
        undo_of=None,
        plan_digest=None,
        request_id=None,
        changes=(change,),
        requester_id=requester,
    )


def test_confirmed_by_another_admin_names_both() -> None:
    reply = audit_reply(_record("applied"))
    assert ("Requested by", line(Mention("UASK1"))) in reply.fields
    assert ("Confirmed by", line(Mention("UOK1"))) in reply.fields
    change = reply.lines[1]
    assert isinstance(change, Line) and change.mark == "ok" and change.objects == ("8501/PT_CTI",)
    assert str(change).endswith("Add Directory Number 8501 in PT_CTI: applied")
    assert reply.footer is not None and "/cti undo 7" in str(reply.footer)
    summary = summary_line(_record("applied"))
    assert summary.spans[:4] == (Mention("UASK1"), " (confirmed by ", Mention("UOK1"), ")")


def test_failed_set_has_no_undo_and_says_why() -> None:
    reply = audit_reply(_record("failed", requester="UOK1"))
    assert ("Confirmed by", "-") in reply.fields
    assert reply.status == "error"
    assert "Error: fault 5003" in reply.lines
    assert reply.footer is not None and "undo" not in str(reply.footer)
