"""Planning sees what other change sets are doing right now.

A change set that is still applying is half way: a DN it created may yet be
compensated away if its next step fails, and two sets writing one object at
once would each restore the other's before-state. So a plan that writes an
object another applying set writes, or builds on an object another set is
creating, is refused with that set named, and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.text import Code, Line, Mention, line
from commands.engine.base import Plan, Refused

if TYPE_CHECKING:
    from bot.changelog.store import ChangeLog, InFlightChange
    from commands.engine.objects import ObjectKind


@dataclass(frozen=True)
class _Wanted:
    name: str
    direct: bool  # written by this plan (else only referenced by it)


def _wanted(plan: Plan, kinds: Mapping[str, ObjectKind]) -> dict[str, _Wanted]:
    wanted: dict[str, _Wanted] = {}
    for step in plan.steps:
        kind = kinds.get(step.object_type)
        if kind is None or not kind.merges_concurrent_writes:
            wanted[step.object_name.casefold()] = _Wanted(step.object_name, direct=True)
        if kind is None or step.after is None:
            continue
        for ref in kind.references(step.after):
            wanted.setdefault(ref.casefold(), _Wanted(ref, direct=False))
    return wanted


def _blocks(claim: InFlightChange, wanted: _Wanted, kinds: Mapping[str, ObjectKind]) -> bool:
    if wanted.direct:
        return True
    kind = kinds.get(claim.object_type)
    return kind is not None and claim.operation == kind.add_op


def conflicts(
    changelog: ChangeLog,
    kinds: Mapping[str, ObjectKind],
    plan: Plan,
    *,
    own_set: int | None = None,
) -> list[InFlightChange]:
    """Changes of other applying sets that this plan must not race.

    With `own_set`, only older sets count: of two sets that opened at once, the
    younger one gives way, so exactly one of them proceeds.
    """
    wanted = _wanted(plan, kinds)
    if not wanted:
        return []
    claims = changelog.in_flight(plan.cluster, [w.name for w in wanted.values()])
    return [
        claim
        for claim in claims
        if (own_set is None or claim.change_set_id < own_set)
        and _blocks(claim, wanted[claim.object_name.casefold()], kinds)
    ]


def explain(claims: list[InFlightChange]) -> Line:
    first = claims[0]
    objects = sorted({c.object_name for c in claims})
    sets = sorted({c.change_set_id for c in claims})
    shown = ", ".join(f"#{s}" for s in sets)
    verb = "is" if len(sets) == 1 else "are"
    return line(
        f"{', '.join(objects)} {'is' if len(objects) == 1 else 'are'} being changed by "
        f"change set {shown} (",
        Code(first.command_text),
        " by ",
        Mention(first.actor_id),
        f"), which {verb} still applying. Run this again when it has finished: ",
        Code(f"/cti show-change {sets[0]}"),
        ".",
        objects=tuple(objects),
    )


def refuse_if_racing(changelog: ChangeLog, kinds: Mapping[str, ObjectKind], plan: Plan) -> None:
    claims = conflicts(changelog, kinds, plan)
    if claims:
        raise Refused(explain(claims))
