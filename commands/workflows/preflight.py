"""`/cti preflight`: are the prerequisites of a CTI application in place, and what fixes each gap.

Read-only. Every failed check names the exact `/cti` command that fixes it
(or, when ctibot has no command for it, where in CUCM Administration to go),
so the report is a to-do list rather than a diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from bot.cucm.errors import CucmError, NotFound
from commands.domain.nodes import service_statuses, voice_nodes
from commands.domain.param_names import MAX_DEVICES_PER_PROVIDER, current_value
from commands.domain.redundancy import (
    CALL_MANAGER,
    CTIMANAGER,
    NO_CTIMANAGERS_NOTE,
    Finding,
    app_ctimanagers,
    device_recovery,
    on_cluster,
    parse_ctimanagers,
    provider_failover,
    start_fix,
    started,
)
from commands.engine.base import (
    Arguments,
    CommandSpec,
    Param,
    Reply,
    Role,
    Status,
    UsageError,
)
from commands.engine.command import Command
from commands.kinds.services import CTI_MANAGER

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import AppUser, CtiPort, EndUser, Line, RoutePoint, ServiceStatus
    from commands.engine.context import Context

CTI_ENABLED = "Standard CTI Enabled"
HEADROOM_WARN_RATIO = 0.8
REDUNDANCY_FORWARDS = {"no_answer": "CFNA", "no_answer_int": "CFNA internal", "on_failure": "CFOF"}
MAX_GAPS_SHOWN = 5
_USER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
_POOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$")
T = TypeVar("T")


@dataclass
class Check:
    ok: bool
    label: str
    detail: str
    fix: str | None = None
    warning: bool = False  # passed, but something deserves attention

    def lines(self) -> list[str]:
        mark = "⚠" if self.ok and self.warning else ("✓" if self.ok else "✗")
        out = [f"{mark} {self.label}: {self.detail}"]
        if self.fix:
            out.append(f"      fix: {self.fix}")
        return out


def _found(read: Callable[[], T | None]) -> T | None:
    """The object, or None when CUCM says it does not exist."""
    try:
        return read()
    except NotFound:
        return None


def _check(finding: Finding) -> Check:
    return Check(finding.ok, finding.label, finding.detail, finding.fix, finding.warning)


class PreflightCommand:
    spec = CommandSpec(
        name="preflight",
        summary="Check a CTI application's prerequisites and list the command fixing each gap.",
        role=Role.VIEWER,
        params=(
            Param(
                "app-user",
                "The application user the CTI application logs in as.",
                placeholder="ctiapp_ivr",
            ),
            Param(
                "device-pool",
                "The device pool of the application's route points and ports.",
                placeholder="DP_CTI",
            ),
            Param("end-user", "The user given in app-user= is an end user.", flag=True),
            CTIMANAGER,
        ),
        examples=(
            "/cti preflight app-user=ctiapp_ivr device-pool=DP_CTI",
            "/cti preflight app-user=ctiapp_ivr device-pool=DP_CTI ctimanager=cucm-sub1,cucm-sub2",
            "/cti preflight app-user=jsmith --end-user",
        ),
    )

    def execute(self, ctx: Context, args: Arguments) -> Reply:
        userid = _checked(args.get("app-user"), _USER_ID, "user ID")
        pool = _checked(args.get("device-pool"), _POOL, "device pool name")
        end_user = bool(args.get("end-user"))
        if end_user and userid is None:
            raise UsageError("`--end-user` needs the user: `app-user=<userid> --end-user`.")
        app_nodes = app_ctimanagers(ctx, userid, parse_ctimanagers(args.get("ctimanager")))
        cucm = ctx.cucm
        nodes = voice_nodes(cucm)
        app_nodes = on_cluster(app_nodes, nodes) if app_nodes else None
        both = service_statuses(cucm, nodes, (CTI_MANAGER, CALL_MANAGER))
        statuses = {node: found[CTI_MANAGER] for node, found in both.items()}
        checks = [_cti_manager(nodes, statuses)]
        notes: list[str] = []
        if pool is None:
            notes.append(
                "Give `device-pool=` to check which nodes register and recover the devices."
            )
        else:
            call_manager = {node: found[CALL_MANAGER] for node, found in both.items()}
            checks += _device_pool(cucm, pool, call_manager)
        if userid is None:
            notes.append("Give `app-user=` to check the user, its groups and device headroom.")
        else:
            checks += _user(cucm, userid, end_user, nodes, statuses)
        if app_nodes is None:
            notes.append(NO_CTIMANAGERS_NOTE)
        else:
            checks.append(_check(provider_failover(app_nodes, nodes, statuses)))
        failed = [c for c in checks if not c.ok]
        warned = [c for c in checks if c.ok and c.warning]
        lines = [line for check in checks for line in check.lines()] + notes
        status: Status = "error" if failed else ("warning" if warned else "ok")
        summary = f"{len(checks) - len(failed)} of {len(checks)} checks passed"
        return Reply(
            title=f"Preflight on cluster {cucm.name}: {summary}",
            status=status,
            lines=lines,
            footer="Read-only: nothing was changed.",
        )


def _checked(value: str | None, pattern: re.Pattern[str], what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not pattern.match(value):
        raise UsageError(f"`{value}` is not a valid {what}.")
    return value


def _cti_manager(nodes: list[str], statuses: dict[str, ServiceStatus | CucmError]) -> Check:
    running = [n for n in nodes if started(statuses[n])]
    others = [n for n in nodes if n not in running]
    label = f"{CTI_MANAGER} running"
    detail = f"started on {', '.join(running) or 'no node'}"
    if others:
        detail += f"; not started on {', '.join(others)}"
    if running:
        return Check(True, label, detail)
    fixes = " or ".join(start_fix(n, statuses[n]) for n in nodes[:2]) or "add a node"
    return Check(False, label, detail, fix=fixes)


def _device_pool(
    cucm: CucmCluster, name: str, call_manager: dict[str, ServiceStatus | CucmError]
) -> list[Check]:
    pool = _found(lambda: cucm.axl.get_device_pool(name))
    if pool is None:
        valid = ", ".join(p.name for p in cucm.axl.list_device_pools()) or "none"
        return [
            Check(
                False,
                f"Device pool {name}",
                f"does not exist (valid: {valid})",
                fix="no /cti command creates device pools: use one of the valid ones "
                "or create it in CUCM Administration > System > Device Pool",
            )
        ]
    checks = [Check(True, f"Device pool {pool.name}", f"exists, CM group {pool.cm_group}")]
    return [*checks, _check(device_recovery(cucm, pool, call_manager))]


def _user(
    cucm: CucmCluster,
    userid: str,
    end_user: bool,
    nodes: list[str],
    statuses: dict[str, ServiceStatus | CucmError],
) -> list[Check]:
    kind = "End user" if end_user else "Application user"
    user: AppUser | EndUser | None
    if end_user:
        user = _found(lambda: cucm.axl.get_end_user(userid))
    else:
        user = _found(lambda: cucm.axl.get_app_user(userid))
    if user is None:
        return [
            Check(
                False,
                f"{kind} {userid}",
                "does not exist",
                fix=_missing_user_fix(cucm, userid, end_user),
            )
        ]
    checks = [Check(True, f"{kind} {user.userid}", "exists")]
    flag = " --end-user" if end_user else ""
    in_group = any(g.casefold() == CTI_ENABLED.casefold() for g in user.groups)
    checks.append(
        Check(
            in_group,
            CTI_ENABLED,
            "member" if in_group else "not a member: the application cannot open a provider",
            fix=None
            if in_group
            else f'`/cti add-user-to-group {user.userid} "{CTI_ENABLED}"{flag}`',
        )
    )
    checks.append(_headroom(cucm, user.userid, len(user.associated_devices), nodes, statuses))
    forwards = redundancy_forwards(cucm, user.associated_devices)
    checks += [forwards] if forwards else []
    return checks


def _missing_user_fix(cucm: CucmCluster, userid: str, end_user: bool) -> str:
    """Point at the other user kind when the ID exists there; otherwise at CUCM Administration."""
    if end_user:
        if _found(lambda: cucm.axl.get_app_user(userid)) is not None:
            return f"{userid} is an application user: drop `--end-user`"
        return "no /cti command creates end users: add it in CUCM (User Management > End User)"
    if _found(lambda: cucm.axl.get_end_user(userid)) is not None:
        return f"{userid} is an end user: `/cti preflight app-user={userid} --end-user`"
    return (
        "no /cti command creates application users: add it in CUCM Administration "
        "(User Management > Application User)"
    )


def _headroom(
    cucm: CucmCluster,
    userid: str,
    count: int,
    nodes: list[str],
    statuses: dict[str, ServiceStatus | CucmError],
) -> Check:
    """Devices the user controls against the per-provider limit of a node running CTIManager."""
    node = next((n for n in nodes if started(statuses[n])), nodes[0] if nodes else None)
    label = "Max devices headroom"
    if node is None:
        return Check(False, label, "no node to read Maximum Devices Per Provider from")
    limit = current_value(cucm, node, MAX_DEVICES_PER_PROVIDER)
    if limit is None:
        return Check(
            True, label, f"{count} controlled devices; limit not readable on {node}", warning=True
        )
    ratio = count / limit if limit else 1.0
    detail = f"{userid} controls {count} devices of {limit} per provider ({ratio:.0%}, {node})"
    fix = f"`/cti params set max-devices-per-provider {max(count * 2, limit)} --all-nodes`"
    if count >= limit:
        return Check(False, label, detail, fix=fix)
    if ratio >= HEADROOM_WARN_RATIO:
        return Check(True, label, detail, fix=fix, warning=True)
    return Check(True, label, detail)


def _cti_device(cucm: CucmCluster, name: str) -> RoutePoint | CtiPort | None:
    """The route point or CTI port of that name; None for any other device (a phone)."""
    found: RoutePoint | CtiPort | None = _found(lambda: cucm.axl.get_route_point(name))
    return found or _found(lambda: cucm.axl.get_cti_port(name))


def _forward_gaps(line: Line) -> list[str]:
    gaps = []
    for kind, label in REDUNDANCY_FORWARDS.items():
        forward = line.forwards.get(kind)
        if forward is None or not forward.destination:
            gaps.append(f"no {label}")
        elif not forward.css:
            gaps.append(f"{label} {forward.destination} has no CSS")
    return gaps


def _forward_fix(line: Line) -> str:
    """The update-line that closes a DN's gaps, reusing the targets it already has."""
    held = {k: f.destination for k, f in line.forwards.items() if f.destination}
    cfna = held.get("no_answer") or held.get("no_answer_int") or "<DN>"
    cfof = held.get("on_failure") or "<DN>"
    partition = f" partition={line.partition}" if line.partition else ""
    return f"`/cti update-line {line.pattern}{partition} cfna={cfna} cfof={cfof} forward-css=<CSS>`"


def _cti_lines(cucm: CucmCluster, devices: tuple[str, ...]) -> Iterator[tuple[str, Line]]:
    """Each distinct DN on the given route points and CTI ports, with a device carrying it."""
    seen: set[str] = set()
    for name in devices:
        device = _cti_device(cucm, name)
        if device is None:
            continue
        for appearance in device.lines:
            ident = f"{appearance.pattern}/{appearance.partition or ''}".casefold()
            if ident in seen:
                continue
            seen.add(ident)
            line = _found(partial(cucm.axl.get_line, appearance.pattern, appearance.partition))
            if line is not None:
                yield device.name, line


def redundancy_forwards(cucm: CucmCluster, devices: tuple[str, ...]) -> Check | None:
    """CFNA (external and internal) and CFOF, each with a CSS, on the user's CTI devices' DNs.

    When the application fails these forwards are all callers get: a missing
    one leaves them unanswered, one without a CSS gives reorder for a target
    in a partition. None when the user controls no route point or CTI port.
    """
    label = "Redundancy forwards (CFNA/CFOF with a CSS)"
    lines = list(_cti_lines(cucm, devices))
    if not lines:
        return None
    gaps = [(name, line, missing) for name, line in lines if (missing := _forward_gaps(line))]
    if not gaps:
        return Check(True, label, f"set on all {len(lines)} DN(s) of its route points and ports")
    shown = [
        f"{name} DN {line.pattern}{f' in {line.partition}' if line.partition else ''}: "
        + ", ".join(missing)
        for name, line, missing in gaps[:MAX_GAPS_SHOWN]
    ]
    more = len(gaps) - MAX_GAPS_SHOWN
    detail = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    others = " (and the same for each DN listed)" if len(gaps) > 1 else ""
    return Check(False, label, detail, fix=_forward_fix(gaps[0][1]) + others)


COMMANDS: list[Command] = [PreflightCommand()]
