"""Stopping a call or stream from elsewhere: `stream.close()` from another thread, and an
`AbortController` for sync and async calls and streams, against a server that stalls mid-stream.

The joins and `fail_after`s below are hang guards only: without the abort, these reads block until
the server stops (at teardown)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Iterator, List, Optional

import anyio
import pytest

from cozekit import (
    AbortController,
    APIUserAbortError,
    AsyncCoze,
    Coze,
    CozeError,
    Message,
    RetryPolicy,
    TokenAuth,
)
from fake_server import LOGID, FakeServer, Reply

_HI = [Message.build_user_question_text("hi")]
_FIRST = b'event:conversation.chat.created\ndata:{"id":"c","conversation_id":"v"}\n\n'
_GUARD = 30.0


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as wire:
        yield wire


def _stalling(server: FakeServer) -> None:
    server.replies.append(Reply(pieces=[_FIRST], framing="chunked", stall=True))


def _abort_during(
    call: Callable[[], Any], ready: Callable[[], bool], controller: AbortController, still: str = ""
) -> List[BaseException]:
    """Runs `call` in a thread, aborts once `ready()` holds, and returns what the call raised (the join
    is a hang guard; `still` says what a thread still alive would be stuck in)."""
    errors: List[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # reported to the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready()
    controller.abort()
    thread.join(_GUARD)
    assert not thread.is_alive(), still
    return errors


class _Reader(threading.Thread):
    """Reads a sync stream in its own thread; `got_one` is set after the first event."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.events: List[Any] = []
        self.error: Optional[BaseException] = None
        self.got_one = threading.Event()

    def run(self) -> None:
        try:
            for event in self.stream:
                self.events.append(event)
                self.got_one.set()
        except BaseException as exc:  # reported to the test
            self.error = exc
        finally:
            self.got_one.set()


def _read_then(stream: Any, stop: Any) -> _Reader:
    reader = _Reader(stream)
    reader.start()
    assert reader.got_one.wait(_GUARD)
    stop()
    reader.join(_GUARD)
    assert not reader.is_alive(), "the reader is still blocked"
    return reader


def test_closing_a_sync_stream_from_another_thread_stops_it(server: FakeServer) -> None:
    _stalling(server)
    with Coze(TokenAuth("t"), server.url) as coze:
        stream = coze.chat.stream(bot_id="b", user_id="u", additional_messages=_HI)
        reader = _read_then(stream, stream.close)
    assert reader.error is None  # closing ends the iteration, quietly
    assert [e.event.value for e in reader.events] == ["conversation.chat.created"]
    assert stream.response.http_response is not None and stream.response.http_response.is_closed


def test_aborting_a_sync_stream_from_another_thread_raises(server: FakeServer) -> None:
    _stalling(server)
    controller = AbortController()
    with Coze(TokenAuth("t"), server.url) as coze:
        stream = coze.chat.stream(
            bot_id="b", user_id="u", additional_messages=_HI, abort_signal=controller.signal
        )
        reader = _read_then(stream, lambda: controller.abort("user left"))
    assert isinstance(reader.error, APIUserAbortError)
    assert reader.error.reason == "user left" and reader.error.logid == LOGID
    assert "user left" in str(reader.error) and LOGID in str(reader.error)
    assert len(reader.events) == 1


def test_aborting_a_sync_call_reading_its_body_raises(server: FakeServer) -> None:
    body = b'{"code":0,"data":{"id":"v-1"}}'
    server.replies.append(
        Reply(pieces=[body[:10]], content_type="application/json", framing="length", stall=True)
    )
    server.replies[0].body = body  # its Content-Length: the rest never comes
    controller = AbortController()

    def call() -> None:
        with Coze(TokenAuth("t"), server.url, max_retries=0) as coze:
            coze.conversations.retrieve(conversation_id="v-1", abort_signal=controller.signal)

    errors = _abort_during(call, lambda: server.stalled.wait(_GUARD), controller)
    assert len(errors) == 1 and isinstance(errors[0], APIUserAbortError) and errors[0].logid == LOGID


@pytest.mark.parametrize("streamed", [False, True])
def test_aborting_a_sync_call_waiting_for_its_answer_raises(server: FakeServer, streamed: bool) -> None:
    server.replies.append(Reply(silent=True))
    controller = AbortController()

    def call() -> None:
        with Coze(TokenAuth("t"), server.url, max_retries=0) as coze:
            if streamed:
                coze.chat.stream(
                    bot_id="b", user_id="u", additional_messages=_HI, abort_signal=controller.signal
                )
            else:
                coze.conversations.retrieve(conversation_id="v-1", abort_signal=controller.signal)

    waiting = "the call is still waiting for its headers"
    errors = _abort_during(call, lambda: server.stalled.wait(_GUARD), controller, waiting)
    assert len(errors) == 1 and isinstance(errors[0], APIUserAbortError)


def test_an_aborted_signal_fails_sync_calls_at_once(server: FakeServer) -> None:
    server.replies.append(Reply(b'{"code":0,"data":{}}', content_type="application/json", framing="length"))
    controller = AbortController()
    controller.abort()
    with Coze(TokenAuth("t"), server.url) as coze, pytest.raises(APIUserAbortError):
        coze.conversations.retrieve(conversation_id="v-1", abort_signal=controller.signal)
    assert server.requests == []


def test_abort_signal_must_be_a_signal() -> None:
    with Coze(TokenAuth("t"), "http://127.0.0.1:9") as coze, pytest.raises(TypeError, match="abort_signal"):
        coze.users.me(abort_signal=threading.Event())  # type: ignore[arg-type]


async def test_aborting_an_async_stream_from_another_task_raises(server: FakeServer) -> None:
    _stalling(server)
    controller = AbortController()
    events: List[Any] = []
    async with AsyncCoze(TokenAuth("t"), server.url) as coze:
        stream = await coze.chat.stream(
            bot_id="b", user_id="u", additional_messages=_HI, abort_signal=controller.signal
        )

        async def read() -> None:
            async for event in stream:
                events.append(event)

        with anyio.fail_after(_GUARD):
            task = asyncio.ensure_future(read())
            while not events:
                await asyncio.sleep(0.01)
            controller.abort()
            with pytest.raises(APIUserAbortError) as info:
                await task
    assert info.value.logid == LOGID and len(events) == 1
    assert stream.response.http_response is not None and stream.response.http_response.is_closed


async def test_aborting_an_async_stream_from_another_thread_raises(server: FakeServer) -> None:
    _stalling(server)
    controller = AbortController()
    async with AsyncCoze(TokenAuth("t"), server.url) as coze:
        stream = await coze.chat.stream(
            bot_id="b", user_id="u", additional_messages=_HI, abort_signal=controller.signal
        )
        events: List[Any] = []
        with anyio.fail_after(_GUARD), pytest.raises(APIUserAbortError):
            async for event in stream:
                events.append(event)
                threading.Thread(target=controller.abort).start()
    assert len(events) == 1


async def test_aborting_an_async_call_waiting_for_its_answer_raises(server: FakeServer) -> None:
    server.replies.append(Reply(silent=True))
    controller = AbortController()
    async with AsyncCoze(TokenAuth("t"), server.url, max_retries=0) as coze:

        async def abort_when_stalled() -> None:
            while not server.stalled.is_set():
                await asyncio.sleep(0.01)
            controller.abort()

        with anyio.fail_after(_GUARD):
            aborter = asyncio.ensure_future(abort_when_stalled())
            with pytest.raises(APIUserAbortError):
                await coze.conversations.retrieve(conversation_id="v-1", abort_signal=controller.signal)
            await aborter


async def test_an_async_stream_can_be_closed_by_another_task(server: FakeServer) -> None:
    _stalling(server)
    async with AsyncCoze(TokenAuth("t"), server.url) as coze:
        stream = await coze.chat.stream(bot_id="b", user_id="u", additional_messages=_HI)
        events: List[Any] = []

        async def read() -> Optional[BaseException]:
            try:
                async for event in stream:
                    events.append(event)
            except CozeError as exc:
                return exc
            return None

        with anyio.fail_after(_GUARD):
            task = asyncio.ensure_future(read())
            while not events:
                await asyncio.sleep(0.01)
            await stream.close()
            assert await task is None
    assert len(events) == 1


def test_a_signal_aborts_once_and_tells_late_subscribers_at_once() -> None:
    controller = AbortController()
    calls: List[str] = []
    unsubscribe = controller.signal.subscribe(lambda: calls.append("early"))
    dropped = controller.signal.subscribe(lambda: calls.append("dropped"))
    dropped()
    controller.abort("first")
    controller.abort("second")
    controller.signal.subscribe(lambda: calls.append("late"))
    unsubscribe()
    assert calls == ["early", "late"]
    assert controller.signal.aborted and controller.signal.reason == "first"
    assert controller.signal.wait(0) is True


def _busy() -> Reply:
    return Reply(b'{"code":5000,"msg":"busy"}', status=503, content_type="application/json", framing="length")


def test_aborting_cuts_a_sync_retry_wait_short(server: FakeServer) -> None:
    server.replies.append(_busy())
    controller = AbortController()
    slow = RetryPolicy(initial_delay=3600.0, max_delay=3600.0, jitter=lambda: 1.0)

    def call() -> None:
        with Coze(TokenAuth("t"), server.url, max_retries=3, retry_policy=slow) as coze:
            coze.conversations.retrieve(conversation_id="v-1", abort_signal=controller.signal)

    def first_answer_sent() -> bool:
        while not server.requests:
            controller.signal.wait(0.01)
        return True

    errors = _abort_during(call, first_answer_sent, controller, "the call is still sleeping before its retry")
    assert len(errors) == 1 and isinstance(errors[0], APIUserAbortError) and len(server.requests) == 1


async def test_aborting_cuts_an_async_retry_wait_short(server: FakeServer) -> None:
    server.replies.append(_busy())
    controller = AbortController()
    slow = RetryPolicy(initial_delay=3600.0, max_delay=3600.0, jitter=lambda: 1.0)
    async with AsyncCoze(TokenAuth("t"), server.url, max_retries=3, retry_policy=slow) as coze:

        async def abort_after_first_answer() -> None:
            while not server.requests:
                await asyncio.sleep(0.01)
            controller.abort()

        with anyio.fail_after(_GUARD):
            aborter = asyncio.ensure_future(abort_after_first_answer())
            with pytest.raises(APIUserAbortError):
                await coze.conversations.retrieve(conversation_id="v-1", abort_signal=controller.signal)
            await aborter
    assert len(server.requests) == 1


def _stalling_audio(server: FakeServer) -> None:
    audio = b"ID3" + b"\0" * 64
    server.replies.append(
        Reply(audio, pieces=[audio[:16]], content_type="audio/mpeg", framing="length", stall=True)
    )


def test_aborting_a_sync_audio_download_raises(server: FakeServer) -> None:
    _stalling_audio(server)
    controller = AbortController()
    with Coze(TokenAuth("t"), server.url) as coze:
        speech = coze.audio.speech.create(input="hi", voice_id="v", abort_signal=controller.signal)
        reader = _read_then(speech.iter_bytes(1), controller.abort)
    assert isinstance(reader.error, APIUserAbortError) and reader.error.logid == LOGID
    assert b"".join(reader.events) == b"ID3" + b"\0" * 13


async def test_aborting_an_async_audio_download_raises(server: FakeServer) -> None:
    _stalling_audio(server)
    controller = AbortController()
    async with AsyncCoze(TokenAuth("t"), server.url) as coze:
        speech = await coze.audio.speech.create(input="hi", voice_id="v", abort_signal=controller.signal)
        with anyio.fail_after(_GUARD), pytest.raises(APIUserAbortError):
            async for _ in speech.iter_bytes(1):
                controller.abort()
