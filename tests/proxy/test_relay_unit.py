"""The relay's building blocks without a server: event trimming, and disconnects under ASGI 2.4."""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, List

import anyio

from cozekit.proxy.relay import EventStreamResponse, trim
from cozekit.types import ChatEvent


def event(name: str, **data: Any) -> ChatEvent:
    return ChatEvent.model_validate({"event": name, **data})


def message(type_: str, role: str = "assistant", content: str = "x") -> Dict[str, Any]:
    return {"id": "m1", "chat_id": "c1", "role": role, "type": type_, "content": content, "bot_id": "b"}


def test_only_answers_and_follow_ups_reach_the_browser() -> None:
    for hidden in ("function_call", "tool_response", "tool_output", "knowledge", "verbose"):
        assert trim(event("conversation.message.completed", message=message(hidden))) is None
    assert trim(event("conversation.message.completed", message=message("question", role="user"))) is None
    shown = trim(event("conversation.message.delta", message=message("answer", content="hi")))
    assert shown == {"id": "m1", "chat_id": "c1", "type": "answer", "content": "hi", "content_type": "text"}
    assert trim(event("conversation.message.completed", message=message("follow_up"))) is not None
    failed = {
        "id": "c1",
        "conversation_id": "v1",
        "bot_id": "b",
        "status": "failed",
        "last_error": {"code": 5000, "msg": "boom"},
        "usage": {"token_count": 3, "output_count": 1, "input_count": 2},
        "meta_data": {"secret": "s"},
    }
    assert trim(event("conversation.chat.failed", chat=failed)) == {
        "id": "c1",
        "conversation_id": "v1",
        "status": "failed",
        "last_error": {"code": 5000, "msg": "boom"},
    }
    assert trim(event("conversation.audio.delta", message=message("answer"))) is None


async def test_disconnect_closes_a_silent_stream_on_asgi_2_4_servers() -> None:
    """ASGI 2.4 servers report a disconnect only through `receive`; the response must watch it."""
    closed: List[bool] = []
    first_chunk_sent = anyio.Event()

    async def body() -> AsyncIterator[bytes]:
        try:
            yield b"event:conversation.chat.created\ndata:{}\n\n"
            await anyio.sleep_forever()  # Coze is thinking
        finally:
            closed.append(True)

    async def receive() -> Dict[str, Any]:
        await first_chunk_sent.wait()
        return {"type": "http.disconnect"}

    async def send(msg: Dict[str, Any]) -> None:
        if msg.get("body"):
            first_chunk_sent.set()

    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}}
    with anyio.fail_after(5):  # hang guard
        await EventStreamResponse(body(), media_type="text/event-stream")(scope, receive, send)
    assert closed == [True]
