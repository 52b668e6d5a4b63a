"""The Home tab's view: inside 100 blocks, cut where it matters least, values shown as text."""

import json
from datetime import UTC, datetime

from bot.changelog.store import ChangeSetRecord
from bot.health.store import AlertRecord
from bot.slack.alerts_render import ACK_ACTION
from bot.slack.home_view import DETAILS_ACTION, MAX_VIEW_BLOCKS, HomeContent, home_view
from commands.engine.base import CommandSpec, Reply, Role, Table

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def _alert(n: int, summary: str = "CTIManager down") -> AlertRecord:
    return AlertRecord(
        id=n,
        key=f"lab|services|CTIManager/n{n}",
        cluster="lab",
        check="services",
        subject=f"CTIManager/n{n}",
        node=f"n{n}",
        severity="critical",
        state="firing",
        summary=summary,
        details={},
        consecutive_failures=2,
        consecutive_passes=0,
        flaps=0,
        first_failed_at=NOW,
        last_checked_at=NOW,
        fired_at=NOW,
        resolved_at=None,
        acked_by=None,
        acked_at=None,
        silence_id=None,
        last_notified_at=NOW,
        channel="CALERTS",
        message_ts="1.1",
    )


def _change(n: int, requester: str, actor: str, text: str = "undo 3") -> ChangeSetRecord:
    return ChangeSetRecord(
        id=n,
        created_at=NOW,
        finished_at=NOW,
        actor_id=actor,
        actor_name=None,
        channel_id="C1",
        cluster="lab",
        command="undo",
        command_text=text,
        status="applied",
        error=None,
        undo_of=3,
        plan_digest=None,
        request_id=None,
        requester_id=requester,
    )


class _Named:
    def __init__(self, name: str) -> None:
        self.spec = CommandSpec(name=name, summary=f"does {name}", role=Role.VIEWER)

    def execute(self, ctx: object, args: object) -> Reply:
        return Reply(title=self.spec.name)


def _content(alerts: int, changes: int = 10, commands: int = 30) -> HomeContent:
    board = Reply(
        title="Cluster lab",
        lines=["ok"],
        table=Table(("Node", "CTIManager"), [("cucm-sub1", "Started")]),
    )
    return HomeContent(
        user_id="UOPER1",
        role=Role.OPERATOR,
        boards=[board],
        alerts=[_alert(i) for i in range(1, alerts + 1)],
        changes=[_change(i, "UOPER1", "UADMIN1") for i in range(1, changes + 1)],
        commands=[_Named(f"cmd{i}") for i in range(commands)],
        at=NOW,
    )


def test_a_small_home_shows_everything_without_a_cut_note() -> None:
    view = home_view(_content(alerts=3))
    text = json.dumps(view)
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_VIEW_BLOCKS
    assert "Showing" not in text
    assert text.count(ACK_ACTION) == 3 and text.count(DETAILS_ACTION) == 10


def test_too_many_alerts_are_cut_first_and_the_cut_is_said() -> None:
    view = home_view(_content(alerts=80))
    blocks = view["blocks"]
    text = json.dumps(blocks)
    assert MAX_VIEW_BLOCKS - 1 <= len(blocks) <= MAX_VIEW_BLOCKS  # an alert takes two
    shown = text.count(ACK_ACTION)
    assert 0 < shown < 80 and f"Showing {shown} of 80 alerts." in text
    assert text.count(DETAILS_ACTION) == 10 and "cmd29" in text  # the rest is whole


def test_values_from_cucm_and_users_are_text_and_approvers_are_named() -> None:
    content = _content(alerts=0, changes=0)
    content.alerts.append(_alert(1, summary="down <!channel>"))
    content.changes.append(_change(7, "UOPER1", "UADMIN1", text="log <http://evil|TAC>"))
    content.changes.append(_change(8, "UOPER1", "UOPER1"))
    text = json.dumps(home_view(content), ensure_ascii=False)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<http://evil" not in text
    assert "requested by <@UOPER1> · approved by <@UADMIN1>" in text
    assert "approved by no second person" in text


def test_a_user_without_a_role_sees_nothing_about_the_clusters() -> None:
    content = _content(alerts=2)
    stranger = HomeContent("USTRANGER", Role.NONE, [], [], [], [], NOW)
    text = json.dumps(home_view(stranger))
    assert "no ctibot role" in text and "USTRANGER" in text
    assert ACK_ACTION not in text and len(home_view(content)["blocks"]) > 3
