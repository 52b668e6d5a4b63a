"""Who may do what: Slack user IDs and user groups mapped to ctibot roles.

Deny by default: a user matched by no grant gets Role.NONE. Grants name
stable IDs (U…/W… users, S… user groups), never display names, which users
can change. Group membership is fetched from Slack and cached briefly so a
burst of commands costs one API call, and a removal from a group takes
effect within the TTL.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from commands.engine.base import Role

log = logging.getLogger(__name__)

EVERYONE = "*"
DEFAULT_GROUP_TTL_S = 300.0
FAILED_GROUP_TTL_S = 10.0


class RbacSettings(Protocol):
    admins: list[str]
    operators: list[str]
    viewers: list[str]


class GroupClient(Protocol):
    def usergroups_users_list(self, *, usergroup: str, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Grant:
    role: Role
    via: str  # how it was granted, for whoami and the audit trail


class RoleResolver:
    def __init__(
        self,
        rbac: RbacSettings,
        client: GroupClient | None = None,
        *,
        group_ttl_s: float = DEFAULT_GROUP_TTL_S,
        clock: Any = time.monotonic,
    ) -> None:
        self._grants: list[tuple[Role, list[str]]] = [
            (Role.ADMIN, list(rbac.admins)),
            (Role.OPERATOR, list(rbac.operators)),
            (Role.VIEWER, list(rbac.viewers)),
        ]
        self._client = client
        self._ttl = group_ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}

    def role_of(self, user_id: str) -> Role:
        return self.grant_of(user_id).role

    def grant_of(self, user_id: str) -> Grant:
        """The highest role any grant gives this user; Role.NONE when none does."""
        for role, entries in self._grants:
            via = self._match(user_id, entries, role)
            if via is not None:
                return Grant(role, via)
        return Grant(Role.NONE, "no grant matches: deny by default")

    def _match(self, user_id: str, entries: Iterable[str], role: Role) -> str | None:
        listing = f"rbac.{role.label}s"
        for entry in entries:
            if entry == EVERYONE:
                return f'"*" in {listing} (everyone)'
            if entry == user_id:
                return f"listed in {listing}"
            if entry.startswith("S") and user_id in self._members(entry):
                return f"member of user group {entry} in {listing}"
        return None

    def _members(self, group_id: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._groups.get(group_id)
            if cached is not None and cached[0] > now:
                return cached[1]
        members, ttl = self._fetch(group_id)
        with self._lock:
            self._groups[group_id] = (now + ttl, members)
        return members

    def _fetch(self, group_id: str) -> tuple[frozenset[str], float]:
        if self._client is None:
            return frozenset(), self._ttl
        try:
            response = self._client.usergroups_users_list(usergroup=group_id)
            return frozenset(response.get("users") or ()), self._ttl
        except Exception as exc:
            log.warning("cannot read user group %s (deny until it can): %s", group_id, exc)
            return frozenset(), FAILED_GROUP_TTL_S
