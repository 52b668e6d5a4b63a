from dataclasses import dataclass, field
from typing import Any

from bot.slack.rbac import RoleResolver
from commands.engine.base import Role


@dataclass
class Rbac:
    admins: list[str] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)
    viewers: list[str] = field(default_factory=list)


class Groups:
    def __init__(self, members: dict[str, list[str]]) -> None:
        self.members = members
        self.calls = 0

    def usergroups_users_list(self, *, usergroup: str, **_: Any) -> dict[str, Any]:
        self.calls += 1
        if usergroup not in self.members:
            raise RuntimeError("no_such_subteam")
        return {"ok": True, "users": self.members[usergroup]}


def test_deny_by_default() -> None:
    assert RoleResolver(Rbac(admins=["U1"])).role_of("U2") is Role.NONE


def test_highest_role_wins_and_says_how() -> None:
    resolver = RoleResolver(Rbac(admins=["U1"], viewers=["*"], operators=["U1"]))
    assert resolver.role_of("U1") is Role.ADMIN
    grant = resolver.grant_of("U9")
    assert grant.role is Role.VIEWER and "everyone" in grant.via


def test_user_groups_are_cached_with_ttl() -> None:
    now = [0.0]
    groups = Groups({"S1": ["U5"]})
    resolver = RoleResolver(Rbac(operators=["S1"]), groups, group_ttl_s=60, clock=lambda: now[0])
    assert resolver.grant_of("U5").role is Role.OPERATOR
    assert "S1" in resolver.grant_of("U5").via
    assert resolver.role_of("U6") is Role.NONE
    assert groups.calls == 1
    groups.members["S1"] = []
    now[0] = 61
    assert resolver.role_of("U5") is Role.NONE
    assert groups.calls == 2


def test_unreadable_group_denies() -> None:
    resolver = RoleResolver(Rbac(admins=["S404"]), Groups({}))
    assert resolver.role_of("U1") is Role.NONE
