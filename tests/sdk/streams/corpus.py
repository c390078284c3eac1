"""Our conformance corpus: stream bodies, byte for byte, with every framing and shape quirk real Coze
servers are known to send (written for these tests; the ids and texts are made up).

Each case is `(name, body, expected)`: `expected` is either the list of event names the SDK yields
(a chatflow also yields `done`, see `chat_names`) or an `Raises` (the error class and words its message
must contain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple, Type, Union

from cozekit import ChatStreamError, IncompleteStreamError, NotFoundError, RateLimitError


@dataclass(frozen=True)
class Raises:
    error: Type[Exception]
    words: Tuple[str, ...] = ()
    events: Tuple[str, ...] = ()
    """The events yielded before the error."""


Expected = Union[List[str], Raises]


def _j(value: Dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chat(status: str, **more: Any) -> str:
    return _j({"id": "c-1", "conversation_id": "v-1", "bot_id": "b-1", "status": status, **more})


def _msg(content: str, kind: str = "answer") -> str:
    return _j({"id": "m-1", "conversation_id": "v-1", "role": "assistant", "type": kind, "content": content})


def chat_body(
    events: List[Tuple[str, str]], *, colon: str = ":", eol: str = "\n", last_eol: str = ""
) -> bytes:
    """`event:`/`data:` pairs with a blank line after each but the last; `last_eol` ends the body."""
    blocks = [f"event{colon}{name}{eol}data{colon}{data}" for name, data in events]
    return ((eol + eol).join(blocks) + last_eol).encode("utf-8")


CREATED = ("conversation.chat.created", _chat("created"))
IN_PROGRESS = ("conversation.chat.in_progress", _chat("in_progress"))
DELTA = ("conversation.message.delta", _msg("星期"))
COMPLETED_MSG = ("conversation.message.completed", _msg("星期三"))
CHAT_COMPLETED = ("conversation.chat.completed", _chat("completed", usage={"token_count": 3}))
FAILED = (
    "conversation.chat.failed",
    _chat("failed", last_error={"code": 5000, "msg": "event interval error"}),
)
REQUIRES_ACTION = (
    "conversation.chat.requires_action",
    _chat(
        "requires_action",
        required_action={
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {
                "tool_calls": [
                    {"id": "t-1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ]
            },
        },
    ),
)
DONE = ("done", '"[DONE]"')
NORMAL = [CREATED, IN_PROGRESS, DELTA, COMPLETED_MSG, CHAT_COMPLETED, DONE]
NORMAL_NAMES = [name for name, _ in NORMAL[:-1]]

CHAT_CASES: List[Tuple[str, bytes, Expected]] = [
    ("documented framing, blank line at the end", chat_body(NORMAL, last_eol="\n\n"), NORMAL_NAMES),
    ("no blank line after the last event", chat_body(NORMAL, last_eol="\n"), NORMAL_NAMES),
    ("no line break after the last line", chat_body(NORMAL), NORMAL_NAMES),
    ("a space after every colon", chat_body(NORMAL, colon=": ", last_eol="\n\n"), NORMAL_NAMES),
    ("CRLF line ends", chat_body(NORMAL, eol="\r\n", last_eol="\r\n\r\n"), NORMAL_NAMES),
    ("CR line ends, no final blank line", chat_body(NORMAL, eol="\r", last_eol="\r"), NORMAL_NAMES),
    ("a UTF-8 byte order mark first", b"\xef\xbb\xbf" + chat_body(NORMAL, last_eol="\n\n"), NORMAL_NAMES),
    (
        "id: lines, comments and retry: lines (a non-ASCII digit among them)",
        chat_body(NORMAL, last_eol="\n\n").replace(
            b"event:conversation.chat.in_progress",
            b": keep-alive\nid: 7\nretry: \xd9\xa3\nevent:conversation.chat.in_progress",
        ),
        NORMAL_NAMES,
    ),
    (
        "done carrying a chatflow debug_url, one space after the colons",
        chat_body(
            [*NORMAL[:-1], ("done", '{"debug_url":"https://www.coze.cn/work_flow?execute_id=1"}')], colon=": "
        ),
        NORMAL_NAMES,
    ),
    (
        "data: before event: within an event",
        b'data:{"id":"c-1","conversation_id":"v-1","status":"created"}\nevent:conversation.chat.created\n\n'
        + chat_body([CHAT_COMPLETED, DONE]),
        [CREATED[0], CHAT_COMPLETED[0]],
    ),
    ("bare [DONE] without quotes", chat_body([*NORMAL[:-1], ("done", "[DONE]")]), NORMAL_NAMES),
    ("done with empty data", chat_body([*NORMAL[:-1], ("done", "")], last_eol="\n\n"), NORMAL_NAMES),
    (
        "invalid UTF-8 inside a delta becomes U+FFFD",
        chat_body([CREATED, DELTA, CHAT_COMPLETED, DONE]).replace("星期".encode(), b"\xe6\x98\xff"),
        [CREATED[0], DELTA[0], CHAT_COMPLETED[0]],
    ),
    (
        "chat.failed then the end, no done",
        chat_body([CREATED, IN_PROGRESS, FAILED]),
        [CREATED[0], IN_PROGRESS[0], FAILED[0]],
    ),
    ("chat.failed then done", chat_body([CREATED, FAILED, DONE], last_eol="\n\n"), [CREATED[0], FAILED[0]]),
    (
        "chat.completed then the end, no done",
        chat_body([CREATED, CHAT_COMPLETED], last_eol="\n"),
        [CREATED[0], CHAT_COMPLETED[0]],
    ),
    (
        "requires_action then done",
        chat_body([CREATED, REQUIRES_ACTION, DONE]),
        [CREATED[0], REQUIRES_ACTION[0]],
    ),
    (
        "error event with empty data",
        chat_body([CREATED, ("error", "{}")]),
        Raises(ChatStreamError, ("without code or message", "wire-logid"), (CREATED[0],)),
    ),
    (
        "error event with code and msg",
        chat_body([CREATED, ("error", '{"code":4200,"msg":"bot gone"}'), DONE], last_eol="\n\n"),
        Raises(NotFoundError, ("4200", "bot gone", "wire-logid"), (CREATED[0],)),
    ),
    (
        "error event with a code that has no class of its own",
        chat_body([("error", '{"code":720701013,"msg":"workflow server issue"}')], colon=": "),
        Raises(ChatStreamError, ("720701013", "workflow server issue", "wire-logid")),
    ),
    (
        "error event with a rate-limit code",
        chat_body([("error", '{"code":4009,"msg":"busy"}')], last_eol="\r\n"),
        Raises(RateLimitError, ("4009", "busy")),
    ),
    (
        "the body ends mid-chat",
        chat_body([CREATED, IN_PROGRESS, DELTA], last_eol="\n\n"),
        Raises(
            IncompleteStreamError,
            ("conversation.message.delta", "wire-logid"),
            (CREATED[0], IN_PROGRESS[0], DELTA[0]),
        ),
    ),
    ("an empty body", b"", Raises(IncompleteStreamError, ("before any event", "wire-logid"))),
]


def chat_names(expected: List[str], body: bytes, chatflow: bool) -> List[str]:
    """A chatflow stream also yields its final `done` event."""
    ends_with_done = b"event:done" in body or b"event: done" in body
    return [*expected, "done"] if chatflow and ends_with_done else expected


def workflow_body(
    events: List[Tuple[str, str]], *, ids: bool = True, colon: str = ": ", eol: str = "\n", last_eol: str = ""
) -> bytes:
    blocks = []
    for n, (name, data) in enumerate(events):
        head = f"id{colon}{n}{eol}" if ids else ""
        blocks.append(f"{head}event{colon}{name}{eol}data{colon}{data}")
    return ((eol + eol).join(blocks) + last_eol).encode("utf-8")


W_MSG = (
    "Message",
    _j({"content": "为", "node_is_finish": False, "node_seq_id": "0", "node_title": "Message"}),
)
W_END = (
    "Message",
    _j(
        {
            "content": '{"output":"ok"}',
            "node_is_finish": True,
            "node_seq_id": "1",
            "node_title": "End",
            "cost": "0.00",
            "token": 0,
        }
    ),
)
W_DONE = ("Done", "{}")
W_PING = ("PING", "")
W_ERROR = ("Error", _j({"error_code": 4000, "error_message": "Request parameter error"}))
W_INTERRUPT = (
    "Interrupt",
    _j({"interrupt_data": {"data": "", "event_id": "e-1/2", "type": 2}, "node_title": "问答"}),
)
W_NORMAL = [W_MSG, W_END, W_DONE]
W_NAMES = ["Message", "Message", "Done"]

WORKFLOW_CASES: List[Tuple[str, bytes, Expected]] = [
    ("documented framing: id, event, data with a space", workflow_body(W_NORMAL, last_eol="\n\n"), W_NAMES),
    ("no space after the colon", workflow_body(W_NORMAL, colon=":", last_eol="\n\n"), W_NAMES),
    ("no id: lines", workflow_body(W_NORMAL, ids=False, last_eol="\n\n"), W_NAMES),
    ("no blank line after Done", workflow_body(W_NORMAL, last_eol="\n"), W_NAMES),
    ("no line break after Done", workflow_body(W_NORMAL), W_NAMES),
    ("CRLF line ends", workflow_body(W_NORMAL, eol="\r\n", last_eol="\r\n\r\n"), W_NAMES),
    ('done with data "[DONE]"', workflow_body([W_MSG, ("done", '"[DONE]"')]), ["Message", "Done"]),
    (
        "PING with empty data, then the run",
        workflow_body([W_PING, *W_NORMAL], last_eol="\n\n"),
        ["PING", *W_NAMES],
    ),
    ("PING with {}", workflow_body([("PING", "{}"), *W_NORMAL]), ["PING", *W_NAMES]),
    ("Error is yielded and ends the stream", workflow_body([W_MSG, W_ERROR]), ["Message", "Error"]),
    (
        "Interrupt ends the stream",
        workflow_body([W_MSG, W_INTERRUPT], last_eol="\n\n"),
        ["Message", "Interrupt"],
    ),
    ("a non-numeric id", workflow_body(W_NORMAL).replace(b"id: 1\n", "id: \u00b2\n".encode()), W_NAMES),
    (
        "the body ends mid-run",
        workflow_body([W_MSG, W_MSG], last_eol="\n\n"),
        Raises(IncompleteStreamError, ("'Message'", "wire-logid"), ("Message", "Message")),
    ),
]
