"""One voice chat turn, written once for `VoiceChat` and `AsyncVoiceChat`: the typed items a reply
yields, the turn's state (shared with `interrupt()`, which may run on another thread), and the flows that
configure the session and run a turn (see `_voice_flow.py`), answering local plugin calls on the way."""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Set, Union

from .._exceptions import ChatFailedError
from .._flow import Flow
from ..types.chat import Chat, ChatToolCall, ChatToolCallType
from ..types.message import MessageContentType, MessageType
from ..types.websocket import WebsocketsEventType
from ._voice_flow import ASYNC_HELPER, WAKE, Emit, Event, Invoke, VoiceFlow, VoiceIO, lost
from .local_plugins import LocalPluginError, Tool, _invoke, _output, _prepare

__all__ = [
    "ReplyAudio",
    "ReplyDone",
    "ReplyText",
    "ReplyToolCall",
    "Turn",
    "UserTranscript",
    "VoiceChatItem",
    "setup_flow",
    "turn_flow",
]

_T = WebsocketsEventType
_PATH = "/v1/chat"


@dataclass(frozen=True)
class ReplyText:
    """A piece of the bot's answer text."""

    text: str


@dataclass(frozen=True)
class ReplyAudio:
    """A chunk of the bot's spoken answer (PCM 16-bit mono at the session's `sample_rate`)."""

    data: bytes


@dataclass(frozen=True)
class UserTranscript:
    """The user's speech as recognised so far (`final` once complete)."""

    text: str
    final: bool


@dataclass(frozen=True)
class ReplyDone:
    """The last item of a turn: the finished chat (usage, status), or `canceled` after an interruption."""

    chat: Optional[Chat]
    canceled: bool = False


@dataclass(frozen=True)
class ReplyToolCall:
    """A local plugin call the helper answered (given `tools`): the tool's `name`, the `arguments` it
    got, the `output` submitted, and the exception it raised (`error`, then `output` is
    `{"error": "<type>: <message>"}` so the bot can say it failed), else None."""

    name: str
    arguments: Any
    output: str
    error: Optional[Exception] = None


VoiceChatItem = Union[ReplyText, ReplyAudio, UserTranscript, ReplyToolCall, ReplyDone]


def _failed(chat: Chat, logid: str) -> ChatFailedError:
    last = chat.last_error
    err = ChatFailedError(last.code if last else 0, last.msg if last else "chat failed", logid)
    err.chat = chat
    return err


def _chat_id(event: Any) -> Optional[str]:
    data = getattr(event, "data", None)
    if isinstance(data, Chat):
        return data.id
    return getattr(data, "chat_id", None) or None


@dataclass
class Turn:
    """One turn's state, shared by its flow and `interrupt()` (which may run on another thread)."""

    reply_timeout: float
    cancel_timeout: float
    stale: Set[str]
    """Chat ids of abandoned turns, whose late events are dropped."""
    stale_cancels: int
    chat_id: Optional[str] = None
    finished: bool = False
    interrupted: bool = False
    cancel_deadline: Optional[float] = None
    sent_cancel: bool = False
    input_completed: bool = False
    started: bool = False
    superseded: bool = False
    tools: Optional[Mapping[str, Tool]] = None
    max_tool_rounds: int = 10
    tool_rounds: int = 0
    action: Optional[Chat] = None
    """A `requires_action` chat whose tool calls the flow answers next (with `tools` only)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def interrupt(self) -> bool:
        """Mark the turn interrupted; True if the cancel event must be sent (only once)."""
        with self.lock:
            if self.finished or self.interrupted:
                return False
            self.interrupted = True
            self.cancel_deadline = time.monotonic() + self.cancel_timeout
            return True

    def deadline(self, reply_deadline: float) -> float:
        cancel = self.cancel_deadline
        return reply_deadline if cancel is None else min(reply_deadline, cancel)

    def take(self, got: Event) -> List[VoiceChatItem]:
        """The items one server event gives (marks the turn finished on its last event)."""
        key, event = got
        failure = lost(key, event, _PATH)
        if failure is not None:
            raise failure
        if key == WAKE:
            return []
        chat_id = _chat_id(event)
        if chat_id is not None and chat_id in self.stale:
            return []
        if key == _T.CONVERSATION_CHAT_CANCELED and self.stale_cancels > 0:
            self.stale_cancels -= 1
            return []
        if key == _T.CONVERSATION_CHAT_CREATED and self.chat_id is None:
            self.chat_id = chat_id
        quiet = self.interrupted
        if key == _T.CONVERSATION_MESSAGE_DELTA:
            msg = event.data
            if (
                not quiet
                and msg.content
                and msg.type in (None, MessageType.ANSWER)
                and msg.content_type in (None, MessageContentType.TEXT)
            ):
                return [ReplyText(msg.content)]
        elif key == _T.CONVERSATION_AUDIO_DELTA:
            audio = event.data.get_audio()
            if audio and not quiet:
                return [ReplyAudio(audio)]
        elif key in (_T.CONVERSATION_AUDIO_TRANSCRIPT_UPDATE, _T.CONVERSATION_AUDIO_TRANSCRIPT_COMPLETED):
            return [UserTranscript(event.data.content, key == _T.CONVERSATION_AUDIO_TRANSCRIPT_COMPLETED)]
        elif key == _T.CONVERSATION_CHAT_FAILED:
            self.finished = True
            raise _failed(event.data, event.logid)
        elif key == _T.CONVERSATION_CHAT_REQUIRES_ACTION and self._answers(event.data):
            self.action = event.data
        elif key in (_T.CONVERSATION_CHAT_COMPLETED, _T.CONVERSATION_CHAT_REQUIRES_ACTION):
            self.finished = True
            return [ReplyDone(event.data, canceled=self.interrupted)]
        elif key == _T.CONVERSATION_CHAT_CANCELED or (
            key == _T.INPUT_AUDIO_BUFFER_CLEARED and self.interrupted
        ):
            self.finished = True
            return [ReplyDone(None, canceled=True)]
        return []

    def _answers(self, chat: Chat) -> bool:
        """True if the helper runs this chat's tool calls (tools given, all calls are functions)."""
        calls = chat.required_action.tool_calls if chat.required_action else []
        return bool(self.tools and calls and not self.interrupted) and all(
            c.type == ChatToolCallType.FUNCTION for c in calls
        )

    def timed_out(self) -> List[VoiceChatItem]:
        """After `interrupt()`, no confirmation within `cancel_timeout` still ends the turn."""
        self.finished = True
        return [ReplyDone(None, canceled=True)]


def _error_output(exc: Exception) -> str:
    return json.dumps({"error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False)


def _run_tool(turn: Turn, call: ChatToolCall) -> Flow[Dict[str, str]]:
    """Run one call's tool; emits a `ReplyToolCall` and returns the `tool_outputs` entry."""
    assert turn.tools is not None
    name = call.function.name if call.function is not None else ""
    if name not in turn.tools:
        turn.finished = True
        raise LocalPluginError(
            f"the bot called local plugin {name!r}, which is not in tools={sorted(turn.tools)}"
        )
    arguments: Any = None
    try:
        tool, arguments = _prepare(turn.tools, call)
        result = yield Invoke(functools.partial(_invoke, tool, arguments), ASYNC_HELPER)
        item = ReplyToolCall(name, arguments, _output(call, result).output)
    except Exception as exc:
        item = ReplyToolCall(name, arguments, _error_output(exc), exc)
    yield Emit(item)
    return {"tool_call_id": call.id, "output": item.output}


def tool_flow(io: VoiceIO, turn: Turn) -> VoiceFlow:
    """Answer a `requires_action` chat: run each tool, then `conversation.chat.submit_tool_outputs`; the
    same turn goes on. Interrupted meanwhile, the turn ends (canceled) without submitting."""
    chat, turn.action = turn.action, None
    assert chat is not None and chat.required_action is not None
    if turn.tool_rounds >= turn.max_tool_rounds:
        turn.finished = True
        raise LocalPluginError(f"the chat still asked for tools after {turn.max_tool_rounds} rounds")
    turn.tool_rounds += 1
    outputs = []
    for call in chat.required_action.tool_calls:
        if turn.interrupted:
            break
        outputs.append((yield from _run_tool(turn, call)))
    if turn.interrupted:
        turn.finished = True
        yield Emit(ReplyDone(chat, canceled=True))
        return
    yield io.send("conversation_chat_submit_tool_outputs", {"chat_id": chat.id, "tool_outputs": outputs})


def _answer_flow(io: VoiceIO, turn: Turn, got: Event) -> Flow[bool]:
    """One event that came while the input was sent: its items out, a tool call answered; True once the
    turn is finished."""
    for item in turn.take(got):
        yield Emit(item)
    if turn.action is not None:
        yield from tool_flow(io, turn)
    return turn.finished


def turn_flow(io: VoiceIO, turn: Turn, sends: List[Invoke], feed: bool, pace: float) -> VoiceFlow:
    """Send the turn's opening events, then (for audio) the chunks, reading answers in between; then
    complete the input and read the reply until it ends. The reply timeout runs from the last chunk."""
    yield from sends
    if feed:
        if (yield from io.feed(pace, functools.partial(_answer_flow, io, turn), lambda: turn.interrupted)):
            return
        if not turn.interrupted:
            yield io.send("input_audio_buffer_complete")
            turn.input_completed = True
    reply_deadline = time.monotonic() + turn.reply_timeout
    while not turn.finished:
        if turn.interrupted and not turn.sent_cancel:
            turn.sent_cancel = True
            if feed and not turn.input_completed and turn.chat_id is None:
                yield io.send("input_audio_buffer_clear")  # nothing to cancel yet: drop the input
            else:
                yield io.send("conversation_chat_cancel")
        got = yield from io.receive(
            turn.deadline(reply_deadline),
            _T.CONVERSATION_CHAT_COMPLETED.value,
            or_none=turn.cancel_deadline is not None,
        )
        for item in turn.timed_out() if got is None else turn.take(got):
            yield Emit(item)
        if turn.action is not None:
            yield from tool_flow(io, turn)
            reply_deadline = time.monotonic() + turn.reply_timeout


def setup_flow(io: VoiceIO, config: Dict[str, Any], timeout: float) -> VoiceFlow:
    """`chat.update`, then wait for `chat.updated` (an `error` raises)."""
    yield io.send("chat_update", config)
    deadline = time.monotonic() + timeout
    while True:
        key, event = yield from io.receive(deadline, _T.CHAT_UPDATED.value)
        failure = lost(key, event, _PATH)
        if failure is not None:
            raise failure
        if key == _T.CHAT_UPDATED:
            return
