"""After a crash mid-apply: re-read what an interrupted change set touched, and say it.

`ChangeLog.mark_interrupted()` turns the dead process's `applying` sets into
`interrupted` and their unanswered writes into `unknown`; this module reads each
of those objects back from CUCM (never re-sends anything) so the announcement
names the actual state of every object, not just "check it".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from bot.changelog.labels import kind_label, object_label, operation_label
from bot.text import Code, Line, Mention, Strong, line, note

if TYPE_CHECKING:
    from bot.changelog.store import ChangeRecord, ChangeSetRecord
    from bot.cucm.cluster import ClusterDirectory
    from commands.engine.objects import ObjectKind

log = logging.getLogger(__name__)


def object_state(
    clusters: ClusterDirectory,
    kinds: Mapping[str, ObjectKind],
    cluster: str | None,
    change: ChangeRecord,
) -> str:
    """What CUCM holds for this change now: applied, not applied, changed otherwise, or unknown."""
    kind = kinds.get(change.object_type)
    if kind is None or not cluster:
        return "UNKNOWN (cannot be re-read)"
    try:
        current = kind.read(clusters.get(cluster), change.object_name)
    except Exception as exc:  # CUCM down too: say so, never guess
        return f"UNKNOWN (re-read failed: {exc})"
    if kind.satisfied(current, change.before, change.after):
        return "applied (re-read: the write holds)"
    if current == change.before or (current is None and change.before is None):
        return "not applied (re-read: as before)"
    return "differs from both before and after (re-read): check it"


def interrupted_report(
    sets: Iterable[ChangeSetRecord], clusters: ClusterDirectory, kinds: Mapping[str, ObjectKind]
) -> list[tuple[ChangeSetRecord, list[Line]]]:
    """One message per interrupted set, naming every object it touched and its state."""
    out = []
    for record in sets:
        lines = [
            note(
                "warning",
                f"ctibot restarted while applying change set #{record.id} (",
                Code(record.command_text or record.command),
                " by ",
                Mention(record.actor_id),
                "); it is marked ",
                Strong("interrupted"),
                ". Objects re-read from CUCM:",
            )
        ]
        for change in record.changes:
            if change.status in ("unknown", "applied"):
                state = object_state(clusters, kinds, record.cluster, change)
            else:
                state = change.status
            verb = operation_label(change.operation, change.before, change.after)
            kind, name = change.object_type, change.object_name
            shown = object_label(kind, name)
            lines.append(
                line(f"• {verb} {kind_label(kind)} ", Code(shown), f": {state}", objects=(name,))
            )
        lines.append(line("Details: ", Code(f"/cti show-change {record.id}"), "."))
        out.append((record, lines))
    return out
