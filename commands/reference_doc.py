"""docs/commands.md, written from the registry so the reference cannot drift from the code."""

from __future__ import annotations

from collections.abc import Iterable

from commands.engine.base import CommandSpec, Role

_INTRO = """# /cti commands

Generated from the command registry by `ctibot docs commands`; a test fails
when this page and the code disagree. Every command takes `--cluster <name>`
(or `cluster=<name>`); every command that writes takes `--dry-run` (the plan,
nothing sent). Roles: viewer < operator < admin, deny by default. Risky
commands, and any plan touching more than 10 objects, show their plan with
Confirm / Cancel buttons first; the confirmation is single-use, expires, and
is refused if CUCM changed since the plan was made.
"""


def commands_markdown(specs: Iterable[CommandSpec]) -> str:
    return "\n".join([_INTRO, *(_section(spec) for spec in specs)])


def _section(spec: CommandSpec) -> str:
    role = "anyone" if spec.role == Role.NONE else spec.role.label
    traits = ["writes" if spec.writes else "read-only"]
    if spec.risky:
        traits.append("asks for confirmation")
    elif spec.risky_when:
        traits.append(f"asks for confirmation when {spec.risky_when}")
    lines = [
        f"## `{spec.name}`",
        "",
        spec.summary,
        "",
        f"- Usage: `{spec.usage}`",
        f"- Role: {role}; {', '.join(traits)}",
    ]
    lines += [f"- `{p.name}`: {p.help}" for p in spec.params]
    if spec.examples:
        lines += ["", "Examples:", ""]
        lines += [f"    {example}" for example in spec.examples]
    return "\n".join(lines) + "\n"
