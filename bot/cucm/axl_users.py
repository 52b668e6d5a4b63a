"""End users, application users and user (access control) groups.

``associatedDevices`` and ``associatedGroups`` are replaced whole by CUCM
(docs/cucm-interfaces.md#whole-lists): the update methods here send the complete list they are
given; merging is the caller's read-modify-write, serialized per object. Group membership
deltas (addMembers/removeMembers) need no read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.cucm.axl_base import AxlBase
from bot.cucm.convert import field, items, ret, text, uuid_of
from bot.cucm.models import AppUser, EndUser, UserGroup

# The only characters a device name may hold on CUCM: nothing that could end a SQL literal.
_SQL_SAFE_DEVICE = re.compile(r"[A-Za-z0-9._-]{1,128}")
# CUCM's data dictionary: applicationuserdevicemap links applicationuser and device by pkid.
# (Table and column names are not in the AXL schema; see docs/performance.md.)
_APP_USERS_OF_DEVICES = (
    "select distinct au.name from applicationuser au, applicationuserdevicemap aud, device d "
    "where aud.fkapplicationuser = au.pkid and aud.fkdevice = d.pkid "
    "and lower(d.name) in ({devices}) order by au.name"
)
# Device names per statement: a remove of many ports stays a few short queries.
SQL_DEVICES_PER_QUERY = 200


def _column(row: Any, name: str) -> str:
    """One column of an executeSQLQuery row (zeep gives the row's children as elements)."""
    for element in row if isinstance(row, list) else items(row, "", "_value_1"):
        tag = getattr(element, "tag", "")
        if isinstance(tag, str) and tag.rsplit("}", 1)[-1] == name:
            return element.text or ""
    return ""


def _devices_payload(devices: Iterable[str]) -> dict[str, Any]:
    return {"device": list(devices)}


def _groups_payload(groups: Iterable[str]) -> dict[str, Any]:
    return {"userGroup": [{"name": group} for group in groups]}


def _list_changes(
    associated_devices: Sequence[str] | None, groups: Sequence[str] | None
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if associated_devices is not None:
        changes["associatedDevices"] = _devices_payload(associated_devices)
    if groups is not None:
        changes["associatedGroups"] = _groups_payload(groups)
    return changes


def _devices(user: Any) -> tuple[str, ...]:
    return tuple(str(d) for d in items(user, "associatedDevices", "device") if d)


def _groups(user: Any) -> tuple[str, ...]:
    return tuple(text(g, "name") for g in items(user, "associatedGroups", "userGroup"))


def _members(userids: Iterable[str]) -> dict[str, Any]:
    return {"member": [{"userId": userid} for userid in userids]}


class UserMixin(AxlBase):
    """User and user-group operations."""

    # ----- application users -----
    def get_app_user(self, userid: str) -> AppUser:
        user = field(ret(self._call("getAppUser", obj=userid, userid=userid)), "appUser")
        return AppUser(
            userid=text(user, "userid") or userid,
            associated_devices=_devices(user),
            groups=_groups(user),
            uuid=uuid_of(user),
        )

    def add_app_user(
        self,
        userid: str,
        *,
        password: str | None = None,
        associated_devices: Sequence[str] = (),
        groups: Sequence[str] = (),
    ) -> str:
        payload: dict[str, Any] = {"userid": userid, "password": password}
        payload.update(_list_changes(associated_devices or None, groups or None))
        return self._write("addAppUser", obj=userid, appUser=payload)

    def update_app_user(
        self,
        userid: str,
        *,
        associated_devices: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
    ) -> str:
        """Replace the full device and/or group list (None leaves that list alone)."""
        changes = _list_changes(associated_devices, groups)
        return self._write("updateAppUser", obj=userid, userid=userid, **changes)

    def list_app_users(self, like: str = "%") -> list[str]:
        return self._list_names("listAppUser", "appUser", like, key="userid")

    def app_users_controlling(self, devices: Sequence[str]) -> list[str]:
        """Application users whose controlled devices include any of ``devices``, in one
        query per 200 devices.

        AXL's listAppUser cannot search by device, so this is read-only SQL on the
        association table; every name is checked to be a plain device name before it is
        placed in the statement.
        """
        bad = [d for d in devices if not _SQL_SAFE_DEVICE.fullmatch(d)]
        if bad:
            raise ValueError(f"not a device name: {bad[0]!r}")
        names = sorted({d.lower() for d in devices})
        found: set[str] = set()
        for start in range(0, len(names), SQL_DEVICES_PER_QUERY):
            chunk = names[start : start + SQL_DEVICES_PER_QUERY]
            listed = ", ".join(f"'{name}'" for name in chunk)
            sql = _APP_USERS_OF_DEVICES.format(devices=listed)
            response = self._call("executeSQLQuery", obj=", ".join(chunk)[:80], sql=sql)
            found.update(_column(row, "name") for row in items(ret(response), "", "row"))
        return sorted(found, key=str.casefold)

    # ----- end users -----
    def get_end_user(self, userid: str) -> EndUser:
        user = field(ret(self._call("getUser", obj=userid, userid=userid)), "user")
        return EndUser(
            userid=text(user, "userid") or userid,
            first_name=text(user, "firstName"),
            last_name=text(user, "lastName"),
            associated_devices=_devices(user),
            groups=_groups(user),
            uuid=uuid_of(user),
        )

    def update_end_user(
        self,
        userid: str,
        *,
        associated_devices: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
    ) -> str:
        """Replace the full device and/or group list (None leaves that list alone)."""
        changes = _list_changes(associated_devices, groups)
        return self._write("updateUser", obj=userid, userid=userid, **changes)

    def list_end_users(self, like: str = "%") -> list[str]:
        return self._list_names("listUser", "user", like, key="userid")

    # ----- user groups -----
    def get_user_group(self, name: str) -> UserGroup:
        group = field(ret(self._call("getUserGroup", obj=name, name=name)), "userGroup")
        return UserGroup(
            name=text(group, "name") or name,
            members=tuple(text(m, "userId") for m in items(group, "members", "member")),
            roles=tuple(text(r, "roleName") for r in items(group, "userRoles", "userRole")),
        )

    def list_user_groups(self, like: str = "%") -> list[str]:
        return self._list_names("listUserGroup", "userGroup", like)

    def update_user_group_members(
        self, name: str, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> str:
        """Delta membership change in one round trip (no read-modify-write needed)."""
        add, remove = list(add), list(remove)
        if not add and not remove:
            raise ValueError("nothing to add or remove")
        changes: dict[str, Any] = {}
        if remove:
            changes["removeMembers"] = _members(remove)
        if add:
            changes["addMembers"] = _members(add)
        return self._write("updateUserGroup", obj=name, name=name, **changes)
