"""A conversation written by two requests at once, on SQLite and PostgreSQL: a clear (new context
section) or a rename is never undone by a message or chat added meanwhile, and two chats started on one
conversation at once never both run."""

from __future__ import annotations

from typing import Any, Tuple

from cozekit.emulator.chat.backend import ChatStart
from cozekit.emulator.core.errors import EmulatorError

from ..races import race

ROUNDS = 20
HELLO = {"role": "user", "content": "hello", "content_type": "text"}


def _setup(state: Any) -> Tuple[Any, str, str]:
    account = state.accounts.authenticate(state.info["token"])
    bot = state.info["demo_bot_id"]
    conv = state.conversations.create(account, bot_id=bot)
    return account, bot, conv["id"]


def _add_message(state: Any, account: Any, conversation_id: str) -> Any:
    return state.messages.create(
        account, conversation_id, role="user", content="hi", content_type="text", meta_data=None
    )


def test_a_clear_is_never_undone_by_a_message_added_at_once(engine_state: Any) -> None:
    account, _, conversation_id = _setup(engine_state)
    for _ in range(ROUNDS):
        cleared, added = race(
            lambda: engine_state.conversations.clear(account, conversation_id),
            lambda: _add_message(engine_state, account, conversation_id),
        )
        assert isinstance(added, dict), added
        stored = engine_state.conversations.get(account, conversation_id)
        assert stored["last_section_id"] == cleared["id"]


def test_a_rename_is_never_undone_by_a_message_added_at_once(engine_state: Any) -> None:
    account, _, conversation_id = _setup(engine_state)
    for n in range(ROUNDS):
        race(
            lambda n=n: engine_state.conversations.rename(account, conversation_id, f"name {n}"),
            lambda: _add_message(engine_state, account, conversation_id),
        )
        assert engine_state.conversations.get(account, conversation_id)["name"] == f"name {n}"


def test_a_clear_is_never_undone_by_a_chat_started_at_once(engine_state: Any) -> None:
    account, bot, conversation_id = _setup(engine_state)
    start = ChatStart(bot_id=bot, user_id="u", conversation_id=conversation_id, additional_messages=[HELLO])
    for _ in range(ROUNDS):
        cleared, started = race(
            lambda: engine_state.conversations.clear(account, conversation_id),
            lambda: engine_state.chats.start(account, start),
        )
        assert isinstance(started, list), started
        engine_state.chats.cancel(account, conversation_id, started[0]["id"])  # free for the next round
        assert engine_state.conversations.get(account, conversation_id)["last_section_id"] == cleared["id"]


def test_two_chats_started_on_one_conversation_at_once_never_both_run(engine_state: Any) -> None:
    account, bot, conversation_id = _setup(engine_state)
    start = ChatStart(bot_id=bot, user_id="u", conversation_id=conversation_id, additional_messages=[HELLO])
    for _ in range(ROUNDS):
        results = race(*[lambda: engine_state.chats.start(account, start)] * 2)
        started = [r for r in results if isinstance(r, list)]
        refused = [r for r in results if isinstance(r, EmulatorError)]
        assert len(started) == 1 and len(refused) == 1, results
        assert refused[0].code == 4016, refused  # a chat is in progress in this conversation
        engine_state.chats.cancel(account, conversation_id, started[0][0]["id"])
