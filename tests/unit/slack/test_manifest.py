"""The manifest must declare what the code registers and every scope the code uses."""

import re
from pathlib import Path

import yaml

from bot.slack.listeners.commands import COMMAND

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = yaml.safe_load((ROOT / "app_manifest.yml").read_text())

# Web API methods the bot calls, and the bot scope each needs.
SCOPE_OF = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "views_open": None,
    "views_update": None,
    "usergroups_users_list": "usergroups:read",
    "users_info": "users:read",
}


def _source() -> str:
    files = list((ROOT / "bot").rglob("*.py")) + list((ROOT / "commands").rglob("*.py"))
    return "\n".join(p.read_text() for p in files if "demo" not in p.parts)


def test_command_is_declared() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == [COMMAND]
    declared = MANIFEST["features"]["slash_commands"][0]
    assert declared["description"] and len(declared["usage_hint"]) <= 1000
    assert declared["should_escape"] is True  # the parser unescapes <@U…> and <#C…|…>


def test_interactivity_enabled_since_buttons_and_modals_are_registered() -> None:
    source = _source()
    assert "app.action(" in source and "app.view(" in source
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is False


def test_every_scope_the_code_uses_is_declared() -> None:
    declared = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    used = set(re.findall(r"\.(\w+_\w+)\(", _source())) & set(SCOPE_OF)
    assert used, "expected the code to call some Web API methods"
    needed = {SCOPE_OF[m] for m in used if SCOPE_OF[m]} | {"commands"}
    assert needed <= declared, needed - declared
    assert declared <= needed | {"chat:write.public", "users:read"}  # least privilege
