"""`executeSQLQuery`, for the few read-only statements a client sends.

The simulator has no SQL engine: it answers the statements whose shape it knows, over the
same model the AXL operations use, and refuses anything else as CUCM refuses bad SQL
(-201). Known: the application users associated with any of a list of devices, through CUCM's
`applicationuserdevicemap` table (table and column names as in CUCM's data dictionary;
not confirmed against a live cluster).
"""

from __future__ import annotations

import re

from cucmsim.axl import faults
from cucmsim.axl.common import AxlCall, Handler, too_large
from cucmsim.axl.xml import Element, leaf, sub, value
from cucmsim.model import key

_APP_USERS_OF_DEVICES = re.compile(
    r"select distinct au\.name from applicationuser au, applicationuserdevicemap aud, "
    r"device d where aud\.fkapplicationuser = au\.pkid and aud\.fkdevice = d\.pkid "
    r"and lower\(d\.name\) in \(('[^']*'(?:, '[^']*')*)\) order by au\.name",
    re.IGNORECASE,
)


def _app_users_of_devices(call: AxlCall, devices: set[str]) -> list[Element]:
    holders = sorted(
        (
            u
            for u in call.cluster.app_users.values()
            if devices & {key(d) for d in u.associated_devices}
        ),
        key=lambda u: u.userid.casefold(),
    )
    rows = []
    for user in holders:
        row = leaf("row")
        sub(row, "name", user.userid)
        rows.append(row)
    return rows


def execute_sql_query(call: AxlCall) -> list[Element]:
    statement = " ".join((value(call.body, "sql") or "").split())
    match = _APP_USERS_OF_DEVICES.fullmatch(statement)
    if match is None:
        raise faults.axl_fault(faults.SQL_SYNTAX, "A syntax error has occurred.", call.operation)
    devices = {key(name) for name in re.findall(r"'([^']*)'", match.group(1))}
    rows = _app_users_of_devices(call, devices)
    too_large(call, len(rows), rows)
    return rows


OPERATIONS: dict[str, Handler] = {"executeSQLQuery": execute_sql_query}
