"""Access control groups (AXL `userGroup`).

Members are stored on the users (`User.groups`), so a member `userId`
resolves an end user first, then an application user; both kinds can be
members, as the GUI allows.
"""

from __future__ import annotations

from cucmsim.axl import faults
from cucmsim.axl.common import (
    AxlCall,
    Handler,
    get_and_list,
    lookup,
    payload,
    required,
)
from cucmsim.axl.xml import Element, child, children, leaf, sub, value
from cucmsim.model import User, UserGroup, key


def members_of(call: AxlCall, group: UserGroup) -> list[User]:
    everyone = (*call.cluster.users.values(), *call.cluster.app_users.values())
    return [u for u in everyone if key(group.name) in {key(g) for g in u.groups}]


def _resolve_members(call: AxlCall, elem: Element | None) -> list[User]:
    found = []
    for member in children(elem, "member"):
        userid = required(call, member, "userId")
        user = call.cluster.users.get(key(userid)) or call.cluster.app_users.get(key(userid))
        if user is None:
            raise faults.missing_reference("User", userid, call.operation)
        found.append(user)
    return found


def _roles(elem: Element | None) -> list[str]:
    return [r for r in (value(e, "roleName") for e in children(elem, "userRole")) if r]


def _join(user: User, group: UserGroup) -> None:
    if key(group.name) not in {key(g) for g in user.groups}:
        user.groups.append(group.name)


def _leave(user: User, group: UserGroup) -> None:
    user.groups = [g for g in user.groups if key(g) != key(group.name)]


def _render(call: AxlCall, group: UserGroup) -> Element:
    elem = leaf("userGroup", uuid=group.uuid)
    members = sub(elem, "members")
    for user in members_of(call, group):
        sub(sub(members, "member", uuid=user.uuid), "userId", user.userid)
    roles = sub(elem, "userRoles")
    for role in group.roles:
        sub(sub(roles, "userRole"), "roleName", role)
    sub(elem, "name", group.name)
    return elem


def add_user_group(call: AxlCall) -> str:
    elem = payload(call, "userGroup")
    name = required(call, elem, "name")
    if key(name) in call.cluster.user_groups:
        raise faults.duplicate(call.operation)
    group = UserGroup(name=name, roles=_roles(child(elem, "userRoles")))
    members = _resolve_members(call, child(elem, "members"))
    call.cluster.user_groups[key(name)] = group
    for user in members:
        _join(user, group)
    return group.uuid


def update_user_group(call: AxlCall) -> str:
    """`members` replaces the membership; removeMembers then addMembers are deltas."""
    cluster = call.cluster
    group = lookup(call, cluster.user_groups, "User Group")
    replace = child(call.body, "members")
    replacement = _resolve_members(call, replace) if replace is not None else None
    removed = _resolve_members(call, child(call.body, "removeMembers"))
    added = _resolve_members(call, child(call.body, "addMembers"))
    new_name = value(call.body, "newName")
    renamed = new_name is not None and key(new_name) != key(group.name)
    if renamed and key(str(new_name)) in cluster.user_groups:
        raise faults.duplicate(call.operation)
    if replacement is not None:
        for user in members_of(call, group):
            _leave(user, group)
        for user in replacement:
            _join(user, group)
    for user in removed:
        _leave(user, group)
    for user in added:
        _join(user, group)
    roles = child(call.body, "userRoles")
    if roles is not None:
        group.roles = _roles(roles)
    group.roles = [r for r in group.roles if r not in _roles(child(call.body, "removeUserRoles"))]
    group.roles += [r for r in _roles(child(call.body, "addUserRoles")) if r not in group.roles]
    if new_name is not None:
        for user in members_of(call, group):
            user.groups = [new_name if key(g) == key(group.name) else g for g in user.groups]
        del cluster.user_groups[key(group.name)]
        group.name = new_name
        cluster.user_groups[key(new_name)] = group
    return group.uuid


OPERATIONS: dict[str, Handler] = {
    **get_and_list("UserGroup", "User Group", lambda c: c.user_groups, _render),
    "addUserGroup": add_user_group,
    "updateUserGroup": update_user_group,
}
