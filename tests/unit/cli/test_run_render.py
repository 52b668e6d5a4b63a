"""`ctibot run` prints a reply's structure in terminal terms, and every value as it is."""

from __future__ import annotations

from rich.console import Console

from bot.cli.run import print_reply
from bot.text import Code, Mention, Strong, line, note
from commands.engine.base import File, Reply, Table


def _printed(reply: Reply) -> str:
    console = Console(record=True, width=100, color_system=None)
    print_reply(console, reply)
    return console.export_text()


def test_marks_mentions_and_code_print_as_symbols_and_ids() -> None:
    out = _printed(
        Reply(
            title="Change log on cluster lab",
            status="warning",
            lines=[
                line(Strong("#2"), " · 2026-12-02 14:01:27 UTC · ", Mention("UANA"), " · applied"),
                note("warning", "careful"),
            ],
            fields=[("Who", line(Mention("UANA"), " (ana)"))],
            table=Table(("Set", "Status"), [("#2", "applied")]),
            footer=line("Details: ", Code("/cti show-change <id>"), " & more"),
        )
    )
    assert "#2 · 2026-12-02 14:01:27 UTC · @UANA · applied" in out
    assert "⚠ careful" in out
    assert "Who: @UANA (ana)" in out
    assert "Details: /cti show-change <id> & more" in out


def test_a_value_with_colons_is_printed_as_it_is() -> None:
    """A MAC-like CUCM value is not an emoji code: `:AB:` once printed as 🆎."""
    value = "SEP00:AB:CD:ef:x:"
    out = _printed(
        Reply(
            title=f"Device {value}",
            lines=[note("ok", f"{value}: registered"), f"plain {value}"],
            fields=[("Name", value)],
            table=Table(("Name",), [(value,)]),
            footer=line(Code(value)),
        )
    )
    assert out.count(value) == 6, out
    assert "🆎" not in out


def test_a_chart_is_named_since_a_terminal_cannot_show_it() -> None:
    chart = File("capacity-lab-24h.png", "CTI capacity of lab, last 24h", b"\x89PNG....")
    out = _printed(Reply(title="CTI capacity of lab, last 24h", files=[chart]))
    assert "capacity-lab-24h.png, 8 bytes, shown in Slack only" in out, out
