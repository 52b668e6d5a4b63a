"""The CTI service-parameter catalogue and run-time resolution of internal AXL names.

CUCM's internal parameter names for the CTI settings are not published
(docs/cucm-interfaces.md#service-parameters), so nothing here sends a guessed name: a concept
is resolved against the names the node actually returns from ``listServiceParameter`` -
configured override first, then our candidate guesses, then a token match of the GUI display
name. AXL does not range-check values either, so the ranges below are the product's own
table: advice, not law. What is law is the value's type: a whole number CUCM can store.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.cucm.axl import AxlClient
from bot.cucm.errors import ParameterUnresolved
from bot.cucm.models import ServiceParameter

CTI_MANAGER = "Cisco CTIManager"
CALL_MANAGER = "Cisco CallManager"


# The widest whole number a "long" service parameter holds (a signed 32-bit integer). CUCM's
# own bound is not published; the simulator refuses beyond it, so the product never relies
# on CUCM storing more.
LONG_MIN = -(2**31)
LONG_MAX = 2**31 - 1


class Scope(StrEnum):
    """Where the value lives. CUCM stores every service parameter per node, but a clusterwide
    one is one setting for the cluster: the Service Parameter window writes it to every node."""

    CLUSTERWIDE = "clusterwide"
    PER_NODE = "per node"


class Effect(StrEnum):
    """When a new value takes effect, as far as the catalogue knows."""

    AT_ONCE = "at once"
    RESTART = "after a service restart"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    service: str
    display_name: str
    candidates: tuple[str, ...]  # guesses only; resolution checks them against the node
    default: int
    minimum: int
    maximum: int
    unit: str = ""
    scope: Scope = Scope.PER_NODE
    effect: Effect = Effect.UNKNOWN
    range_confirmed: bool = False  # False: the range is ctibot's own, not Cisco's


# Defaults are Cisco's (SysConfig, "Configure CTI Applications"). Ranges are the PRODUCT'S OWN
# TABLE, not confirmed by Cisco (AXL reports no ranges), so a value outside one is a warning,
# never a refusal - adjust here if a release's GUI says otherwise. The devices-per-provider,
# devices-per-node and heartbeat parameters are CTIManager's advanced clusterwide parameters;
# the others are not known to be clusterwide, so they stay per node (a node may be chosen).
# When a value takes effect is not documented for any of them: Effect.UNKNOWN, honestly.
CATALOGUE: dict[str, ParameterSpec] = {
    spec.key: spec
    for spec in (
        ParameterSpec(
            "max_devices_per_provider",
            CTI_MANAGER,
            "Maximum Devices Per Provider",
            ("MaxDevicesPerProvider", "MaximumDevicesPerProvider"),
            2000,
            1,
            40000,
            "devices",
            scope=Scope.CLUSTERWIDE,
        ),
        ParameterSpec(
            "max_devices_per_node",
            CTI_MANAGER,
            "Maximum Devices Per Node",
            ("MaxDevicesPerNode", "MaximumDevicesPerNode"),
            800,
            1,
            40000,
            "devices",
            scope=Scope.CLUSTERWIDE,
        ),
        ParameterSpec(
            "heartbeat_min_interval",
            CTI_MANAGER,
            "Application Heartbeat Minimum Interval",
            ("ApplicationHeartbeatMinInterval",),
            5,
            1,
            300,
            "seconds",
            scope=Scope.CLUSTERWIDE,
        ),
        ParameterSpec(
            "heartbeat_max_interval",
            CTI_MANAGER,
            "Application Heartbeat Maximum Interval",
            ("ApplicationHeartbeatMaxInterval",),
            3600,
            30,
            3600,
            "seconds",
            scope=Scope.CLUSTERWIDE,
        ),
        ParameterSpec(
            "new_call_accept_timer",
            CALL_MANAGER,
            "CTI New Call Accept Timer",
            ("CtiNewCallAcceptTimer", "NewCallAcceptTimer"),
            4,
            1,
            20,
            "seconds",
        ),
        ParameterSpec(
            "max_cti_connections",
            CTI_MANAGER,
            "Maximum CTI Connections",
            ("MaxCTIConnections",),
            400,
            1,
            10000,
            "connections",  # default unconfirmed
        ),
    )
}

# Spellings CUCM uses for the same word in display and internal names.
_SYNONYMS = {
    "maximum": "max",
    "minimum": "min",
    "int": "interval",
    "intvl": "interval",
    "secs": "sec",
    "seconds": "sec",
    "second": "sec",
    "num": "number",
    "conn": "connection",
    "timeout": "timer",
}
_NOISE = frozenset({"cti", "sec", "ms", "the", "of"})
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def tokens(name: str) -> frozenset[str]:
    """Normalized words of a display or internal name ("CtiMaxDevicesPerNode" -> max, ...)."""
    words = []
    for raw in _WORD.findall(name):
        word = _SYNONYMS.get(raw.lower(), raw.lower())
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = _SYNONYMS.get(word[:-1], word[:-1])
        words.append(word)
    return frozenset(words) - _NOISE


def fuzzy_match(display_name: str, names: list[str]) -> list[str]:
    """Internal names containing every significant word of the display name, best first."""
    wanted = tokens(display_name)
    scored = sorted((len(tokens(name) - wanted), name) for name in names if wanted <= tokens(name))
    if not scored:
        return []
    best = scored[0][0]
    return [name for extra, name in scored if extra == best]


# (lower, upper): the first must never exceed the second, on any node.
ORDERED_PAIRS: tuple[tuple[str, str], ...] = (("heartbeat_min_interval", "heartbeat_max_interval"),)


def validate(concept: str, value: object) -> int:
    """The value as an int CUCM can store, else ``ValueError``; the catalogue's range is
    only advice (see ``outside_range``)."""
    spec = spec_for(concept)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{spec.display_name} must be a whole number, not {value!r}") from None
    if not LONG_MIN <= number <= LONG_MAX:
        raise ValueError(
            f"{spec.display_name} {number} is beyond what CUCM stores for a whole-number "
            f"parameter ({LONG_MIN} to {LONG_MAX})"
        )
    return number


def outside_range(spec: ParameterSpec, number: int) -> str | None:
    """Why ``number`` deserves a second look, or None when it is within the catalogue's range."""
    if spec.minimum <= number <= spec.maximum:
        return None
    unit = f" {spec.unit}" if spec.unit else ""
    whose = "Cisco's range"
    if not spec.range_confirmed:
        whose = "ctibot's own range (not confirmed by Cisco)"
    return (
        f"{spec.display_name} {number} is outside {whose} {spec.minimum}-{spec.maximum}{unit}. "
        "CUCM does not check ranges over AXL; make sure this release's Service Parameter "
        "help allows it."
    )


def ordered_partner(concept: str) -> tuple[str, bool] | None:
    """(the other concept, True when ``concept`` is the lower one) for an ordered pair."""
    for lower, upper in ORDERED_PAIRS:
        if concept == lower:
            return upper, True
        if concept == upper:
            return lower, False
    return None


def spec_for(concept: str) -> ParameterSpec:
    try:
        return CATALOGUE[concept]
    except KeyError:
        raise ValueError(f"unknown parameter {concept!r}; known: {sorted(CATALOGUE)}") from None


def choose_name(
    spec: ParameterSpec,
    names: list[str],
    *,
    where: str,
    override: str | None = None,
    cluster: str = "",
) -> str:
    """The node's internal name for ``spec``: the configured override, a candidate, or the
    single best fuzzy match; anything else is an error listing what the node has."""
    if override is not None:
        if override in names:
            return override
        raise _unresolved(
            f"configured name {override!r} is not a parameter of {where}", spec, names, cluster
        )
    for candidate in spec.candidates:
        if candidate in names:
            return candidate
    matches = fuzzy_match(spec.display_name, names)
    if len(matches) == 1:
        return matches[0]
    problem = "is ambiguous between " + ", ".join(matches) if matches else "matches no name"
    raise _unresolved(f"{spec.display_name!r} {problem} of {where}", spec, names, cluster)


def _unresolved(
    message: str, spec: ParameterSpec, names: list[str], cluster: str
) -> ParameterUnresolved:
    listing = ", ".join(sorted(names)) or "(none)"
    return ParameterUnresolved(
        f"{message}; the node has: {listing}. Set param_names.{spec.key} in the config.",
        available=tuple(sorted(names)),
        operation="listServiceParameter",
        cluster=cluster,
        obj=spec.key,
    )


class ParameterResolver:
    """Maps concepts to the node's internal names; caches per (cluster, node, service)."""

    def __init__(
        self, axl: AxlClient, *, cluster: str = "", overrides: Mapping[str, str] | None = None
    ) -> None:
        self._axl = axl
        self._cluster = cluster
        self._overrides = dict(overrides or {})
        self._lock = threading.Lock()
        self._names: dict[tuple[str, str], list[str]] = {}
        self._resolved: dict[tuple[str, str], str] = {}

    def names(self, node: str, service: str) -> list[str]:
        """Internal names the node has for ``service`` (listed once, then cached)."""
        key = (node, service)
        with self._lock:
            cached = self._names.get(key)
        if cached is None:
            cached = [p.name for p in self._axl.list_service_parameters(node, service)]
            with self._lock:
                self._names[key] = cached
        return cached

    def resolve(self, node: str, concept: str) -> str:
        spec = spec_for(concept)
        key = (node, concept)
        with self._lock:
            if key in self._resolved:
                return self._resolved[key]
        name = self._choose(spec, node, self.names(node, spec.service))
        with self._lock:
            self._resolved[key] = name
        return name

    def _choose(self, spec: ParameterSpec, node: str, names: list[str]) -> str:
        return choose_name(
            spec,
            names,
            where=f"{spec.service} on {node}",
            override=self._overrides.get(spec.key),
            cluster=self._cluster,
        )

    def get(self, node: str, concept: str) -> ServiceParameter:
        spec = spec_for(concept)
        return self._axl.get_service_parameter(node, spec.service, self.resolve(node, concept))

    def set(self, node: str, concept: str, value: object) -> str:
        """Validate the value's type, then write the resolved parameter on this node."""
        number = validate(concept, value)
        spec = spec_for(concept)
        name = self.resolve(node, concept)
        return self._axl.update_service_parameter(node, spec.service, name, str(number))
