"""A cancel and the chat's own ending, from two threads at once (as the thread pool runs them): whichever
the store applies first wins, and the other sees it. A cancel that was answered is never overwritten."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, List

from cozekit.emulator import create_app
from cozekit.emulator.chat.backend import ChatStart
from cozekit.emulator.core.errors import EmulatorError

ROUNDS = 40
HELLO = {"role": "user", "content": "hello", "content_type": "text"}


def test_cancel_and_completion_race_leaves_the_answered_state(tmp_path: Path) -> None:
    state = create_app(None, data_dir=str(tmp_path)).state.emulator
    account = state.accounts.authenticate(state.info["token"])
    assert account is not None
    bot = state.info["demo_bot_id"]
    outcomes: List[Dict[str, Any]] = []
    for _ in range(ROUNDS):
        created, _ = state.chats.start(account, ChatStart(bot_id=bot, user_id="u", additional_messages=[HELLO]))
        chat_id, conversation_id = created["id"], created["conversation_id"]
        barrier = threading.Barrier(2)
        got: Dict[str, Any] = {}

        def cancel() -> None:
            barrier.wait()
            try:
                got["cancel"] = state.chats.cancel(account, conversation_id, chat_id)["status"]
            except EmulatorError as exc:
                got["cancel"] = exc.code

        def complete() -> None:
            barrier.wait()
            done = state.chats.complete(account, chat_id, {"input_count": 1, "output_count": 1})
            got["complete"] = None if done is None else done["status"]

        threads = [threading.Thread(target=cancel), threading.Thread(target=complete)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        final = state.chats.raw(account, chat_id)["status"]
        outcomes.append({**got, "final": final})
    for o in outcomes:
        if o["cancel"] == "canceled":  # the cancel was answered: nothing may complete the chat after it
            assert o["final"] == "canceled" and o["complete"] is None, o
        else:  # the chat had completed first: the cancel was refused
            assert o["final"] == "completed" and o["complete"] == "completed", o
