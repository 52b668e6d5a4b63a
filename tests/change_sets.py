"""Change sets and changes put straight into the change log, for tests that need some there.

What a test is not about is filled in, so each call names only what the test checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from bot.changelog.store import ChangeLog

EMPTY: Mapping[str, Any] = MappingProxyType({})


def open_set(
    log: ChangeLog,
    command: str = "add-line",
    *,
    actor_id: str = "U0ALICE",
    cluster: str | None = "lab",
    status: str = "applying",
    plan_digest: str | None = None,
    request_id: str | None = None,
    undo_of: int | None = None,
) -> int:
    return log.open_set(
        actor_id=actor_id,
        actor_name="alice",
        channel_id="C0OPS",
        cluster=cluster,
        command=command,
        command_text=f"/cti {command}",
        status=status,
        plan_digest=plan_digest,
        request_id=request_id,
        undo_of=undo_of,
    )


def add_change(
    log: ChangeLog,
    set_id: int,
    *,
    seq: int = 1,
    operation: str = "addLine",
    object_type: str = "line",
    object_name: str = "7000/PT_CTI",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = EMPTY,
) -> int:
    """A pending change; by default an add with an empty after-state."""
    return log.add_change(
        set_id,
        seq=seq,
        operation=operation,
        object_type=object_type,
        object_name=object_name,
        before=before,
        after=after,
    )
