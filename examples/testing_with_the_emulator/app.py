"""A tiny support-desk app: a Coze bot triages a ticket, the app turns its free-text answer into data.

    COZE_API_TOKEN=... COZE_BOT_ID=... python app.py "I was charged twice this month"

test_app.py tests it offline against the cozekit emulator.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

from cozekit import Coze, Message
from cozekit.lib import text_deltas

PRIORITIES = ("low", "normal", "high")
PROMPT = "Triage this support ticket. Answer with 'category: <one word>' and 'priority: low, normal or high'."


@dataclass(frozen=True)
class Triage:
    category: str
    priority: str


def parse_triage(answer: str) -> Triage:
    """Read `category:` and `priority:` from the bot's answer, whatever the case and spacing; a missing
    or unknown value becomes `other` / `normal`."""
    found = re.findall(r"(?i)\b(category|priority)\s*:\s*(\w+)", answer)
    fields = {key.lower(): value.lower() for key, value in found}
    priority = fields.get("priority", "normal")
    if priority not in PRIORITIES:
        priority = "normal"
    return Triage(category=fields.get("category", "other"), priority=priority)


def triage(coze: Coze, bot_id: str, ticket: str, *, user_id: str = "support-desk") -> Triage:
    """Ask the bot to triage `ticket`. Coze errors (`cozekit.CozeAPIError` and subclasses) propagate;
    the client's retry policy already deals with rate limits."""
    question = Message.build_user_question_text(f"{PROMPT}\n\n{ticket}")
    with coze.chat.stream(bot_id=bot_id, user_id=user_id, additional_messages=[question]) as events:
        answer = "".join(text_deltas(events))
    return parse_triage(answer)


if __name__ == "__main__":
    with Coze() as client:  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
        ticket = " ".join(sys.argv[1:]) or "The app crashes on login."
        print(triage(client, os.environ["COZE_BOT_ID"], ticket))
