from pathlib import Path

from commands.catalog import all_specs
from commands.engine.base import CommandSpec, Role
from commands.reference_doc import commands_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "commands.md"


def test_docs_commands_md_matches_the_registry() -> None:
    assert DOC.read_text() == commands_markdown(all_specs()), (
        "docs/commands.md is stale: run `ctibot docs commands > docs/commands.md`"
    )


def test_every_command_is_documented_with_role_and_example() -> None:
    text = commands_markdown(all_specs())
    for spec in all_specs():
        assert f"## `{spec.name}`" in text
        assert spec.examples, f"{spec.name} has no example"


def test_a_command_whose_plans_may_be_risky_says_when() -> None:
    """The runner asks for exactly what the spec declares: always, when, or never."""
    specs = [
        CommandSpec("always", "s", Role.ADMIN, writes=True, risky=True),
        CommandSpec("sometimes", "s", Role.ADMIN, writes=True, risky_when="it adds a group"),
        CommandSpec("never", "s", Role.ADMIN, writes=True),
    ]
    roles = [line for line in commands_markdown(specs).splitlines() if line.startswith("- Role")]
    assert roles == [
        "- Role: admin; writes, asks for confirmation",
        "- Role: admin; writes, asks for confirmation when it adds a group",
        "- Role: admin; writes",
    ]
