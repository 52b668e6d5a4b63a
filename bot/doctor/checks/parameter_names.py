"""Check 5: every catalogued CTI service parameter resolves to this cluster's internal name.

CUCM does not publish the internal names and they may differ between releases, so ctibot
resolves each concept on every voice node from what ``listServiceParameter`` returns. A
concept that does not resolve gets the ``param_names`` line that pins it.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.cucm.errors import CucmError, ParameterUnresolved
from bot.cucm.param_catalog import CATALOGUE, ParameterResolver, ParameterSpec, tokens
from bot.doctor.cluster_nodes import voice_nodes
from bot.doctor.report import Finding, Mark
from bot.doctor.run import Check, Probe

NAME = "params"
PLACEHOLDER = "<internal name>"


def closest(spec: ParameterSpec, names: tuple[str, ...]) -> str | None:
    """The one name sharing the most words with the display name (at least two), if any."""
    wanted = tokens(spec.display_name)
    scored = sorted(
        ((len(wanted & tokens(name)), name) for name in names), key=lambda pair: -pair[0]
    )
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def tried(spec: ParameterSpec, override: str | None) -> str:
    if override is not None:
        return f"the configured name {override}"
    return f"{', '.join(spec.candidates)} and the words of {spec.display_name!r}"


def param_names_line(pinned: dict[str, str]) -> str:
    pairs = ", ".join(f'{concept} = "{name}"' for concept, name in pinned.items())
    return f"In the cluster's config section: param_names = {{ {pairs} }}"


def check(probe: Probe) -> Iterator[Finding]:
    endpoint = probe.endpoint
    try:
        nodes = voice_nodes(probe)
    except CucmError as exc:
        yield Finding(NAME, endpoint.name, Mark.FAIL, f"listProcessNode failed: {exc}")
        return
    resolver = ParameterResolver(
        probe.cucm.axl, cluster=endpoint.name, overrides=endpoint.param_names
    )
    resolved: dict[str, dict[str, str]] = {}  # concept -> node -> internal name
    unresolved: dict[str, tuple[list[str], tuple[str, ...]]] = {}  # concept -> nodes, names
    errors: list[Finding] = []
    for spec in CATALOGUE.values():
        for node in nodes:
            try:
                resolved.setdefault(spec.key, {})[node] = resolver.resolve(node, spec.key)
            except ParameterUnresolved as exc:
                failed_nodes, _ = unresolved.setdefault(spec.key, ([], exc.available))
                failed_nodes.append(node)
            except CucmError as exc:
                errors.append(Finding(NAME, f"{spec.key} on {node}", Mark.FAIL, str(exc)))
    # Existing pins stay in the suggested line, so it can replace the configured one whole.
    pinned = dict(endpoint.param_names)
    for concept, (_, available) in unresolved.items():
        pinned[concept] = closest(CATALOGUE[concept], available) or PLACEHOLDER
    for spec in CATALOGUE.values():
        if spec.key in unresolved:
            failed_nodes, available = unresolved[spec.key]
            yield Finding(
                NAME,
                spec.key,
                Mark.FAIL,
                f"{spec.display_name!r} not found on {', '.join(failed_nodes)} "
                f"({spec.service}); tried {tried(spec, endpoint.param_names.get(spec.key))}; "
                f"the node has: {', '.join(available) or '(none)'}",
                param_names_line(pinned)
                + "\n(check each name in CUCM's Service Parameter window, advanced view, first)",
            )
        elif spec.key in resolved:
            names = sorted(set(resolved[spec.key].values()))
            yield Finding(
                NAME,
                spec.key,
                Mark.PASS,
                f"{spec.display_name!r} is {' / '.join(names)} ({spec.service}, "
                f"{len(resolved[spec.key])} nodes)",
            )
    yield from errors


PARAMS = Check(NAME, check, needs=("credentials",))
