"""`ctibot run` prints what Slack would show: no raw mrkdwn, mentions or emoji shortcodes."""

from __future__ import annotations

from rich.console import Console

from bot.cli.run import print_reply
from commands.engine.base import File, Reply, Table


def test_a_reply_prints_as_slack_would_show_it() -> None:
    console = Console(record=True, width=100, color_system=None)
    reply = Reply(
        title="Change log on cluster lab",
        status="warning",
        lines=["*#2* · 2026-12-02 14:01:27 UTC · <@UANA> · applied", ":warning: careful"],
        fields=[("Who", "<@UANA> (ana)")],
        table=Table(("Set", "Status"), [("#2", ":white_check_mark: applied")]),
        footer="Details: `/cti show-change <id>` · usage: /cti undo <change-set-id> & more",
    )
    print_reply(console, reply)
    out = console.export_text()
    assert "#2 · 2026-12-02 14:01:27 UTC · @UANA · applied" in out
    assert "Who: @UANA (ana)" in out
    assert "Details: /cti show-change <id> · usage: /cti undo <change-set-id> & more" in out
    for raw in ("*#2*", "<@", ":warning:", ":white_check_mark:", "`"):
        assert raw not in out, (raw, out)


def test_a_chart_is_named_since_a_terminal_cannot_show_it() -> None:
    console = Console(record=True, width=120, color_system=None)
    chart = File("capacity-lab-24h.png", "CTI capacity of lab, last 24h", b"\x89PNG....")
    print_reply(console, Reply(title="CTI capacity of lab, last 24h", files=[chart]))
    out = console.export_text()
    assert "capacity-lab-24h.png, 8 bytes, shown in Slack only" in out, out
