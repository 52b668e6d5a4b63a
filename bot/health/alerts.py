"""The alert state machine: one alert per (cluster, check, subject), persisted.

pending -> firing after ``fire_after`` failing runs in a row; firing,
acknowledged or silenced -> resolved after ``resolve_after`` passing runs in a
row. A pending alert that passes is dropped quietly and counted as a flap, so
a check that flips every run never reaches Slack. A silence or maintenance
window keeps an alert's state moving but stops its notifications; an
acknowledgement stops reminders. Every transition is written to the store
before the notifier is asked to tell Slack, so a restart resumes from the
database and never re-posts a message it already has. Each maintenance
window's start and end are announced once, by the engine that can reach Slack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.config import HealthSettings
from bot.health import maintenance
from bot.health.checks.base import CheckResult
from bot.health.maintenance import window_matches
from bot.health.store import (
    ACTIVE_STATES,
    NOTIFIED_STATES,
    AlertRecord,
    HealthStore,
    SilenceRecord,
    alert_key,
)
from bot.text import Line, Mention, Text, line, plain


class Notices(Protocol):
    """What the engine asks of whoever tells people: ids, and lines as structure.

    A history line names a person by user id (`Mention`) and a message says how
    it ended by its mark (bot/text.py), so nothing here writes chat markup; the
    Slack layer implements this and the bootstrap wires it in.
    """

    def post(self, alert_id: int) -> None: ...
    def update(self, alert_id: int, line: Text) -> None: ...
    def announce(self, notice_id: int) -> None: ...
    def say(self, text: Text) -> None: ...


class _Quiet:
    def post(self, alert_id: int) -> None:
        return None

    def update(self, alert_id: int, line: Text) -> None:
        return None

    def announce(self, notice_id: int) -> None:
        return None

    def say(self, text: Text) -> None:
        return None


@dataclass(frozen=True)
class Suppression:
    """Why an alert is quiet: a silence (with its id) or a maintenance window."""

    silence_id: int | None
    line: Line


@dataclass(frozen=True)
class Answer:
    """What the person who acted is told: a title, and the lines under it."""

    title: str
    lines: tuple[Line, ...] = ()


def utcnow() -> datetime:
    return datetime.now(UTC)


def duration_text(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours else []
    parts += [f"{minutes}m"] if minutes and not days else []
    parts += [f"{secs}s"] if not parts else []
    return " ".join(parts)


def resolved_state(result: CheckResult | None) -> dict[str, Any]:
    """What the alert shows once resolved: the passing state, never the failing one's details.

    A subject a complete run no longer reports (a port group that is all open
    again) has no passing result of its own, and says so.
    """
    if result is None:
        return {"state": "no longer reported by the check"}
    shown = {str(v) for v in result.details.values()}
    summary = {} if result.summary in shown else {"state": result.summary}
    return {**summary, **result.details}


def state_text(details: dict[str, Any]) -> str:
    return ", ".join(
        f"{name.replace('_', ' ')}: {_words(value)}" for name, value in details.items()
    )


def _words(value: object) -> str:
    """A detail value as a person reads it (`a, b`), never as Python's repr."""
    if isinstance(value, list | tuple | set):
        return ", ".join(_words(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in value.items())
    return str(value)


def silence_matches(silence: SilenceRecord, alert: AlertRecord) -> bool:
    if silence.cluster and silence.cluster.casefold() != alert.cluster.casefold():
        return False
    value = silence.matcher_value.casefold()
    return {
        "alert": alert.key.casefold() == value,
        "check": alert.check.casefold() == value,
        "node": (alert.node or "").casefold() == value,
        "cluster": alert.cluster.casefold() == value,
    }.get(silence.matcher_kind, False)


class AlertEngine:
    def __init__(
        self,
        store: HealthStore,
        settings: HealthSettings,
        notifier: Notices | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.settings = settings
        self.notifier: Notices = notifier or _Quiet()
        # A process without Slack (``ctibot run``) must leave announcements to the bot's
        # process: claiming one here would mark it done while nobody can send it.
        self._announces = notifier is not None
        self._clock = clock
        self._lock = threading.RLock()

    # ----- check results -----
    def process(
        self, cluster: str, check: str, results: Iterable[CheckResult], *, complete: bool = True
    ) -> None:
        """Apply one run of ``check``; on a complete run, unreported subjects count as passing."""
        now = self._clock()
        with self._lock:
            reported = set()
            for result in results:
                reported.add(result.subject)
                self._apply(result, now)
            if complete:
                for alert in self.store.alerts(cluster=cluster, check=check):
                    if alert.subject not in reported:
                        self._passed(alert, now, None)
            self._tick(now)

    def _apply(self, result: CheckResult, now: datetime) -> None:
        key = alert_key(result.cluster, result.check, result.subject)
        alert = self.store.get_alert(key)
        if result.ok:
            if alert is not None and alert.state in ACTIVE_STATES:
                self._passed(alert, now, result)
            return
        if alert is None or alert.state not in ACTIVE_STATES:
            alert = self.store.save_alert(
                key,
                {
                    **self._describe(result, now),
                    "state": "pending",
                    "consecutive_failures": 1,
                    "consecutive_passes": 0,
                    "first_failed_at": now,
                    "fired_at": None,
                    "resolved_at": None,
                    "acked_by": None,
                    "acked_at": None,
                    "silence_id": None,
                    "last_notified_at": None,
                    "channel": None,
                    "message_ts": None,
                },
            )
        else:
            flapped = alert.consecutive_passes > 0
            previous = alert
            alert = self.store.save_alert(
                key,
                {
                    **self._describe(result, now),
                    "consecutive_failures": alert.consecutive_failures + 1,
                    "consecutive_passes": 0,
                    "flaps": alert.flaps + (1 if flapped else 0),
                },
            )
            if alert.state in NOTIFIED_STATES:
                self._changed_while_failing(previous, alert, flapped, now)
        if alert.state == "pending" and alert.consecutive_failures >= self.settings.fire_after:
            self._fire(alert, now)

    @staticmethod
    def _describe(result: CheckResult, now: datetime) -> dict[str, Any]:
        return {
            "cluster": result.cluster,
            "check": result.check,
            "subject": result.subject,
            "node": result.node,
            "severity": result.severity,
            "summary": result.summary,
            "details": result.details,
            "last_checked_at": now,
        }

    def _changed_while_failing(
        self, before: AlertRecord, after: AlertRecord, flapped: bool, now: datetime
    ) -> None:
        lines = []
        if flapped:
            lines.append(
                f"failing again after {before.consecutive_passes} passing check(s) "
                f"(flap {after.flaps})"
            )
        if before.severity != after.severity:
            lines.append(f"now {after.severity.upper()}: {after.summary}")
        if lines:
            self._history(after, now, "changed", "; ".join(lines))

    def _fire(self, alert: AlertRecord, now: datetime) -> None:
        quiet = self._suppression(alert, now)
        count = alert.consecutive_failures
        if quiet is None:
            alert = self.store.save_alert(
                alert.key, {"state": "firing", "fired_at": now, "last_notified_at": now}
            )
            self.store.add_event(alert.id, now, "fired", f"FIRING after {count} failing checks")
            self.notifier.post(alert.id)
            return
        alert = self.store.save_alert(
            alert.key, {"state": "silenced", "fired_at": now, "silence_id": quiet.silence_id}
        )
        told = line("failing, not announced: ", *quiet.line.spans)
        self.store.add_event(alert.id, now, "fired", plain(told))

    def _passed(self, alert: AlertRecord, now: datetime, result: CheckResult | None) -> None:
        if alert.state == "pending":
            self.store.save_alert(
                alert.key,
                {
                    "state": "resolved",
                    "resolved_at": now,
                    "consecutive_failures": 0,
                    "flaps": alert.flaps + 1,
                    "last_checked_at": now,
                },
            )
            self.store.add_event(alert.id, now, "cleared", "passed before firing (flap)")
            return
        passes = alert.consecutive_passes + 1
        alert = self.store.save_alert(
            alert.key,
            {"consecutive_passes": passes, "consecutive_failures": 0, "last_checked_at": now},
        )
        if passes < self.settings.resolve_after:
            return
        now_state = resolved_state(result)
        resolved: dict[str, Any] = {"state": "resolved", "resolved_at": now, "details": now_state}
        if result is not None and result.node:
            resolved["node"] = result.node  # where it is healthy now (a failed-back application)
        alert = self.store.save_alert(alert.key, resolved)
        since = alert.fired_at or alert.first_failed_at or now
        self._history(
            alert,
            now,
            "resolved",
            f"RESOLVED after {duration_text(now - since)} · {state_text(now_state)}",
        )

    # ----- people -----
    def acknowledge(self, alert_id: int, user: str) -> tuple[bool, Answer]:
        """(done, what to tell the clicker)."""
        now = self._clock()
        with self._lock:
            alert = self.store.get_alert_by_id(alert_id)
            if alert is None or alert.state not in NOTIFIED_STATES:
                state = "gone" if alert is None else alert.state
                return False, Answer(f"This alert is {state}; nothing to acknowledge.")
            if alert.acked_by:
                by = line("Acknowledged by ", Mention(alert.acked_by), ".")
                return False, Answer("Already acknowledged.", (by,))
            changes: dict[str, Any] = {"acked_by": user, "acked_at": now}
            if alert.state == "firing":
                changes["state"] = "acknowledged"
            alert = self.store.save_alert(alert.key, changes)
            self._history(alert, now, "acknowledged", line("acknowledged by ", Mention(user)))
            return True, Answer("Acknowledged: no more reminders for this alert.")

    def silence_alert(
        self, alert_id: int, duration: timedelta, user: str, reason: str = ""
    ) -> tuple[SilenceRecord | None, str]:
        alert = self.store.get_alert_by_id(alert_id)
        if alert is None:
            return None, "This alert no longer exists."
        silence = self.add_silence("alert", alert.key, alert.cluster, duration, user, reason)
        return silence, f"Silenced for {duration_text(duration)} (silence #{silence.id})."

    def add_silence(
        self,
        kind: str,
        value: str,
        cluster: str | None,
        duration: timedelta,
        user: str,
        reason: str = "",
    ) -> SilenceRecord:
        now = self._clock()
        silence = self.store.add_silence(kind, value, cluster, now, now + duration, reason, user)
        self.tick()
        return silence

    def silences(self) -> list[SilenceRecord]:
        """In force or scheduled, by the engine's clock (the one that ends them)."""
        return self.store.silences(self._clock())

    def cancel_silence(self, silence_id: int) -> SilenceRecord | None:
        cancelled = self.store.cancel_silence(silence_id, self._clock())
        if cancelled is not None:
            self.tick()
        return cancelled

    # ----- time passing -----
    def tick(self) -> None:
        """Silences starting or ending, and reminders; run after every sweep and each minute."""
        with self._lock:
            self._tick(self._clock())

    def _tick(self, now: datetime) -> None:
        self._maintenance(now)
        for alert in self.store.alerts(states=NOTIFIED_STATES):
            quiet = self._suppression(alert, now)
            if alert.state == "silenced" and quiet is None:
                self._unsilence(alert, now)
            elif alert.state != "silenced" and quiet is not None:
                alert = self.store.save_alert(
                    alert.key, {"state": "silenced", "silence_id": quiet.silence_id}
                )
                self._history(alert, now, "silenced", quiet.line)
            elif alert.state == "firing" and self._reminder_due(alert, now):
                since = duration_text(now - (alert.fired_at or now))
                alert = self.store.save_alert(alert.key, {"last_notified_at": now})
                self._history(
                    alert, now, "reminder", f"still failing after {since}, not acknowledged"
                )

    def _maintenance(self, now: datetime) -> None:
        """Announce windows starting or ending; before the alerts move, so the channel reads
        "maintenance ended" before the alerts it names are posted again."""
        if not self._announces:
            return
        for window in self.settings.maintenance:
            if now < window.start:
                continue
            key = maintenance.window_key(window)
            done = self.store.notice_phases(key)
            if now < window.end:
                if maintenance.STARTED not in done:
                    told = maintenance.started_line(window, now)
                    self._announce(key, maintenance.STARTED, now, told)
            elif maintenance.STARTED in done and maintenance.ENDED not in done:
                firing = [
                    alert
                    for alert in self.store.alerts(states=NOTIFIED_STATES)
                    if maintenance.covers(window, alert)
                ]
                self._announce(key, maintenance.ENDED, now, maintenance.ended_line(window, firing))

    def _announce(self, key: str, phase: str, now: datetime, told: Line) -> None:
        notice = self.store.claim_notice(key, phase, now, plain(told), told.mark)
        if notice is not None:
            self.notifier.announce(notice.id)

    def _unsilence(self, alert: AlertRecord, now: datetime) -> None:
        state = "acknowledged" if alert.acked_by else "firing"
        alert = self.store.save_alert(
            alert.key, {"state": state, "silence_id": None, "last_notified_at": now}
        )
        if alert.message_ts is None:
            self.store.add_event(alert.id, now, "fired", "FIRING: silence over, still failing")
            self.notifier.post(alert.id)
        else:
            self._history(alert, now, "unsilenced", "silence over, still failing")

    def _reminder_due(self, alert: AlertRecord, now: datetime) -> bool:
        last = alert.last_notified_at or alert.fired_at
        return last is not None and (now - last).total_seconds() >= self.settings.reminder_interval

    def _suppression(self, alert: AlertRecord, now: datetime) -> Suppression | None:
        for silence in self.store.silences(now):
            if silence.active(now) and silence_matches(silence, alert):
                until = silence.ends_at.strftime("%Y-%m-%d %H:%M UTC")
                why = f": {silence.reason}" if silence.reason else ""
                by = Mention(silence.created_by)
                told = line("silenced by ", by, f" until {until} (#{silence.id}){why}")
                return Suppression(silence.id, told)
        for window in self.settings.maintenance:
            if window_matches(window, alert, now):
                until = window.end.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
                why = f": {window.reason}" if window.reason else ""
                return Suppression(None, line(f"maintenance window until {until}{why}"))
        return None

    def _history(self, alert: AlertRecord, now: datetime, kind: str, told: Text) -> None:
        """Stored as words (a mention as `@U…`), told to people as structure."""
        self.store.add_event(alert.id, now, kind, plain(told))
        self.notifier.update(alert.id, told)

    def resync(self) -> None:
        """At start-up: send firing alerts and maintenance notices that never reached Slack."""
        with self._lock:
            for alert in self.store.alerts(states=("firing", "acknowledged")):
                if alert.message_ts is None:
                    self.notifier.post(alert.id)
            if self._announces:
                for notice in self.store.unsent_notices():
                    self.notifier.announce(notice.id)
