"""Pre-built response bodies in Coze's exact wire framing (protocol reference §4.6-4.7, §5.1, §7.1)."""

from __future__ import annotations

import json

CONVERSATION_ID = "7381473525342978089"
BOT_ID = "7379462189365198898"
CHAT_ID = "7382159487131697202"
_USAGE = '"usage":{"token_count":633,"output_count":19,"input_count":614}'
_CHAT = (
    '{"id":"' + CHAT_ID + '","conversation_id":"' + CONVERSATION_ID + '","bot_id":"' + BOT_ID + '",'
    '"completed_at":1718792949,"last_error":{"code":0,"msg":""},"status":"%s",' + _USAGE + "}"
)
_MESSAGE = (
    '{"id":"7382159494123470858","conversation_id":"' + CONVERSATION_ID + '","bot_id":"' + BOT_ID + '",'
    '"role":"assistant","type":"answer","content":%s,"content_type":"text","chat_id":"' + CHAT_ID + '"}'
)
_PIECES = ["2", "0", "24", " 年", " 10", " 月", " 1", " 日", "是", "星期三", "。", "\\n"]


def _event(name: str, data: str) -> str:
    return f"event:{name}\ndata:{data}\n\n"


def chat_stream(deltas: int) -> bytes:
    """A whole `/v3/chat` event stream with `deltas` `conversation.message.delta` events."""
    parts = [
        _event("conversation.chat.created", _CHAT % "created"),
        _event("conversation.chat.in_progress", _CHAT % "in_progress"),
    ]
    delta_events = [
        _event("conversation.message.delta", _MESSAGE % json.dumps(p, ensure_ascii=False)) for p in _PIECES
    ]
    parts.extend(delta_events[i % len(delta_events)] for i in range(deltas))
    parts.append(_event("conversation.message.completed", _MESSAGE % '"2024 年 10 月 1 日是星期三。"'))
    parts.append(_event("conversation.chat.completed", _CHAT % "completed"))
    parts.append(_event("done", '"[DONE]"'))
    return "".join(parts).encode()


def envelope(data: object) -> bytes:
    """The standard `{"code":0,"msg":"","data":...}` envelope."""
    body = {"code": 0, "msg": "", "data": data, "detail": {"logid": "20241210152726467C48D89D6DB2BENCH"}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


CONVERSATION = envelope(
    {
        "id": CONVERSATION_ID,
        "name": "推荐杭州美食",
        "meta_data": {"uuid": "newid1234"},
        "created_at": 1718289297,
        "creator_id": "2478774393250000",
        "connector_id": "1024",
        "updated_at": 1718289297,
        "last_section_id": "7495664347616952360",
    }
)


def uploaded_file(size: int) -> bytes:
    """The answer to `/v1/files/upload`."""
    return envelope({"id": "7484881587176734755", "bytes": size, "file_name": "big.bin", "created_at": 1})
