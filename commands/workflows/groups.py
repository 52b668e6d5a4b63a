"""`/cti add-user-to-group` and `/cti remove-user-from-group`: Standard CTI access groups.

Membership is written through updateAppUser / updateUser `associatedGroups`,
which CUCM documents for both user kinds (updateUserGroup addMembers is not
confirmed for application users). That list is replaced whole, so the write
is the user kind's read-merge-write under the per-user lock. Cisco's pairing
rules are checked on the group set the user ends up with, and a change that
can stop the user's application (group_safety) asks for a confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from commands.domain.access_groups import match_groups, rule_warnings
from commands.domain.group_safety import RISKY_WHEN, risky_group_warnings, security_mode_for
from commands.domain.user_args import END_USER, USER, userid
from commands.engine.base import Arguments, CommandSpec, Param, Plan, Role
from commands.engine.command import Command
from commands.kinds.users import kind_for, plan_groups, read_user

if TYPE_CHECKING:
    from commands.engine.context import Context

_GROUPS = Param(
    "groups",
    'Standard CTI group names, quoted when they hold spaces (any case; "enabled" is short for '
    '"Standard CTI Enabled").',
    positional=True,
    required=True,
    multiple=True,
    placeholder='"Standard CTI Enabled"',
)


@dataclass
class GroupMembershipCommand:
    """Add or remove: the same user step, opposite deltas."""

    spec: CommandSpec
    add: bool

    def execute(self, ctx: Context, args: Arguments) -> Plan:
        user = userid(args["user"])
        groups = match_groups(args["groups"] or [])
        end_user = bool(args.get("end-user"))
        cucm = ctx.cucm
        before = read_user(cucm, user, end_user=end_user)
        label = f"{kind_for(end_user).label} {before['userid']}"
        held = {g.casefold() for g in before["groups"]}
        if self.add:
            untouched = [g for g in groups if g.casefold() in held]
            note = f"Already member{'s' if len(untouched) > 1 else ''} of"
            step = plan_groups(cucm, user, add=groups, end_user=end_user, before=before)
            title = f"Add {label} to {', '.join(groups)}"
        else:
            untouched = [g for g in groups if g.casefold() not in held]
            note = "Not a member of"
            step = plan_groups(cucm, user, remove=groups, end_user=end_user, before=before)
            title = f"Remove {label} from {', '.join(groups)}"
        notes = [f"{label}: {note} {', '.join(untouched)}."] if untouched else []
        result = step.after if step is not None and step.after is not None else before
        changed = [g for g in groups if g not in untouched] if step is not None else []
        mode = security_mode_for(cucm, result["groups"], changed)
        risks = risky_group_warnings(
            cucm,
            before["userid"],
            added=changed if self.add else [],
            removed=[] if self.add else changed,
            mode=mode,
        )
        return Plan(
            command=self.spec.name,
            cluster=cucm.name,
            title=title,
            steps=[step] if step else [],
            notes=notes,
            warnings=risks
            + rule_warnings(before["userid"], result["groups"], end_user=end_user, mode=mode),
            risky=self.spec.risky or bool(risks),
        )


ADD_TO_GROUP = GroupMembershipCommand(
    CommandSpec(
        name="add-user-to-group",
        summary="Add an application or end user to Standard CTI access control groups.",
        role=Role.OPERATOR,
        params=(USER, _GROUPS, END_USER),
        examples=(
            '/cti add-user-to-group ctiapp_ivr "Standard CTI Enabled"',
            '/cti add-user-to-group ctiapp_rec "Standard CTI Allow Call Recording" enabled',
            '/cti add-user-to-group jsmith "Standard CTI Enabled" --end-user',
        ),
        writes=True,
        risky_when=RISKY_WHEN,
    ),
    add=True,
)
REMOVE_FROM_GROUP = GroupMembershipCommand(
    CommandSpec(
        name="remove-user-from-group",
        summary="Remove an application or end user from Standard CTI access control groups.",
        role=Role.OPERATOR,
        params=(USER, _GROUPS, END_USER),
        examples=(
            '/cti remove-user-from-group ctiapp_rec "Standard CTI Allow Call Monitoring"',
            '/cti remove-user-from-group jsmith "Standard CTI Enabled" --end-user',
        ),
        writes=True,
        risky=True,
    ),
    add=False,
)

COMMANDS: list[Command] = [ADD_TO_GROUP, REMOVE_FROM_GROUP]
