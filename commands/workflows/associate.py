"""`/cti associate-device` and `/cti dissociate-device`: a user's controlled devices.

CUCM replaces the whole `associatedDevices` list on every update, so the plan
is one read-merge-write step of the user kind, which re-reads under the
per-user lock at apply time: two admins associating at once both keep their
device. Only devices that are about to be added are looked up, and only
until CUCM has said what each one is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cucm.errors import NotFound
from commands.domain.device_args import device_name
from commands.domain.user_args import END_USER, USER, userid
from commands.engine.base import Arguments, Command, CommandSpec, Param, Plan, Role, UsageError
from commands.kinds.users import kind_for, plan_association, read_user

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from commands.engine.context import Context

_DEVICES = Param(
    "devices",
    "Device names: CTI route points, CTI ports or phones.",
    positional=True,
    required=True,
    multiple=True,
    placeholder="RP_MAIN",
)
SUGGESTIONS = 20
# listPhone cannot search by product, so suggestions read a bounded slice of the phones
# named like the missing device, never the whole cluster.
SUGGESTION_SCAN = 200
SUGGESTION_PREFIXES = 3
_PREFIX = re.compile(r"[A-Za-z_]*")


def find_device(cucm: CucmCluster, name: str) -> str | None:
    """CUCM's spelling of a route point, CTI port or phone; None when there is none."""
    try:
        return cucm.axl.get_route_point(name).name
    except NotFound:
        pass
    try:
        return cucm.axl.get_cti_port(name).name
    except NotFound as exc:
        # The service layer refuses non-port phones as NotFound naming their product:
        # the device exists, and a phone is a valid controlled device.
        if "not a CTI Port" in str(exc):
            return name
        return None


def name_prefix(name: str) -> str:
    """The letters a device name starts with (CTIP of CTIP099): what its siblings share."""
    match = _PREFIX.match(name)
    return match.group(0) if match else ""


def suggestions(cucm: CucmCluster, missing: list[str]) -> list[str]:
    """A few CTI devices to show beside unknown names, in a bounded number of reads: those
    named like them first, any route points when none are."""
    known: list[str] = []
    prefixes = sorted({name_prefix(n) for n in missing} - {""})[:SUGGESTION_PREFIXES]
    for prefix in prefixes:
        known += cucm.axl.list_route_points(prefix + "%", limit=SUGGESTIONS)
        known += cucm.axl.list_cti_ports(prefix + "%", limit=SUGGESTION_SCAN)
    if not known:
        known = cucm.axl.list_route_points(limit=SUGGESTIONS)
    return unique(known)[:SUGGESTIONS]


def checked_devices(cucm: CucmCluster, names: list[str]) -> list[str]:
    """Every name resolved to CUCM's spelling, or one error listing all the missing ones."""
    found = {name: find_device(cucm, name) for name in names}
    missing = [name for name, spelled in found.items() if spelled is None]
    if missing:
        listing = ", ".join(suggestions(cucm, missing)) or "none"
        raise UsageError(
            f"No CTI route point, CTI port or phone named {', '.join(missing)} on cluster "
            f"{cucm.name}. CTI devices there include: {listing}."
        )
    return [spelled for spelled in found.values() if spelled is not None]


def unique(names: list[str]) -> list[str]:
    """Duplicates dropped case-insensitively, first spelling and order kept."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


@dataclass
class DeviceAssociationCommand:
    """Associate or dissociate: the same user step, opposite deltas."""

    spec: CommandSpec
    associate: bool

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        user = userid(args["user"])
        devices = unique([device_name(d) for d in args["devices"] or []])
        if not devices:
            raise UsageError("Name at least one device.")
        end_user = bool(args.get("end-user"))
        cucm = ctx.cucm
        before = read_user(cucm, user, end_user=end_user)
        label = f"{kind_for(end_user).label} {before['userid']}"
        held = {d.casefold() for d in before["associated_devices"]}
        notes: list[str] = []
        if self.associate:
            already = [d for d in devices if d.casefold() in held]
            wanted = checked_devices(cucm, [d for d in devices if d.casefold() not in held])
            if already:
                notes.append(f"Already controlled by {label}: {', '.join(already)}.")
            step = plan_association(cucm, user, add=wanted, end_user=end_user, before=before)
            title = f"Associate {', '.join(devices)} with {label}"
        else:
            absent = [d for d in devices if d.casefold() not in held]
            if absent:
                notes.append(f"Not controlled by {label}: {', '.join(absent)}.")
            step = plan_association(cucm, user, remove=devices, end_user=end_user, before=before)
            title = f"Dissociate {', '.join(devices)} from {label}"
        return Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=title,
            steps=[step] if step else [],
            notes=notes,
            risky=self.spec.risky,
        )


ASSOCIATE = DeviceAssociationCommand(
    CommandSpec(
        name="associate-device",
        summary="Add devices to a user's controlled devices (read, merge, write; no device lost).",
        role=Role.OPERATOR,
        params=(USER, _DEVICES, END_USER),
        examples=(
            "/cti associate-device ctiapp_ivr RP_MAIN CTIP001 CTIP002",
            "/cti associate-device jsmith SEP00112233AABB --end-user",
        ),
        writes=True,
    ),
    associate=True,
)
DISSOCIATE = DeviceAssociationCommand(
    CommandSpec(
        name="dissociate-device",
        summary="Remove devices from a user's controlled devices; the others stay.",
        role=Role.OPERATOR,
        params=(USER, _DEVICES, END_USER),
        examples=(
            "/cti dissociate-device ctiapp_ivr CTIP024",
            "/cti dissociate-device jsmith SEP00112233AABB --end-user",
        ),
        writes=True,
        risky=True,
    ),
    associate=False,
)

COMMANDS: list[Command] = [ASSOCIATE, DISSOCIATE]
