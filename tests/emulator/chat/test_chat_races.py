"""A cancel and another write of the same chat, from two threads at once (as the thread pool runs them):
whichever the store applies first wins, and the other sees it. A cancel that was answered is never
overwritten."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

from cozekit.emulator import create_app
from cozekit.emulator.chat.backend import ChatStart
from cozekit.emulator.core.errors import EmulatorError
from cozekit.emulator.core.llm import ModelRequest

ROUNDS = 40
HELLO = {"role": "user", "content": "hello", "content_type": "text"}
REQUEST = ModelRequest(bot_name="bot", system_prompt="", history=[], query="hello")

# the other writer: what it does to the chat, and the status it leaves when it comes before the cancel
RIVALS: Dict[str, Callable[[Any, Any, str], Any]] = {
    "completion": lambda state, account, chat_id: state.chats.complete(
        account, chat_id, {"input_count": 1, "output_count": 1}
    ),
    "model input record": lambda state, account, chat_id: state.chats.record_input(account, chat_id, REQUEST),
}
STATUS_AFTER = {"completion": "completed", "model input record": "in_progress"}


def _race(state: Any, account: Any, rival: str) -> Dict[str, Any]:
    """Start a chat, then cancel it while the rival writes it; what each answered and the final status."""
    hello = ChatStart(bot_id=state.info["demo_bot_id"], user_id="u", additional_messages=[HELLO])
    created, _ = state.chats.start(account, hello)
    chat_id, conversation_id = created["id"], created["conversation_id"]
    barrier = threading.Barrier(2)
    got: Dict[str, Any] = {}

    def cancel() -> None:
        barrier.wait()
        try:
            got["cancel"] = state.chats.cancel(account, conversation_id, chat_id)["status"]
        except EmulatorError as exc:
            got["cancel"] = exc.code

    def other() -> None:
        barrier.wait()
        RIVALS[rival](state, account, chat_id)

    threads = [threading.Thread(target=cancel), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return {**got, "final": state.chats.raw(account, chat_id)["status"]}


@pytest.mark.parametrize("rival", sorted(RIVALS))
def test_an_answered_cancel_is_never_overwritten(tmp_path: Path, rival: str) -> None:
    state = create_app(None, data_dir=str(tmp_path)).state.emulator
    account = state.accounts.authenticate(state.info["token"])
    assert account is not None
    outcomes = [_race(state, account, rival) for _ in range(ROUNDS)]
    for o in outcomes:
        if o["cancel"] == "canceled":  # answered: nothing may bring the chat back after it
            assert o["final"] == "canceled", o
        else:  # the chat had finished first: the cancel was refused
            assert o["final"] == STATUS_AFTER[rival], o
