"""Values are text, never Slack markup.

Slack reads `<...>` in a message as a mention, a broadcast (`<!channel>`,
`<!everyone>`) or a link with any label, and `&` as the start of an entity.
A device description set in CUCM, or anything a user typed, may contain
those; echoed raw it pings a whole channel or dresses a phishing link as
"Cisco TAC". So every message ctibot sends escapes `&`, `<` and `>` in its
mrkdwn text. The only markup ctibot writes into that text itself is a user
mention, `<@U…>` (who confirmed, who acknowledged): the exact shape of one
is put back after escaping. Plain-text objects (headers, buttons) are not
parsed by Slack and need nothing.
"""

from __future__ import annotations

import re

_OWN_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,})&gt;")


def escape(text: str) -> str:
    """Slack's three control characters as entities, `&` first."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """`text` safe for a mrkdwn field, keeping ctibot's `<@U…>` user mentions live."""
    return _OWN_MENTION.sub(r"<@\1>", escape(text))
