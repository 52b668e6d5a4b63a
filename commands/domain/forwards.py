"""Call forwards for application-failure redundancy: the options, and what a plan warns about.

When a CTI application fails, CUCM sends calls in progress to the DN's CFOF
and new calls to its CFNA until the application is back. Two CUCM facts make
a careless forward useless exactly then:

- CFNA has two blocks, external and internal callers; `cfna=` sets both, or
  internal callers (most of a contact center's transfers) ring out unanswered.
- A forward is dialled through its own calling search space. With none
  (`<None>`), only DNs in no partition are reachable: a target in a partition
  gives callers reorder. So the CSS is checked to exist, and a target given
  without one is named with the partition(s) it lives in.

A target that is not a DN on the cluster is allowed (an external number is
routed by a pattern), but the plan says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from commands.domain import device_args
from commands.engine.base import Arguments, Param, UsageError

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import CallingSearchSpace
    from commands.engine.existence_checks import References
    from commands.engine.objects import State

# Option -> the forward kinds (line-state keys) it sets.
FORWARD_OPTIONS: dict[str, tuple[str, ...]] = {
    "cfna": ("no_answer", "no_answer_int"),
    "cfof": ("on_failure",),
    "cfnr": ("not_registered",),
}
OPTION_LABELS = {"cfna": "CFNA", "cfof": "CFOF", "cfnr": "CFNR"}
SHARED_CSS = "forward-css"
SHARED_CSS_COVERS = ("cfna", "cfof")  # the two forwards CTI redundancy relies on


@dataclass(frozen=True)
class ForwardChange:
    """None leaves a field as it is; "" clears it."""

    destination: str | None = None
    css: str | None = None


@dataclass(frozen=True)
class ForwardRequest:
    """The forward options of one command, by option (cfna, cfof, cfnr)."""

    changes: Mapping[str, ForwardChange]

    def by_kind(self) -> dict[str, ForwardChange]:
        return {
            kind: change
            for option, change in self.changes.items()
            for kind in FORWARD_OPTIONS[option]
        }

    def __bool__(self) -> bool:
        return bool(self.changes)


NO_FORWARDS = ForwardRequest({})


def params(options: tuple[str, ...]) -> tuple[Param, ...]:
    """The CSS parameters that go with a command's forward options."""
    own = tuple(
        Param(
            f"{option}-css",
            f"calling search space the {OPTION_LABELS[option]} target is dialled through",
            placeholder="CSS",
        )
        for option in options
    )
    covered = [OPTION_LABELS[o] for o in SHARED_CSS_COVERS if o in options]
    shared = Param(
        SHARED_CSS,
        f"one calling search space for {' and '.join(covered)} (a `*-css=` option wins)",
        placeholder="CSS",
    )
    return (*own, shared)


def parse(args: Arguments, options: tuple[str, ...]) -> ForwardRequest:
    """Syntax of the forward and forward-CSS options (no CUCM read)."""
    shared = device_args.reference(args.get(SHARED_CSS), SHARED_CSS)
    changes: dict[str, ForwardChange] = {}
    for option in options:
        destination = device_args.forward_target(args.get(option), option)
        css = device_args.reference(args.get(f"{option}-css"), f"{option}-css")
        if destination == "" and css:
            raise UsageError(
                f"`{option}=none` clears the forward and its CSS: drop `{option}-css=`."
            )
        if css is None and option in SHARED_CSS_COVERS and destination != "":
            css = shared
        if destination is not None or css is not None:
            changes[option] = ForwardChange(destination, css)
    return ForwardRequest(changes)


def resolve(refs: References, request: ForwardRequest) -> ForwardRequest:
    """The request with each CSS in CUCM's spelling; a CSS that does not exist is refused."""
    return ForwardRequest(
        {
            option: replace(change, css=refs.css(change.css).name) if change.css else change
            for option, change in request.changes.items()
        }
    )


@dataclass(frozen=True)
class ForwardTarget:
    option: str
    destination: str
    css: str | None


def requested_targets(request: ForwardRequest) -> list[ForwardTarget]:
    """The targets a command sets, each with the CSS given alongside (None when none)."""
    return [
        ForwardTarget(option, change.destination, change.css or None)
        for option, change in request.changes.items()
        if change.destination
    ]


def state_targets(state: State, options: Iterable[str]) -> list[ForwardTarget]:
    """The targets a DN's state holds for `options` (its first kind stands for the option)."""
    found = []
    for option in options:
        forward = state["forwards"][FORWARD_OPTIONS[option][0]]
        if forward["destination"]:
            found.append(ForwardTarget(option, forward["destination"], forward["css"]))
    return found


@dataclass
class Advice:
    warnings: list[str]
    notes: list[str]


def advise(cucm: CucmCluster, refs: References, targets: Iterable[ForwardTarget]) -> Advice:
    """Warnings for targets callers could not reach, notes for targets that are not DNs.

    One listLine per distinct target, one getCss per distinct CSS (cached).
    """
    grouped: dict[tuple[str, str | None], list[str]] = {}
    for target in targets:
        labels = grouped.setdefault((target.destination, target.css), [])
        if OPTION_LABELS[target.option] not in labels:
            labels.append(OPTION_LABELS[target.option])
    advice = Advice([], [])
    partitions: dict[str, list[str | None]] = {}
    for (destination, css_name), labels in grouped.items():
        if destination not in partitions:
            partitions[destination] = _partitions_of(cucm, destination)
        css = refs.css(css_name) if css_name else None
        _advise_one(cucm, advice, labels, destination, partitions[destination], css)
    return advice


def _partitions_of(cucm: CucmCluster, destination: str) -> list[str | None]:
    """The partitions holding a DN spelled exactly `destination` (None: no partition)."""
    wanted = destination.casefold()
    return [
        line.partition
        for line in cucm.axl.list_lines(destination)
        if line.pattern.casefold() == wanted
    ]


def _advise_one(
    cucm: CucmCluster,
    advice: Advice,
    labels: list[str],
    destination: str,
    partitions: list[str | None],
    css: CallingSearchSpace | None,
) -> None:
    what = f"{' and '.join(labels)} target {destination}"
    options = " / ".join(f"`{label.lower()}-css=`" for label in labels)
    if not partitions:
        if css is None:
            advice.warnings.append(
                f"{what} is not a DN on cluster {cucm.name} and is given without a calling "
                "search space: with `<None>` CUCM can reach it only through a pattern in no "
                f"partition. Give {options} a CSS whose partitions route it."
            )
        else:
            advice.notes.append(
                f"{what} is not a DN on cluster {cucm.name}: it is dialled through "
                f"{css.name} (fine for an external number that a pattern in it routes)."
            )
        return
    if None in partitions:
        return  # a DN in no partition is reachable from any CSS, <None> included
    named = ", ".join(p for p in partitions if p)
    if css is None:
        advice.warnings.append(
            f"{what} is in partition {named}, but no calling search space is given: with "
            f"`<None>` callers get reorder when the application fails. Give {options} a CSS "
            f"that contains {named}."
        )
        return
    searched = {p.casefold() for p in css.partitions}
    if not any(p.casefold() in searched for p in partitions if p):
        advice.warnings.append(
            f"{what} is in partition {named}, which {css.name} does not contain "
            f"({', '.join(css.partitions) or 'no partitions'}): callers get reorder when the "
            "application fails."
        )
