from pathlib import Path

from commands.catalog import all_specs
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
