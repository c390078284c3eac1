"""`create_and_poll`: create a chat, poll until it ends, fetch its messages."""

from __future__ import annotations

import time
from typing import Optional

from .._exceptions import ChatFailedError, CozeAPIError
from .._parsing import model, models
from .._request import CallOptions, RequestOptions
from ..types.chat import Chat, ChatPoll, ChatStatus
from ..types.message import Message
from ._flow import Call, Flow, Sleep, run_async, run_sync

__all__ = ["poll_flow", "run_async", "run_sync"]

MAX_POLL_INTERVAL = 1.0
_RUNNING = (ChatStatus.CREATED, ChatStatus.IN_PROGRESS)
_NOT_CANCELLABLE = 4104


def poll_flow(
    start: RequestOptions, timeout: Optional[float], interval: float, options: CallOptions
) -> Flow[ChatPoll]:
    from ..resources.chat import _cancel, _list_messages, _retrieve

    if interval <= 0:
        raise ValueError("poll_interval must be > 0")
    if timeout is not None and timeout <= 0:
        raise ValueError("poll_timeout must be > 0")
    chat: Chat = yield Call(start, model(Chat))
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = interval
    while chat.status in _RUNNING:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            try:
                chat = yield Call(_cancel(chat.conversation_id, chat.id, options), model(Chat))
            except CozeAPIError as err:
                if err.code != _NOT_CANCELLABLE:
                    raise
                chat = yield Call(_retrieve(chat.conversation_id, chat.id, options), model(Chat))
            break
        yield Sleep(delay if remaining is None else min(delay, remaining))
        delay = min(delay * 1.5, max(interval, MAX_POLL_INTERVAL))
        chat = yield Call(_retrieve(chat.conversation_id, chat.id, options), model(Chat))
    if chat.status == ChatStatus.FAILED:
        error = chat.last_error
        failed = ChatFailedError(
            error.code if error else 0,
            error.msg if error else "chat failed",
            chat.logid,
            status_code=200,
            body=chat.model_dump(mode="json"),
        )
        failed.chat = chat
        raise failed
    messages = yield Call(_list_messages(chat.conversation_id, chat.id, options), models(Message))
    poll = ChatPoll(chat=chat, messages=list(messages))
    poll._attach(chat.response)
    return poll
