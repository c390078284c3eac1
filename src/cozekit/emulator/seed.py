"""The fixed first-start data, with deterministic ids that docs and demos can name."""

from __future__ import annotations

import contextlib
from typing import Dict

from .admin.accounts import AccountsBackend
from .bots.backend import BotsBackend
from .core.base import Account
from .core.store import DuplicateId, Store

USER_ID = "7000000000000000001"
WORKSPACE_ID = "7000000000000000002"
DEMO_BOT_ID = "7000000000000000003"
TOKEN = "pat_cozekit_emulator_dev_token"
USER_NAME = "developer"

DEMO_BOT = {
    "name": "Cozekit Demo Bot",
    "description": "A published bot seeded by the cozekit emulator.",
    "prompt_info": {"prompt": "You are a friendly demo assistant. The user's name is {{user_name}}."},
    "onboarding_info": {
        "prologue": "Hi! I am the emulator's demo bot.",
        "suggested_questions": ["What can you do?"],
    },
}
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Look up the weather of a city (a local plugin: the client runs it).",
    "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
}


def seed(store: Store, accounts: AccountsBackend, bots: BotsBackend) -> Dict[str, str]:
    """Create the developer account, workspace, token and published demo bot unless they exist."""
    # Several workers may seed one database at once: whoever inserts first wins, the others move on.
    if accounts.account(USER_ID) is None:
        with contextlib.suppress(DuplicateId):
            accounts.create(name=USER_NAME, token=TOKEN, user_id=USER_ID, workspace_id=WORKSPACE_ID)
    account = Account(user_id=USER_ID, user_name=USER_NAME)
    if store.get("bot", DEMO_BOT_ID) is None:
        try:
            bots.create(account, WORKSPACE_ID, dict(DEMO_BOT), bot_id=DEMO_BOT_ID, local_tools=[WEATHER_TOOL])
        except DuplicateId:
            return info()
        bots.publish(account, DEMO_BOT_ID, ["1024", "999"])
    return info()


def info() -> Dict[str, str]:
    return {"user_id": USER_ID, "workspace_id": WORKSPACE_ID, "demo_bot_id": DEMO_BOT_ID, "token": TOKEN}
