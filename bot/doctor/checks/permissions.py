"""Check 4: the API account's roles, and each API ctibot uses, called once read-only.

Reads are proven by a call (per node for Control Center and PerfMon, which answer only for
their own node; once for RIS, which ctibot asks on the publisher). Writes doctor must never
send, so AXL writes and Control Center activation are judged by the roles the account holds
through its access control groups, read over AXL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from bot.cucm.errors import AuthFailed, CucmError, NotFound
from bot.doctor.cluster_nodes import voice_nodes
from bot.doctor.report import Finding, Mark
from bot.doctor.roles import (
    AXL_READ,
    AXL_WRITE,
    CONTROL_CENTER,
    CONTROL_CENTER_WRITE,
    PERFMON,
    RIS,
    Confidence,
    Requirement,
    grant_fix,
    missing,
)
from bot.doctor.run import Check, Probe

NAME = "permissions"
PROBE_DEVICE = "ctibot-doctor-probe"  # a name no device has: RIS answers with nothing


@dataclass(frozen=True)
class Account:
    userid: str
    app_user: bool
    groups: tuple[str, ...]
    roles: frozenset[str]  # case-folded


def read_account(probe: Probe) -> Account:
    """The configured user as an application user, else as an end user, with its roles."""
    axl = probe.cucm.axl
    userid = probe.endpoint.username
    try:
        groups, app_user = axl.get_app_user(userid).groups, True
    except NotFound:
        groups, app_user = axl.get_end_user(userid).groups, False
    roles = {role.casefold() for group in groups for role in axl.get_user_group(group).roles}
    return Account(userid, app_user, groups, frozenset(roles))


def _marks(requirement: Requirement) -> str:
    return f"{', '.join(requirement.roles)} ({requirement.confidence.value})"


def _refused(account: Account, requirement: Requirement, subject: str, exc: AuthFailed) -> Finding:
    lacking = missing(requirement, account.roles)
    if lacking:
        detail = (
            f"CUCM refused {requirement.probe} (HTTP {exc.status}); it needs {_marks(requirement)}"
        )
        return Finding(
            NAME,
            subject,
            Mark.FAIL,
            detail,
            grant_fix(account.userid, lacking, app_user=account.app_user),
        )
    return Finding(
        NAME,
        subject,
        Mark.FAIL,
        f"CUCM refused {requirement.probe} (HTTP {exc.status}) although {account.userid} holds "
        f"{_marks(requirement)}",
        "Compare the account's roles with docs/cucm-permissions.md; this release may need "
        "another role.",
    )


def _call(
    account: Account, requirement: Requirement, subject: str, call: Callable[[], object]
) -> Finding:
    try:
        call()
    except AuthFailed as exc:
        return _refused(account, requirement, subject, exc)
    except CucmError as exc:
        return Finding(NAME, subject, Mark.FAIL, f"{requirement.probe} failed: {exc}")
    return Finding(NAME, subject, Mark.PASS, f"{requirement.probe} answered")


def _by_roles(account: Account, requirement: Requirement) -> Finding:
    lacking = missing(requirement, account.roles)
    if not lacking:
        return Finding(NAME, requirement.api, Mark.PASS, f"holds {_marks(requirement)}")
    confirmed = requirement.confidence is Confidence.CONFIRMED
    return Finding(
        NAME,
        requirement.api,
        Mark.FAIL if confirmed else Mark.WARN,
        f"lacks {', '.join(lacking)}: CUCM {'refuses' if confirmed else 'may refuse'} "
        f"{requirement.api} without {_marks(requirement)}",
        grant_fix(account.userid, lacking, app_user=account.app_user),
    )


def check(probe: Probe) -> Iterator[Finding]:
    who = f"{probe.endpoint.username}"
    try:
        account = read_account(probe)
        nodes = voice_nodes(probe)
    except AuthFailed as exc:
        yield Finding(
            NAME,
            AXL_READ.api,
            Mark.FAIL,
            f"CUCM refused reading {who}'s groups (HTTP {exc.status}); AXL needs "
            f"{_marks(AXL_READ)}",
            grant_fix(who, list(AXL_READ.roles), app_user=True),
        )
        return
    except CucmError as exc:
        yield Finding(NAME, AXL_READ.api, Mark.FAIL, f"could not read {who}'s groups: {exc}")
        return
    kind = "application user" if account.app_user else "end user"
    yield Finding(
        NAME,
        f"{kind} {who}",
        Mark.PASS,
        f"groups: {', '.join(account.groups) or 'none'}",
    )
    yield Finding(NAME, AXL_READ.api, Mark.PASS, f"{AXL_READ.probe} answered")
    yield _by_roles(account, AXL_WRITE)
    cucm = probe.cucm
    for node in nodes:
        yield _call(
            account,
            CONTROL_CENTER,
            f"{CONTROL_CENTER.api} on {node}",
            partial(cucm.controlcenter.get_service_status, node),
        )
    yield _by_roles(account, CONTROL_CENTER_WRITE)
    yield _call(account, RIS, RIS.api, lambda: probe.ris.select_cm_devices([PROBE_DEVICE]))
    for node in nodes:
        yield _call(
            account,
            PERFMON,
            f"{PERFMON.api} on {node}",
            partial(probe.perfmon.list_counters, node),
        )


PERMISSIONS = Check(NAME, check, needs=("credentials",))
