"""Posting finished change sets: the audit channel, and a line where the command ran.

The requester's own reply stays where the runner put it (ephemeral for a
write); these posts are for everyone else. They are best-effort: a channel
the bot cannot post in is logged, and the write it reports still stands.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.slack.render import Message, reply_message, slack_text
from commands.engine.feed import audit_reply, summary_line

if TYPE_CHECKING:
    from bot.changelog.store import ChangeSetRecord

log = logging.getLogger(__name__)


class SlackFeed:
    def __init__(
        self, client: WebClient, audit_channel: str | None, *, announce_writes: bool = False
    ) -> None:
        self._client = client
        self._audit_channel = audit_channel
        self._announce = announce_writes

    def ended(self, record: ChangeSetRecord) -> None:
        if self._audit_channel:
            self._post(self._audit_channel, reply_message(audit_reply(record)), record)
        if self._announce and record.channel_id:
            text = slack_text(summary_line(record))
            self._post(record.channel_id, {"text": text}, record)

    def _post(self, channel: str, message: Message, record: ChangeSetRecord) -> None:
        try:
            self._client.chat_postMessage(channel=channel, **message)
        except Exception as exc:
            log.warning("could not post change set #%s to %s: %s", record.id, channel, exc)
