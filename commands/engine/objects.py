"""CUCM objects as canonical states, and the one way a plan step changes them.

Every workflow describes its writes as (kind, key, before, after). The kind
knows how to read, create, update and delete its object; from that the step
gets its run, its compensation (restore `before`) and its verification
(re-read and compare) for free, and undo of a recorded change set needs
nothing but the change log's before/after JSON. The kinds themselves are listed
in `commands/kinds/catalog.py`.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.changelog.locks import NoSharedLocks, ObjectLocks
from commands.engine.base import Step

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster

State = dict[str, Any]


class ObjectKind(ABC):
    name: str  # object_type in the change log, e.g. "line"
    add_op: str  # the CUCM operation names recorded in the change log
    update_op: str
    remove_op: str
    # List-delta kinds merge onto a fresh read under the object lock, so two change
    # sets writing one of them at once keep both deltas and need not refuse each other.
    merges_concurrent_writes: bool = False

    @abstractmethod
    def read(self, cucm: CucmCluster, key: str) -> State | None:
        """The canonical state, or None when the object does not exist."""

    @abstractmethod
    def create(self, cucm: CucmCluster, state: State) -> None: ...

    @abstractmethod
    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        """Move the object from `before` to `after`; list fields merge as deltas."""

    @abstractmethod
    def delete(self, cucm: CucmCluster, key: str) -> None: ...

    def satisfied(self, current: State | None, before: State | None, after: State | None) -> bool:
        """Whether CUCM holds the change; kinds that merge list deltas override this."""
        return current == after

    def in_use_by(self, cucm: CucmCluster, key: str) -> tuple[str, ...]:
        """Other objects that depend on this one: removing it would break them."""
        return ()

    def references(self, state: Mapping[str, Any]) -> tuple[str, ...]:
        """Keys of other objects this state points at (a device's DNs, a user's devices)."""
        return ()


_locks: dict[tuple[str, str, str], threading.Lock] = {}
_locks_guard = threading.Lock()
_shared: ObjectLocks = NoSharedLocks()


def share_locks(locks: ObjectLocks) -> None:
    """Install the cross-process locks of the process's database (bootstrap does, once the
    engine exists). Module-level because a process has one
    change log, and threading the locks through every workflow would buy nothing."""
    global _shared
    _shared = locks


def unshare_locks(locks: ObjectLocks) -> None:
    """Back to in-process locks only, if `locks` are still the installed ones (a closing bot)."""
    global _shared
    if _shared is locks:
        _shared = NoSharedLocks()


@contextmanager
def object_lock(cluster: str, kind: str, key: str) -> Iterator[None]:
    """Serializes read-modify-write on one CUCM object across every thread of the bot,
    then across every process on its database (bot/changelog/locks.py)."""
    ident = (cluster, kind, key.casefold())
    with _locks_guard:
        local = _locks.setdefault(ident, threading.Lock())
    with local, _shared.hold(cluster, kind, key):
        yield


def operation_for(kind: ObjectKind, before: Mapping | None, after: Mapping | None) -> str:
    if before is None:
        return kind.add_op
    if after is None:
        return kind.remove_op
    return kind.update_op


class ChangedSince(Exception):
    """A revert left the object alone: CUCM no longer holds what the step made, or
    others now depend on an object the step created."""

    def __init__(self, current: State | None, used_by: tuple[str, ...] = ()) -> None:
        super().__init__(f"changed since (now used by {', '.join(used_by)})" if used_by else "")
        self.current = current
        self.used_by = used_by


def _transition(
    cucm: CucmCluster, kind: ObjectKind, key: str, before: State | None, after: State | None
) -> None:
    if before is None and after is not None:
        kind.create(cucm, after)
    elif after is None:
        kind.delete(cucm, key)
    elif before is not None:
        kind.update(cucm, key, before, after)


def transition(
    cucm: CucmCluster, kind: ObjectKind, key: str, before: State | None, after: State | None
) -> None:
    """Create, update or delete so that the object goes from `before` to `after`."""
    with object_lock(cucm.name, kind.name, key):
        _transition(cucm, kind, key, before, after)


def revert(
    cucm: CucmCluster, kind: ObjectKind, key: str, before: State | None, after: State | None
) -> None:
    """Put `before` back, but only while CUCM still holds exactly what the step made.

    Raises ChangedSince, having written nothing, when another change (a second
    admin, a concurrent change set, the GUI) has touched the object since.
    """
    with object_lock(cucm.name, kind.name, key):
        current = kind.read(cucm, key)
        if not kind.satisfied(current, before, after):
            raise ChangedSince(current)
        if before is None:
            used_by = kind.in_use_by(cucm, key)
            if used_by:
                raise ChangedSince(current, used_by)
        _transition(cucm, kind, key, after, before)


def change(
    cucm: CucmCluster,
    kind: ObjectKind,
    key: str,
    before: State | None,
    after: State | None,
    summary: str,
) -> Step:
    """A plan step for one object, compensable by restoring `before`."""

    def run() -> State | None:
        transition(cucm, kind, key, before, after)
        return after

    def undo() -> None:
        revert(cucm, kind, key, before, after)

    def verify() -> bool:
        return kind.satisfied(kind.read(cucm, key), before, after)

    return Step(
        operation=operation_for(kind, before, after),
        object_type=kind.name,
        object_name=key,
        summary=summary,
        before=before,
        after=after,
        run=run,
        undo=undo,
        verify=verify,
    )
