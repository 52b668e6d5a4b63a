"""Both manifests must declare what the code registers and every scope the code uses,
and differ only in how Slack reaches the bot."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.slack.listeners.slash_commands import COMMAND
from bot.slack.server import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[3]
HTTP = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
SOCKET_MODE = yaml.safe_load((ROOT / "app_manifest.socket_mode.yml").read_text())
MANIFESTS = pytest.mark.parametrize("manifest", [HTTP, SOCKET_MODE], ids=["http", "socket_mode"])

# Web API methods the bot calls, and the bot scope each needs.
SCOPE_OF = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "views_open": None,
    "views_update": None,
    "views_publish": None,
    "usergroups_users_list": "usergroups:read",
    "users_info": "users:read",
    "files_upload_v2": "files:write",
}


def _source() -> str:
    files = list((ROOT / "bot").rglob("*.py")) + list((ROOT / "commands").rglob("*.py"))
    return "\n".join(p.read_text() for p in files if "demo" not in p.parts)


@MANIFESTS
def test_command_is_declared(manifest: dict[str, Any]) -> None:
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [COMMAND]
    declared = manifest["features"]["slash_commands"][0]
    assert declared["description"] and len(declared["usage_hint"]) <= 1000
    assert declared["should_escape"] is True  # the parser unescapes <@U…> and <#C…|…>


@MANIFESTS
def test_interactivity_enabled_since_buttons_and_modals_are_registered(
    manifest: dict[str, Any],
) -> None:
    source = _source()
    assert "app.action(" in source and "app.view(" in source
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


@MANIFESTS
def test_the_home_tab_and_every_event_the_code_listens_to_are_enabled(
    manifest: dict[str, Any],
) -> None:
    listened = set(re.findall(r"app\.event\(\"(\w+)\"\)", _source()))
    assert "app_home_opened" in listened
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == listened
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    # Home tab clicks are answered in the app's direct messages, which users only read.
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is True


@MANIFESTS
def test_every_scope_the_code_uses_is_declared(manifest: dict[str, Any]) -> None:
    declared = set(manifest["oauth_config"]["scopes"]["bot"])
    used = set(re.findall(r"\.(\w+_\w+)\(", _source())) & set(SCOPE_OF)
    assert used, "expected the code to call some Web API methods"
    needed = {SCOPE_OF[m] for m in used if SCOPE_OF[m]} | {"commands"}
    assert needed <= declared, needed - declared
    assert declared <= needed | {"chat:write.public", "users:read"}  # least privilege


def test_http_mode_sends_everything_to_the_events_path() -> None:
    assert HTTP["settings"]["socket_mode_enabled"] is False
    urls = [HTTP["features"]["slash_commands"][0]["url"]]
    urls.append(HTTP["settings"]["interactivity"]["request_url"])
    urls.append(HTTP["settings"]["event_subscriptions"]["request_url"])
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)


def test_socket_mode_differs_only_in_how_slack_reaches_the_bot() -> None:
    assert SOCKET_MODE["settings"]["socket_mode_enabled"] is True
    expected = copy.deepcopy(HTTP)
    del expected["features"]["slash_commands"][0]["url"]
    del expected["settings"]["interactivity"]["request_url"]
    del expected["settings"]["event_subscriptions"]["request_url"]
    expected["settings"]["socket_mode_enabled"] = True
    assert expected == SOCKET_MODE
