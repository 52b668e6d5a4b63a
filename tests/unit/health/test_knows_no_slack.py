"""bot/health decides what is wrong; how an alert looks in Slack is the Slack layer's.

Every import in every module under bot/health is read from the source, those under
TYPE_CHECKING and inside functions included, so a Slack dependency cannot hide from it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bot.health

SLACK = ("slack_sdk", "slack_bolt", "bot.slack")
HEALTH = Path(bot.health.__file__).parent


def imported_names(source: str) -> list[str]:
    """Every module a source file imports; `from bot import slack` counts as `bot.slack`."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def is_slack(name: str) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in SLACK)


def test_the_check_sees_every_form_of_import() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from slack_sdk import WebClient\n"
        "def f():\n    import slack_bolt.app\n"
        "from bot import slack\n"
        "import bot.slackish\n"
    )
    assert {n for n in imported_names(source) if is_slack(n)} == {
        "slack_sdk",
        "slack_sdk.WebClient",
        "slack_bolt.app",
        "bot.slack",
    }


def test_no_health_module_imports_slack() -> None:
    modules = sorted(HEALTH.rglob("*.py"))
    assert len(modules) > 10, modules  # the walk found the package
    found = {
        str(path.relative_to(HEALTH)): [n for n in imported_names(path.read_text()) if is_slack(n)]
        for path in modules
    }
    assert {path: names for path, names in found.items() if names} == {}
