"""A cancel and another write of the same chat, from two threads at once (as the thread pool runs them):
whichever the store applies first wins, and the other sees it. A cancel that was answered is never
overwritten."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator, create_app
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


def first(names: List[str]) -> bool:
    return names.count("conversation.message.delta") == 1


def _deltas(http: httpx.Client, body: Dict[str, Any], cancel: Callable[[Dict[str, Any]], None]) -> List[str]:
    """Stream a chat, calling `cancel` with the first delta; the events' names."""
    names: List[str] = []
    with http.stream("POST", "/v3/chat", json=body) as resp:
        for line in resp.iter_lines():
            if line.startswith("event:"):
                names.append(line[6:])
            elif line.startswith("data:") and names[-1] == "conversation.message.delta" and first(names):
                cancel(json.loads(line[5:]))
    return names


def test_a_cancel_through_another_worker_stops_the_stream(tmp_path: Path) -> None:
    """Two workers on one database: a chat streaming from one is canceled through the other, which the
    first hears by reading the chat's status as it streams (a delta at a time here: every chunk waits
    longer than the poll interval), not only cancels made in its own process."""
    body = {
        "bot_id": ThreadedEmulator.demo_bot_id,
        "user_id": "u",
        "stream": True,
        "additional_messages": [{"role": "user", "content": "a long question", "content_type": "text"}],
    }
    auth = {"Authorization": f"Bearer {ThreadedEmulator.token}"}
    ids: Dict[str, str] = {}
    with (
        ThreadedEmulator(data_dir=str(tmp_path)) as streaming,
        ThreadedEmulator(data_dir=str(tmp_path)) as other,
        httpx.Client(base_url=streaming.base_url, headers=auth, timeout=30) as http,
        httpx.Client(base_url=other.base_url, headers=auth, timeout=30) as elsewhere,
    ):

        def cancel(delta: Dict[str, Any]) -> None:
            ids.update(conversation_id=delta["conversation_id"], chat_id=delta["chat_id"])
            assert elsewhere.post("/v3/chat/cancel", json=ids).json()["data"]["status"] == "canceled"

        streaming.control.configure(chunk_size=1)
        whole = _deltas(http, body, lambda delta: None).count("conversation.message.delta")
        streaming.control.configure(chunk_delay_ms=80)
        names = _deltas(http, body, cancel)
        status = http.get("/v3/chat/retrieve", params=ids).json()["data"]["status"]
    assert whole > 10
    assert names.count("conversation.message.delta") < whole  # it stopped, not only stored nothing
    assert names[-1] == "done" and "conversation.chat.completed" not in names
    assert "conversation.message.completed" not in names
    assert status == "canceled"
