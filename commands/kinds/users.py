"""Application and end users as objects: their controlled devices and access groups.

CUCM replaces `associatedDevices` and `associatedGroups` whole on every
update, so a write computed from a stale read would silently drop what
another admin added in between. `update` therefore re-reads the user under
the object lock and moves only the plan's delta onto the CURRENT lists, and
`satisfied` asks whether the delta holds, not whether the lists are equal.
Users themselves are created and removed outside the bot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bot.changelog.labels import kind_label
from bot.cucm.errors import CucmError, NotFound
from commands.engine.base import Step, UsageError
from commands.engine.objects import ObjectKind, State, change

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster

LIST_FIELDS = ("associated_devices", "groups")


class UnknownUser(UsageError):
    """The user named in the command does not exist as that kind of user."""


def _order(names: Iterable[str]) -> list[str]:
    """Deterministic and case-insensitive, as CUCM compares names."""
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.casefold(), name)
    return sorted(unique.values(), key=lambda n: (n.casefold(), n))


def user_state(userid: str, devices: Iterable[str], groups: Iterable[str]) -> State:
    return {"userid": userid, "associated_devices": _order(devices), "groups": _order(groups)}


def _folded(names: Iterable[str]) -> dict[str, str]:
    return {n.casefold(): n for n in names}


def delta(before: State, after: State, field: str) -> tuple[list[str], list[str]]:
    """(added, removed) between two states of one list field, compared case-insensitively."""
    old, new = _folded(before.get(field, [])), _folded(after.get(field, []))
    added = [new[k] for k in new if k not in old]
    removed = [old[k] for k in old if k not in new]
    return added, removed


def merged(current: list[str], added: Iterable[str], removed: Iterable[str]) -> list[str]:
    """`current` plus `added` minus `removed`, keeping CUCM's spelling of what stays."""
    gone = {n.casefold() for n in removed}
    kept = [n for n in current if n.casefold() not in gone]
    return _order([*kept, *added])


def apply_delta(current: State, before: State, after: State) -> State:
    """The state CUCM should reach: `current` moved by the before -> after delta."""
    result = dict(current)
    for field in LIST_FIELDS:
        added, removed = delta(before, after, field)
        result[field] = merged(current.get(field, []), added, removed)
    return result


class UserKind(ObjectKind):
    """State {"userid", "associated_devices", "groups"}; key = the userid (CUCM's spelling)."""

    merges_concurrent_writes = True

    def __init__(self, *, end_user: bool) -> None:
        self.end_user = end_user
        if end_user:
            self.name, self.label = "end_user", "end user"
            self.add_op, self.update_op, self.remove_op = "addUser", "updateUser", "removeUser"
        else:
            self.name, self.label = "app_user", "application user"
            self.add_op, self.update_op = "addAppUser", "updateAppUser"
            self.remove_op = "removeAppUser"

    def read(self, cucm: CucmCluster, key: str) -> State | None:
        try:
            found: Any = cucm.axl.get_end_user(key) if self.end_user else cucm.axl.get_app_user(key)
        except NotFound:
            return None
        if found is None:
            return None
        return user_state(found.userid, found.associated_devices, found.groups)

    def create(self, cucm: CucmCluster, state: State) -> None:
        raise CucmError(f"the bot does not create {self.label}s; add {state['userid']} in CUCM")

    def delete(self, cucm: CucmCluster, key: str) -> None:
        raise CucmError(f"the bot does not remove {self.label}s; {key} stays")

    def update(self, cucm: CucmCluster, key: str, before: State, after: State) -> None:
        """Read, merge the delta, write whole lists; the caller holds the object lock."""
        current = self.read(cucm, key)
        if current is None:
            raise NotFound(f"{self.label} no longer exists", operation=self.update_op, obj=key)
        target = apply_delta(current, before, after)
        # Only the lists that change are sent: an omitted list is left alone by CUCM.
        changed = {f: target[f] for f in LIST_FIELDS if target[f] != current[f]}
        if not changed:
            return
        if self.end_user:
            cucm.axl.update_end_user(key, **changed)
        else:
            cucm.axl.update_app_user(key, **changed)

    def satisfied(self, current: State | None, before: State | None, after: State | None) -> bool:
        if current is None or before is None or after is None:
            return current == after
        for field in LIST_FIELDS:
            added, removed = delta(before, after, field)
            held = {n.casefold() for n in current.get(field, [])}
            if any(n.casefold() not in held for n in added):
                return False
            if any(n.casefold() in held for n in removed):
                return False
        return True

    def references(self, state: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(state["associated_devices"])

    def reverted(self, current: State, before: State, after: State) -> State:
        """Undo target: `current` with the recorded delta reversed, others' changes kept."""
        return apply_delta(current, after, before)


APP_USER = UserKind(end_user=False)
END_USER = UserKind(end_user=True)


def kind_for(end_user: bool) -> UserKind:
    return END_USER if end_user else APP_USER


def read_user(cucm: CucmCluster, userid: str, *, end_user: bool = False) -> State:
    """The user's state, or a usage error naming the user and the kind looked for."""
    kind = kind_for(end_user)
    state = kind.read(cucm, userid)
    if state is None:
        hint = "an application user? drop --end-user" if end_user else "an end user? add --end-user"
        raise UnknownUser(
            f"No {kind.label} `{userid}` on cluster {cucm.name} "
            f"(looked among {kind.label}s; {hint})."
        )
    return state


def _summary(kind: UserKind, state: State, before: State, after: State) -> str:
    parts = []
    nouns = (("associated_devices", "controlled devices"), ("groups", "access control groups"))
    for field, noun in nouns:
        added, removed = delta(before, after, field)
        if added:
            parts.append(f"add {noun} {', '.join(added)}")
        if removed:
            parts.append(f"remove {noun} {', '.join(removed)}")
    return f"{kind_label(kind.name)} {state['userid']}: {'; '.join(parts)}"


def plan_user(
    cucm: CucmCluster,
    userid: str,
    *,
    add_devices: Iterable[str] = (),
    remove_devices: Iterable[str] = (),
    add_groups: Iterable[str] = (),
    remove_groups: Iterable[str] = (),
    end_user: bool = False,
    before: State | None = None,
) -> Step | None:
    """One write for everything that changes on a user; None when nothing does.

    Pass `before` when the caller already read the user, so a plan never reads
    the same object twice.
    """
    kind = kind_for(end_user)
    state = before if before is not None else read_user(cucm, userid, end_user=end_user)
    after = dict(state)
    after["associated_devices"] = merged(state["associated_devices"], add_devices, remove_devices)
    after["groups"] = merged(state["groups"], add_groups, remove_groups)
    if after == state:
        return None
    return change(cucm, kind, state["userid"], state, after, _summary(kind, state, state, after))


def plan_association(
    cucm: CucmCluster,
    userid: str,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    end_user: bool = False,
    *,
    before: State | None = None,
) -> Step | None:
    """Controlled devices added / removed, as one read-merge-write step."""
    return plan_user(
        cucm, userid, add_devices=add, remove_devices=remove, end_user=end_user, before=before
    )


def plan_groups(
    cucm: CucmCluster,
    userid: str,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
    end_user: bool = False,
    *,
    before: State | None = None,
) -> Step | None:
    """Access groups added / removed, as one read-merge-write step."""
    return plan_user(
        cucm, userid, add_groups=add, remove_groups=remove, end_user=end_user, before=before
    )
