"""`ctibot demo --script`: the real console path, end to end over loopback HTTP or Socket Mode.

Each run starts the simulator, the fake Slack and the bot, sends every line
as a signed request (or, with --socket-mode, as an envelope on the fake Slack's
WebSocket) and reads the replies back from the fake Slack, exactly as the
interactive demo does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app

FAST = ["--health-interval", "1", "--expect-timeout", "15"]


def run_script(tmp_path: Path, text: str, *extra: str) -> Result:
    script = tmp_path / "demo.script"
    script.write_text(text)
    return CliRunner().invoke(app, ["demo", "--script", str(script), *FAST, *extra])


@pytest.mark.parametrize("transport", [[], ["--socket-mode"]], ids=["http", "socket_mode"])
def test_help_version_and_an_alert_that_fires_is_acknowledged_and_resolves(
    tmp_path: Path, transport: list[str]
) -> None:
    result = run_script(
        tmp_path,
        """
        /cti help
        !expect /cti version - Show the ctibot version
        /cti version
        !expect ctibot 0.1.0
        !sim nodes
        !sim stop cucm-sub1 CTIManager
        !expect [CRITICAL] CTIManager down on cucm-sub1 (lab)
        !click 1
        !expect [ACKNOWLEDGED]
        !sim start cucm-sub1 CTIManager
        !expect [RESOLVED] CTIManager down on cucm-sub1 (lab)
        """,
        *transport,
    )
    assert result.exit_code == 0, result.output
    over_socket = "Socket Mode to ws://127.0.0.1:" in result.output
    assert over_socket == bool(transport) and ("/slack/events" in result.output) != over_socket
    assert "ctibot commands" in result.output and "12.5.1" in result.output
    assert "soapDoControlServices Stop on cucm-sub1" in result.output
    assert "message in #cti-alerts" in result.output and "(edited) message in #cti-alerts" in (
        result.output
    )
    assert "[1] Acknowledge" in result.output and "Acknowledged by @UDEMO0001" in result.output
    assert "demo stopped" in result.output


@pytest.mark.parametrize("transport", [[], ["--socket-mode"]], ids=["http", "socket_mode"])
def test_home_tab_is_drawn_and_its_buttons_click(tmp_path: Path, transport: list[str]) -> None:
    result = run_script(
        tmp_path,
        """
        !sim stop cucm-sub1 CTIManager
        !expect [CRITICAL] CTIManager down on cucm-sub1 (lab)
        !home
        !expect Cluster lab
        !expect Your commands (admin)
        !click 1
        !expect Acknowledged: no more reminders for this alert.
        """,
        *transport,
    )
    assert result.exit_code == 0, result.output
    assert "Home tab published for UDEMO0001" in result.output
    assert "CallManager" in result.output and "Active alerts (" in result.output
    assert "→ clicking [1] Acknowledge" in result.output


def test_a_write_command_dry_run_then_apply(tmp_path: Path) -> None:
    create = "/cti create-routepoint RP_DEMO 7150 partition=PT_CTI device-pool=DP_CTI"
    result = run_script(
        tmp_path,
        f"""
        {create} --dry-run
        !expect Dry run
        {create}
        !expect Applied
        """,
    )
    assert result.exit_code == 0, result.output


def test_an_unmet_expectation_fails_the_run(tmp_path: Path) -> None:
    result = run_script(
        tmp_path, "/cti whoami\n!expect words nobody said\n/cti version\n", "--expect-timeout", "0"
    )
    assert result.exit_code == 1
    assert "expected 'words nobody said'" in result.output
    assert "failed at line 2" in result.output
    assert "cti> /cti version" not in result.output


def test_a_bad_line_fails_before_anything_starts(tmp_path: Path) -> None:
    result = run_script(tmp_path, "/cti help\n!click first\n")
    assert result.exit_code == 1
    assert "line 2" in result.output and "ctibot demo" not in result.output


def test_stdin_that_is_not_a_terminal_runs_as_a_script() -> None:
    result = CliRunner().invoke(app, ["demo", *FAST], input="/cti whoami\n!expect admin\n")
    assert result.exit_code == 0, result.output
    assert "UDEMO0001" in result.output
    empty = CliRunner().invoke(app, ["demo", *FAST], input="")
    assert empty.exit_code == 0, empty.output


def test_an_uploaded_chart_is_saved_and_named_in_the_console(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        /cti health
        !expect CTI health of lab
        /cti capacity
        !expect CTI capacity of lab, last 24h
        """,
    )
    assert result.exit_code == 0, result.output
    flat = result.output.replace("\n", "")  # the console may wrap a long path
    assert "[file] CTI capacity of lab, last 24h" in flat, result.output
    assert "capacity-lab-24h.png" in flat.split("saved to", 1)[1], result.output
