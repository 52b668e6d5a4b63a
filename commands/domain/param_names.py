"""Find a CTI service parameter the way admins type it, and its entry on a node.

Admins type a concept key (`max-devices-per-provider`), the GUI's display
name in any case, with or without spaces, or a unique prefix. The catalogue
(defaults, ranges) and the run-time name resolution are the service layer's
(`bot.cucm.param_catalog`); this module turns them into command-line answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.cucm.errors import ParameterUnresolved
from bot.cucm.param_catalog import (
    CATALOGUE,
    Effect,
    ParameterSpec,
    Scope,
    choose_name,
    outside_range,
    validate,
)
from commands.engine.base import UsageError

if TYPE_CHECKING:
    from bot.cucm.cluster import CucmCluster
    from bot.cucm.models import ServiceParameter

MAX_DEVICES_PER_PROVIDER = "max_devices_per_provider"


def catalogue() -> tuple[ParameterSpec, ...]:
    return tuple(CATALOGUE.values())


def services() -> list[str]:
    return list(dict.fromkeys(spec.service for spec in CATALOGUE.values()))


def range_text(spec: ParameterSpec) -> str:
    """The range, marked `(own)` when it is ctibot's and not confirmed by Cisco."""
    own = "" if spec.range_confirmed else " (own)"
    return f"{spec.minimum}-{spec.maximum}{own}"


def effect_text(spec: ParameterSpec) -> str:
    if spec.effect is Effect.RESTART:
        return f"after a restart of {spec.service}"
    return spec.effect.value


def is_clusterwide(spec: ParameterSpec) -> bool:
    return spec.scope is Scope.CLUSTERWIDE


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def find_param(text: str) -> ParameterSpec:
    """Concept key, display name (any case, spaces optional) or unique prefix of either."""
    typed = _squash(text)
    if not typed:
        raise UsageError("Name the parameter, e.g. `max-devices-per-provider`.")
    specs = catalogue()
    exact = [s for s in specs if typed in (_squash(s.key), _squash(s.display_name))]
    if exact:
        return exact[0]
    prefixed = [
        s
        for s in specs
        if _squash(s.key).startswith(typed) or _squash(s.display_name).startswith(typed)
    ]
    if len(prefixed) == 1:
        return prefixed[0]
    listing = ", ".join(f"`{cli_key(s)}` ({s.display_name})" for s in (prefixed or specs))
    if prefixed:
        raise UsageError(f"`{text}` is ambiguous: {listing}.")
    raise UsageError(f"Unknown parameter `{text}`. Parameters: {listing}.")


def cli_key(spec: ParameterSpec) -> str:
    return spec.key.replace("_", "-")


def check_value(spec: ParameterSpec, text: str) -> tuple[int, str | None]:
    """A whole number CUCM can store, plus a warning when it is outside the catalogue's
    range: that range is advice (CUCM does not check it over AXL), never a refusal."""
    try:
        number = validate(spec.key, text)
    except ValueError as exc:
        raise UsageError(f"{exc} (default {spec.default}).") from None
    return number, outside_range(spec, number)


def int_value(current: str | None) -> int | None:
    """A value as AXL holds it (a string), as a whole number when it is one."""
    if current is None:
        return None
    try:
        return int(current.strip())
    except ValueError:
        return None


def same_value(current: str | None, wanted: int) -> bool:
    return int_value(current) == wanted


def resolve(
    cucm: CucmCluster, spec: ParameterSpec, listed: Iterable[ServiceParameter]
) -> ServiceParameter | None:
    """The listed parameter that is `spec` on this node, or None when it cannot be told.

    The cluster's configured `param_names` override wins; a tie is no answer at
    all, because sending a guessed name could change the wrong thing.
    """
    mine = {p.name: p for p in listed if p.service.casefold() == spec.service.casefold()}
    override = cucm.endpoint.param_names.get(spec.key)
    try:
        return mine[choose_name(spec, list(mine), where=spec.service, override=override)]
    except ParameterUnresolved:
        return None


def current_value(cucm: CucmCluster, node: str, key: str) -> int | None:
    """A catalogue parameter's value on one node (one listServiceParameter), or None."""
    spec = CATALOGUE[key]
    found = resolve(cucm, spec, cucm.axl.list_service_parameters(node, spec.service))
    return None if found is None else int_value(found.value)
