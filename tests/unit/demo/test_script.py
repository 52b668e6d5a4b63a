"""The console's line language: what a script may say, and where it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.script import ScriptError, parse_line, parse_script

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "demo.script"


def test_comments_and_blank_lines_are_skipped_and_lines_keep_their_numbers() -> None:
    steps = parse_script("# intro\n\n/cti help\n   \n!sleep 0.5\n")
    assert [(s.kind, s.line_no) for s in steps] == [("cti", 3), ("sleep", 5)]
    assert steps[0].text == "help" and steps[1].seconds == 0.5


def test_each_console_command() -> None:
    assert parse_line("/cti").text == ""
    assert parse_line("/cti create-routepoint RP 7100 --dry-run").text == (
        "create-routepoint RP 7100 --dry-run"
    )
    assert parse_line("!click 2").number == 2
    sim = parse_line('!sim stop cucm-sub1 "Cisco CTIManager"')
    assert sim is not None and sim.args == ["stop", "cucm-sub1", "Cisco CTIManager"]
    expect = parse_line("!expect [CRITICAL] CTIManager down")
    assert expect is not None and expect.text == "[CRITICAL] CTIManager down"
    assert parse_line("!help").kind == "help"
    assert parse_line("!home").kind == "home"
    assert parse_line("!quit").kind == "quit"
    assert parse_line("!exit").kind == "quit"


@pytest.mark.parametrize(
    "line",
    [
        "help",
        "/ctihelp",
        "!click",
        "!click 0",
        "!click two",
        "!sleep",
        "!sleep -1",
        "!sleep nan",
        "!expect",
        "!sim",
        '!sim stop "unclosed',
        "!frobnicate",
    ],
)
def test_bad_lines_are_refused(line: str) -> None:
    with pytest.raises(ScriptError):
        parse_line(line)


def test_a_bad_line_names_its_line_number() -> None:
    with pytest.raises(ScriptError, match="line 2"):
        parse_script("/cti help\n!click x\n")


def test_the_example_script_parses() -> None:
    steps = parse_script(EXAMPLE.read_text())
    kinds = {s.kind for s in steps}
    assert {"cti", "sim", "expect"} <= kinds
    assert any("--dry-run" in s.text for s in steps)
