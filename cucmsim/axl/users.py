"""End users and application users: controlled devices and group membership.

`associatedDevices` and `associatedGroups` replace the whole list (there is
no delta in the schema); group membership lives on the user (`User.groups`),
so updateUserGroup and updateUser/updateAppUser see the same data.
"""

from __future__ import annotations

from collections.abc import Callable

from cucmsim.axl import faults
from cucmsim.axl.common import (
    AxlCall,
    Handler,
    edit,
    existing_line,
    get_result,
    keyed_list_result,
    lookup,
    payload,
    reference,
    required,
)
from cucmsim.axl.xml import (
    Element,
    bool_text,
    child,
    children,
    flag,
    has,
    is_nil,
    leaf,
    ordered,
    scalar_fields,
    sub,
    value,
)
from cucmsim.model import Cluster, User, key

_KNOWN = {
    "userid",
    "newUserid",
    "uuid",
    "password",
    "firstName",
    "lastName",
    "enableCti",
    "associatedDevices",
    "associatedGroups",
    "primaryExtension",
    "returnedTags",
}
_USER_ORDER = [
    "firstName",
    "displayName",
    "middleName",
    "lastName",
    "emMaxLoginTime",
    "userid",
    "password",
    "pin",
    "mailid",
    "department",
    "manager",
    "userLocale",
    "associatedDevices",
    "primaryExtension",
    "associatedPc",
    "associatedGroups",
    "enableCti",
    "digestCredentials",
    "phoneProfiles",
    "defaultProfile",
    "presenceGroupName",
    "subscribeCallingSearchSpaceName",
    "enableMobility",
    "enableMobileVoiceAccess",
    "maxDeskPickupWaitTime",
    "remoteDestinationLimit",
    "status",
    "enableEmcc",
    "ctiControlledDeviceProfiles",
    "patternPrecedence",
    "numericUserId",
    "mlppPassword",
    "homeCluster",
    "imAndPresenceEnable",
    "serviceProfile",
    "directoryUri",
    "telephoneNumber",
    "title",
    "mobileNumber",
    "homeNumber",
    "pagerNumber",
    "selfService",
    "userProfile",
    "calendarPresence",
    "ldapDirectoryName",
]
_APP_USER_ORDER = [
    "userid",
    "password",
    "passwordCredentials",
    "digestCredentials",
    "presenceGroupName",
    "acceptPresenceSubscription",
    "acceptOutOfDialogRefer",
    "acceptUnsolicitedNotification",
    "allowReplaceHeader",
    "isStandard",
    "associatedDevices",
    "associatedGroups",
    "associatedCapfProfiles",
    "ctiControlledDeviceProfiles",
]


def userid_taken(call: AxlCall, userid: str) -> bool:
    """End users and application users share one user-id namespace."""
    return key(userid) in call.cluster.users or key(userid) in call.cluster.app_users


def _apply_fields(call: AxlCall, user: User, elem: Element) -> None:
    cluster = call.cluster
    if has(elem, "firstName"):
        user.first_name = value(elem, "firstName") or ""
    if has(elem, "lastName"):
        user.last_name = value(elem, "lastName") or ""
    if has(elem, "enableCti"):
        user.enable_cti = flag(value(elem, "enableCti"), True)
    devices = child(elem, "associatedDevices")
    if devices is not None:
        names = [(d.text or "").strip() for d in children(devices, "device") if not is_nil(d)]
        user.associated_devices = [
            str(reference(call, cluster.devices, "Device", n)) for n in names if n
        ]
    groups = child(elem, "associatedGroups")
    if groups is not None:
        user.groups = [
            str(reference(call, cluster.user_groups, "User Group", required(call, g, "name")))
            for g in children(groups, "userGroup")
        ]
    extension = child(elem, "primaryExtension")
    if extension is not None:
        pattern = value(extension, "pattern")
        if pattern is None:
            user.primary_extension = None
        else:
            line = existing_line(call, pattern, value(extension, "routePartitionName"))
            user.primary_extension = (line.pattern, line.partition)
    for name, text in scalar_fields(elem, _KNOWN).items():
        user.extra[name] = text or ""


def _render(call: AxlCall, user: User) -> Element:
    cluster = call.cluster
    fields = {name: leaf(name, text) for name, text in user.extra.items()}
    fields["userid"] = leaf("userid", user.userid)
    devices = leaf("associatedDevices")
    for name in user.associated_devices:
        sub(devices, "device", name)
    fields["associatedDevices"] = devices
    groups = leaf("associatedGroups")
    for name in user.groups:
        group = cluster.user_groups.get(key(name))
        entry = sub(groups, "userGroup")
        sub(entry, "name", name)
        roles = sub(entry, "userRoles")
        for role in group.roles if group else []:
            sub(roles, "userRole", role)
    fields["associatedGroups"] = groups
    if not user.is_app_user:
        fields["firstName"] = leaf("firstName", user.first_name)
        fields["lastName"] = leaf("lastName", user.last_name)
        fields["enableCti"] = leaf("enableCti", bool_text(user.enable_cti))
        extension = leaf("primaryExtension")
        if user.primary_extension is not None:
            sub(extension, "pattern", user.primary_extension[0])
            sub(extension, "routePartitionName", user.primary_extension[1])
        fields["primaryExtension"] = extension
    elem = leaf("appUser" if user.is_app_user else "user", uuid=user.uuid)
    ordered(elem, fields, _APP_USER_ORDER if user.is_app_user else _USER_ORDER)
    return elem


def _rename(call: AxlCall, table: dict[str, User], user: User) -> None:
    new_userid = value(call.body, "newUserid")
    if new_userid is None or key(new_userid) == key(user.userid):
        return
    if userid_taken(call, new_userid):
        raise faults.duplicate(call.operation)
    del table[key(user.userid)]
    user.userid = new_userid
    table[key(new_userid)] = user


def _userid(user: User) -> str:
    return user.userid


def _user_operations(
    name: str, label: str, table: Callable[[Cluster], dict[str, User]]
) -> dict[str, Handler]:
    """get, update and list: end users and application users read and change alike."""

    def find(call: AxlCall) -> User:
        return lookup(call, table(call.cluster), label, name_tag="userid")

    def get(call: AxlCall) -> Element:
        return get_result(call, _render(call, find(call)))

    def update(call: AxlCall) -> str:
        user = find(call)
        edit(user, lambda draft: _apply_fields(call, draft, call.body))
        _rename(call, table(call.cluster), user)
        return user.uuid

    def list_all(call: AxlCall) -> list[Element]:
        users = table(call.cluster).values()
        return keyed_list_result(call, users, lambda u: _render(call, u), "userid", _userid)

    return {f"get{name}": get, f"update{name}": update, f"list{name}": list_all}


def add_app_user(call: AxlCall) -> str:
    elem = payload(call, "appUser")
    userid = required(call, elem, "userid")
    if userid_taken(call, userid):
        raise faults.duplicate(call.operation)
    user = User(userid=userid, is_app_user=True)
    _apply_fields(call, user, elem)
    call.cluster.app_users[key(userid)] = user
    return user.uuid


def remove_app_user(call: AxlCall) -> str:
    user = lookup(call, call.cluster.app_users, "Application User", name_tag="userid")
    del call.cluster.app_users[key(user.userid)]
    return user.uuid


OPERATIONS: dict[str, Handler] = {
    **_user_operations("User", "User", lambda c: c.users),
    **_user_operations("AppUser", "Application User", lambda c: c.app_users),
    "addAppUser": add_app_user,
    "removeAppUser": remove_app_user,
}
