"""bot/health decides what is wrong; how an alert looks in Slack is the Slack layer's.

Every import in every module under bot/health is read from the source, those under
TYPE_CHECKING and inside functions included, so a Slack dependency cannot hide from it.
Every string it writes is read too: a mention or an emoji code in one is Slack markup
that the terminal and the demo would show as is (bot/text.py says it as structure).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import bot.health

SLACK = ("slack_sdk", "slack_bolt", "bot.slack")
HEALTH = Path(bot.health.__file__).parent
# `<@U…>`, `<!here>`, `<#C…>` and `:emoji_code:`; times such as 12:00:00 are not codes
MARKUP = re.compile(r"<[@!#]|:[a-z][a-z0-9_+-]*:")


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


def written_strings(source: str) -> list[str]:
    """The string literals a module writes (f-string parts included), docstrings left out:
    a docstring may say what Slack markup is without writing any."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_check_sees_markup_in_strings_and_not_in_docstrings() -> None:
    source = (
        '"""Says `<@U1>` and :warning: in a docstring."""\n'
        "def f(user, at):\n"
        '    """So may a function\'s: <@U2>."""\n'
        '    return f"acknowledged by <@{user}> at {at:%H:%M:%S}", ":construction: x"\n'
        'TIME = "12:00:00"\n'
    )
    found = {text for text in written_strings(source) if MARKUP.search(text)}
    assert found == {"acknowledged by <@", ":construction: x"}


def test_no_health_module_writes_slack_markup() -> None:
    found = {
        str(path.relative_to(HEALTH)): marked
        for path in sorted(HEALTH.rglob("*.py"))
        if (marked := [t for t in written_strings(path.read_text()) if MARKUP.search(t)])
    }
    assert found == {}
