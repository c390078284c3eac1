"""WebSocket clients against a scripted local server playing the recorded sequences of the Coze
WebSocket reference pages (streaming chat, speech, transcription)."""

from __future__ import annotations

# -- scripted servers ---------------------------------------------------------------------------------
import asyncio
import base64
import hashlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from cozekit import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncCoze,
    AuthenticationError,
    ChatFailedError,
    Coze,
    PermissionDeniedError,
    TokenAuth,
)
from cozekit.types.websocket import WebsocketsEvent, WebsocketsEventType
from cozekit.types.websocket_chat import ConversationAudioDeltaEvent, ConversationMessageDeltaEvent
from cozekit.websockets import (
    AsyncWebsocketsAudioSpeechEventHandler,
    AsyncWebsocketsChatEventHandler,
    NotConnectedError,
    ReconnectPolicy,
    WebsocketsAudioSpeechEventHandler,
    WebsocketsAudioTranscriptionsEventHandler,
    WebsocketsChatEventHandler,
    WebsocketsOptions,
    websocket_base_url,
)

Step = Tuple[str, Any]
"""("send", event dict) | ("recv", event_type) | ("abort", None) | ("close", None) | ("idle", None)."""


def event(event_type: str, data: Any = None, **detail: str) -> Dict[str, Any]:
    body: Dict[str, Any] = {"event_type": event_type, "id": f"srv-{event_type}"}
    if data is not None:
        body["data"] = data
    body["detail"] = {"logid": detail.get("logid", "ws-logid"), "respond_at": "1752474748918"}
    return body


@dataclass
class Connection:
    path: str
    headers: Headers
    received: List[Dict[str, Any]] = field(default_factory=list)


class ScriptServer:
    """Plays one script per connection (the last script repeats); records handshakes and uplink events."""

    def __init__(self) -> None:
        self.scripts: List[List[Step]] = []
        self.connections: List[Connection] = []
        self.reject: Optional[Tuple[int, Dict[str, Any]]] = None
        self.port = 0
        self.done = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: Optional[asyncio.Future[None]] = None
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(5)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def play(self, *scripts: List[Step]) -> ScriptServer:
        self.scripts = list(scripts)
        return self

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main(ready))

    async def _main(self, ready: threading.Event) -> None:
        self._stop = self._loop.create_future()
        async with serve(self._handle, "127.0.0.1", 0, process_request=self._process) as server:
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stop

    def _process(self, conn: ServerConnection, request: Request) -> Optional[Response]:
        if self.reject is None:
            return None
        status, body = self.reject
        headers = Headers([("Content-Type", "application/json"), ("X-Tt-Logid", "handshake-logid")])
        return Response(status, HTTPStatus(status).phrase, headers, json.dumps(body).encode())

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        record = Connection(ws.request.path, ws.request.headers)
        self.connections.append(record)
        script = self.scripts[min(len(self.connections), len(self.scripts)) - 1]
        try:
            for action, arg in script:
                if action == "send":
                    await ws.send(json.dumps(arg, ensure_ascii=False))
                elif action == "recv":
                    while True:
                        got = json.loads(await ws.recv())
                        record.received.append(got)
                        if got["event_type"] == arg:
                            break
                elif action == "abort":
                    ws.transport.abort()
                    return
                elif action == "close":
                    await ws.close()
                    return
                elif action == "idle":
                    await ws.wait_closed()
            async for message in ws:
                record.received.append(json.loads(message))
        except Exception:
            pass
        finally:
            self.done.set()

    def close(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(5)


@pytest.fixture
def ws_server() -> Iterator[ScriptServer]:
    server = ScriptServer()
    yield server
    server.close()


class RawServer:
    """A TCP server that accepts and then does `behaviour(socket)` (e.g. never answer)."""

    def __init__(self, behaviour: Callable[[socket.socket], None]) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self.port = self._sock.getsockname()[1]
        self._behaviour = behaviour
        self._clients: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            self._clients.append(client)
            threading.Thread(target=self._behaviour, args=(client,), daemon=True).start()

    def close(self) -> None:
        self._sock.close()
        for client in self._clients:
            client.close()


def accept_then_silence(client: socket.socket) -> None:
    """Complete the WebSocket handshake, then never read or write again (no pongs)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(4096)
        if not chunk:
            return
        data += chunk
    key = next(
        line.split(b":", 1)[1].strip()
        for line in data.split(b"\r\n")
        if line.lower().startswith(b"sec-websocket-key:")
    )
    accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    client.sendall(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
    )


def never_answer(client: socket.socket) -> None:
    """Accept the TCP connection and never answer the HTTP upgrade."""


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: List[RawServer] = []

    def make(behaviour: Callable[[socket.socket], None]) -> RawServer:
        servers.append(RawServer(behaviour))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


FAST = WebsocketsOptions(connect_timeout=2, wait_timeout=5, close_timeout=1)
PCM = [b"\x01\x02" * 50, b"\x03\x04" * 50, b"\x05\x06" * 50]
CHAT = {
    "id": "7526821559890198568",
    "conversation_id": "7526821722323025972",
    "bot_id": "7496347519799787557",
    "created_at": 1752474749,
    "status": "created",
}


def msg(
    content: str, type_: str = "answer", content_type: str = "text", role: str = "assistant"
) -> Dict[str, Any]:
    return {
        "id": "7526821720523718671",
        "conversation_id": CHAT["conversation_id"],
        "bot_id": CHAT["bot_id"],
        "chat_id": CHAT["id"],
        "role": role,
        "type": type_,
        "content": content,
        "content_type": content_type,
    }


def chat_script() -> List[Any]:
    """coze-go's recorded text-input chat (audio shortened)."""
    audio = [msg(base64.b64encode(chunk).decode(), content_type="audio") for chunk in PCM]
    return [
        ("send", event("chat.created")),
        ("recv", "conversation.message.create"),
        ("send", event("conversation.message.completed", msg("今天天气真不错", "question", role="user"))),
        ("send", event("conversation.chat.created", CHAT)),
        ("send", event("conversation.chat.in_progress", {**CHAT, "status": "in_progress"})),
        ("send", event("conversation.message.delta", msg("是啊"))),
        ("send", event("conversation.audio.sentence_start", {"text": "是啊。"})),
        ("send", event("conversation.audio.delta", audio[0])),
        ("send", event("conversation.message.delta", msg("，"))),
        ("send", event("conversation.audio.delta", audio[1])),
        ("send", event("conversation.message.delta", msg(""))),
        ("send", event("conversation.message.completed", msg("是啊，"))),
        (
            "send",
            event("conversation.message.completed", msg('{"msg_type":"generate_answer_finish"}', "verbose")),
        ),
        ("send", event("conversation.audio.delta", audio[2])),
        ("send", event("conversation.audio.completed", msg("", content_type="audio"))),
        (
            "send",
            event(
                "conversation.chat.completed",
                {
                    **CHAT,
                    "status": "completed",
                    "usage": {"token_count": 45, "output_count": 28, "input_count": 17},
                },
            ),
        ),
    ]


EXPECTED_CHAT_ORDER = [
    "chat.created",
    "conversation.message.completed",
    "conversation.chat.created",
    "conversation.chat.in_progress",
    "conversation.message.delta",
    "conversation.audio.sentence_start",
    "conversation.audio.delta",
    "conversation.message.delta",
    "conversation.audio.delta",
    "conversation.message.delta",
    "conversation.message.completed",
    "conversation.message.completed",
    "conversation.audio.delta",
    "conversation.audio.completed",
    "conversation.chat.completed",
]

FINISH = '{"msg_type":"generate_answer_finish"}'
USAGE = {"token_count": 45, "output_count": 28, "input_count": 17}
QUESTION = {"role": "user", "content_type": "text", "content": "今天天气真不错"}


def recording_table(seen: List[Any]) -> Dict[Any, Any]:
    return {key: (lambda cli, e, key=key: seen.append((key, e))) for key in EXPECTED_CHAT_ORDER}


def coze(server: Any) -> Coze:
    return Coze(TokenAuth("pat_voice"), server.base_url)


def acoze(server: Any) -> AsyncCoze:
    return AsyncCoze(TokenAuth("pat_voice"), server.base_url)


# -- host derivation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "ws"),
    [
        ("https://api.coze.cn", "wss://ws.coze.cn"),
        ("https://api.coze.com/", "wss://ws.coze.com"),
        ("https://api-boe.coze.cn", "wss://ws-boe.coze.cn"),
        ("http://127.0.0.1:8123", "ws://127.0.0.1:8123"),
        ("https://proxy.example/coze", "wss://proxy.example/coze"),
    ],
)
def test_websocket_host_is_derived_from_the_rest_base_url(rest: str, ws: str) -> None:
    assert websocket_base_url(rest) == ws
    assert Coze(TokenAuth("t"), rest).websockets.base_url == ws


# -- chat ---------------------------------------------------------------------------------------------


def test_sync_chat_plays_the_recorded_sequence_with_a_handler_class(ws_server: ScriptServer) -> None:
    ws_server.play(chat_script())
    order: List[str] = []
    text: List[str] = []
    audio: List[bytes] = []

    class Handler(WebsocketsChatEventHandler):
        def on_chat_created(self, cli: Any, event: Any) -> None:
            order.append(event.event_type.value)

        def on_conversation_message_delta(self, cli: Any, event: ConversationMessageDeltaEvent) -> None:
            order.append(event.event_type.value)
            text.append(event.data.content)

        def on_conversation_audio_delta(self, cli: Any, event: ConversationAudioDeltaEvent) -> None:
            order.append(event.event_type.value)
            audio.append(event.data.get_audio())

    with coze(ws_server).websockets.chat.create(
        bot_id="7496347519799787557", on_event=Handler(), workflow_id="wf1", device_id=42, options=FAST
    ) as chat:
        chat.conversation_message_create(QUESTION)
        chat.wait()
    conn = ws_server.connections[0]
    assert conn.path == "/v1/chat?bot_id=7496347519799787557&workflow_id=wf1&device_id=42"
    assert conn.headers["Authorization"] == "Bearer pat_voice"
    assert conn.headers["User-Agent"].startswith("cozekit/")
    assert json.loads(conn.headers["X-Coze-Client-User-Agent"])["lang"] == "python"
    sent = conn.received[0]
    assert sent["event_type"] == "conversation.message.create" and sent["data"] == QUESTION
    assert len(sent["id"]) == 36  # a UUID, always sent (doc page streaming_chat_event: required)
    assert order[0] == "chat.created" and order.count("conversation.audio.delta") == 3
    assert "".join(text) == "是啊，"
    assert audio == PCM


def test_sync_chat_per_event_callbacks_see_every_event_in_order(ws_server: ScriptServer) -> None:
    ws_server.play(chat_script())
    seen: List[Any] = []
    client = coze(ws_server).websockets.chat.create(bot_id="b", on_event=recording_table(seen), options=FAST)
    with client() as chat:
        chat.conversation_message_create(QUESTION)
        chat.wait([WebsocketsEventType.CONVERSATION_CHAT_COMPLETED], timeout=5)
    assert [key for key, _ in seen] == EXPECTED_CHAT_ORDER
    completed = seen[-1][1]
    assert completed.data.usage.token_count == 45 and completed.logid == "ws-logid"


async def test_async_chat_plays_the_recorded_sequence(ws_server: ScriptServer) -> None:
    ws_server.play(chat_script())
    order: List[str] = []
    audio: List[bytes] = []

    class Handler(AsyncWebsocketsChatEventHandler):
        async def on_conversation_audio_delta(self, cli: Any, event: ConversationAudioDeltaEvent) -> None:
            audio.append(event.data.get_audio())

        async def on_conversation_chat_completed(self, cli: Any, event: Any) -> None:
            order.append("completed")

    client = acoze(ws_server).websockets.chat.create(bot_id="b", on_event=Handler(), options=FAST)
    client.on("chat.created", lambda cli, e: order.append("created"))
    async with client as chat:
        await chat.conversation_message_create(QUESTION)
        await chat.wait(timeout=5)
    assert order == ["created", "completed"]
    assert audio == PCM
    assert ws_server.connections[0].headers["Authorization"] == "Bearer pat_voice"


def test_unknown_events_are_kept_and_routed_by_name(ws_server: ScriptServer) -> None:
    ws_server.play(
        [("send", event("future.event", {"x": 1})), ("send", event("conversation.chat.completed", CHAT))]
    )
    got: List[WebsocketsEvent] = []
    with coze(ws_server).websockets.chat.create(
        bot_id="b", on_event={"future.event": lambda cli, e: got.append(e)}, options=FAST
    ) as chat:
        chat.wait()
    assert got[0].event_type == "future.event" and not got[0].event_type.is_known
    assert got[0].model_extra == {"data": {"x": 1}}


ODD_EVENTS: List[Step] = [
    (
        "send",
        event("conversation.message.delta", {**msg("hi"), "content": 7, "meta_data": {"k": 1}, "new": 1}),
    ),
    (
        "send",
        event(
            "conversation.chat.completed",
            {**CHAT, "status": "completed", "usage": {"token_count": "45", "output_count": "x"}},
        ),
    ),
]


def check_odd_events(got: List[Any]) -> None:
    delta, completed = got
    assert isinstance(delta, ConversationMessageDeltaEvent) and delta.logid == "ws-logid"
    assert (delta.data.content, delta.data.meta_data) == ("7", {"k": 1})
    assert delta.data.model_extra == {"new": 1} and delta.data.invalid_fields == {
        "content": 7,
        "meta_data": {"k": 1},
    }
    assert (completed.data.usage.token_count, completed.data.usage.output_count) == (45, "x")


def test_odd_events_are_read_leniently(ws_server: ScriptServer) -> None:
    ws_server.play(ODD_EVENTS)
    got: List[Any] = []
    handlers = {
        name: (lambda cli, e: got.append(e))
        for name in ("conversation.message.delta", "conversation.chat.completed")
    }
    lenient = Coze(TokenAuth("pat_voice"), ws_server.base_url, strict_validation=False)
    with lenient.websockets.chat.create(bot_id="b", on_event=handlers, options=FAST) as chat:
        chat.wait()
    check_odd_events(got)


async def test_async_odd_events_are_read_leniently(ws_server: ScriptServer) -> None:
    ws_server.play(ODD_EVENTS)
    got: List[Any] = []
    handlers = {
        name: (lambda cli, e: got.append(e))
        for name in ("conversation.message.delta", "conversation.chat.completed")
    }
    lenient = AsyncCoze(TokenAuth("pat_voice"), ws_server.base_url, strict_validation=False)
    async with lenient.websockets.chat.create(bot_id="b", on_event=handlers, options=FAST) as chat:
        await chat.wait()
    check_odd_events(got)


def test_odd_events_raise_when_strict(ws_server: ScriptServer) -> None:
    ws_server.play(ODD_EVENTS)
    strict = Coze(TokenAuth("pat_voice"), ws_server.base_url, strict_validation=True)
    session = strict.websockets.chat.create(bot_id="b", options=FAST)
    with session as chat, pytest.raises(APIResponseValidationError) as caught:
        chat.wait()
    assert caught.value.field == "data.content" and caught.value.logid == "ws-logid"
    assert '"content": 7' in caught.value.body


def test_chat_failed_raises_chat_failed_error_from_wait(ws_server: ScriptServer) -> None:
    failed = {**CHAT, "status": "failed", "last_error": {"code": 4013, "msg": "model busy"}}
    ws_server.play([("send", event("conversation.chat.failed", failed, logid="fail-logid"))])
    with (
        coze(ws_server).websockets.chat.create(bot_id="b", options=FAST) as chat,
        pytest.raises(ChatFailedError) as info,
    ):
        chat.wait()
    assert info.value.code == 4013 and info.value.logid == "fail-logid"


# -- errors -------------------------------------------------------------------------------------------


def test_error_event_raises_a_typed_error_with_code_and_logid(ws_server: ScriptServer) -> None:
    error = event("error", {"code": 4101, "msg": "no permission"}, logid="err-logid")
    ws_server.play([("send", error), ("close", None)])
    with (
        coze(ws_server).websockets.chat.create(bot_id="b", options=FAST) as chat,
        pytest.raises(PermissionDeniedError) as info,
    ):
        chat.wait()
    assert info.value.code == 4101 and info.value.logid == "err-logid" and info.value.msg == "no permission"


async def test_async_error_event_goes_to_an_overriding_on_error(ws_server: ScriptServer) -> None:
    ws_server.play([("send", event("error", {"code": 3010, "msg": "text too long"})), ("close", None)])
    errors: List[Any] = []
    closed: List[bool] = []

    class Handler(AsyncWebsocketsAudioSpeechEventHandler):
        async def on_error(self, cli: Any, e: Any) -> None:
            errors.append(e)

        async def on_closed(self, cli: Any) -> None:
            closed.append(True)

    async with acoze(ws_server).websockets.audio.speech.create(on_event=Handler(), options=FAST) as speech:
        with pytest.raises(APIConnectionError, match="closed before"):
            await speech.wait()
    assert errors[0].code == 3010 and closed == [True]


def test_handshake_refusal_raises_typed_error_with_logid(ws_server: ScriptServer) -> None:
    ws_server.reject = (401, {"code": 4100, "msg": "invalid token"})
    client = coze(ws_server).websockets.audio.transcriptions.create(options=FAST)
    with pytest.raises(AuthenticationError) as info:
        client.connect()
    assert info.value.code == 4100 and info.value.logid == "handshake-logid" and info.value.status_code == 401
    assert client.state == "closed"


async def test_async_handshake_refusal(ws_server: ScriptServer) -> None:
    ws_server.reject = (403, {"code": 4101, "msg": "no permission"})
    with pytest.raises(PermissionDeniedError):
        await acoze(ws_server).websockets.chat.create(bot_id="b", options=FAST).connect()


# -- nothing hangs ------------------------------------------------------------------------------------


def test_silent_server_wait_times_out_and_close_is_quick(ws_server: ScriptServer) -> None:
    ws_server.play([("idle", None)])
    chat = coze(ws_server).websockets.chat.create(bot_id="b", options=FAST)
    chat.connect()
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        chat.wait(timeout=0.3)
    chat.close()
    assert time.monotonic() - started < 3


async def test_async_silent_server_wait_times_out(ws_server: ScriptServer) -> None:
    ws_server.play([("idle", None)])
    started = time.monotonic()
    async with acoze(ws_server).websockets.audio.speech.create(options=FAST) as speech:
        await speech.input_text_buffer_append({"delta": "hi"})
        with pytest.raises(APITimeoutError):
            await speech.wait(timeout=0.3)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_handshake_never_answered_times_out(raw_server: Any, mode: str) -> None:
    server = raw_server(never_answer)
    options = WebsocketsOptions(connect_timeout=0.3, close_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        if mode == "sync":
            coze(server).websockets.chat.create(bot_id="b", options=options).connect()
        else:
            await acoze(server).websockets.chat.create(bot_id="b", options=options).connect()
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_missing_pongs_drop_the_connection(raw_server: Any, mode: str) -> None:
    server = raw_server(accept_then_silence)
    options = WebsocketsOptions(wait_timeout=10, close_timeout=0.3, ping_interval=0.1, ping_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(APIConnectionError) as info:
        if mode == "sync":
            with coze(server).websockets.chat.create(bot_id="b", options=options) as chat:
                chat.wait()
        else:
            async with acoze(server).websockets.chat.create(bot_id="b", options=options) as achat:
                await achat.wait()
    assert not isinstance(info.value, APITimeoutError)
    assert time.monotonic() - started < 5


# -- close and reconnect ------------------------------------------------------------------------------


def test_close_sends_a_close_frame_and_later_sends_fail(ws_server: ScriptServer) -> None:
    ws_server.play([("send", event("chat.created"))])
    closed: List[Any] = []
    chat = coze(ws_server).websockets.chat.create(
        bot_id="b", on_event={"closed": closed.append}, options=FAST
    )
    chat.connect()
    chat.wait(["chat.created"])
    chat.conversation_clear()
    chat.close()
    chat.close()
    assert ws_server.done.wait(5)
    assert [e["event_type"] for e in ws_server.connections[0].received] == ["conversation.clear"]
    assert closed == [chat] and chat.state == "closed"
    with pytest.raises(NotConnectedError):
        chat.conversation_clear()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_sync_session_runs_on_two_plain_threads_and_no_event_loop(ws_server: ScriptServer) -> None:
    """The sync session's threads: one reads the socket, one runs the handlers; neither runs asyncio."""
    ws_server.play([("send", event("chat.created")), ("recv", "conversation.clear"), ("close", None)])
    before = set(threading.enumerate())
    seen: List[Tuple[str, bool]] = []

    def on_created(cli: Any, e: Any) -> None:
        seen.append((threading.current_thread().name, _loop_running()))

    chat = coze(ws_server).websockets.chat.create(
        bot_id="b", on_event={"chat.created": on_created}, options=FAST
    )
    with chat:
        chat.wait(["chat.created"])
        during = sorted(t.name for t in set(threading.enumerate()) - before)
        chat.conversation_clear()
    assert seen == [("cozekit-ws-dispatch", False)]
    assert during == ["cozekit-ws-dispatch", "cozekit-ws-io"]
    assert not [t.name for t in set(threading.enumerate()) - before if t.is_alive()]


def test_a_handler_may_close_the_session(ws_server: ScriptServer) -> None:
    ws_server.play([("send", event("chat.created")), ("idle", None)])
    closed: List[Any] = []
    chat = coze(ws_server).websockets.chat.create(
        bot_id="b",
        on_event={"chat.created": lambda cli, e: cli.close(), "closed": closed.append},
        options=FAST,
    )
    chat.connect()
    with pytest.raises(APIConnectionError, match="closed before"):
        chat.wait(["conversation.chat.completed"])
    assert ws_server.done.wait(5)
    assert closed == [chat] and chat.state == "closed"


def test_a_handler_closing_the_session_at_once_leaves_it_closed(
    ws_server: ScriptServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connecting thread may lose the CPU right after it starts the session's threads; a handler
    that closes the session meanwhile must leave it closed, not see `connect` mark it connected after."""
    closed = threading.Event()
    started: List[str] = []

    class Thread(threading.Thread):
        def start(self) -> None:
            super().start()
            if self.name.startswith("cozekit-ws-"):
                started.append(self.name)
                if len(started) == 2:  # both running: the connecting thread waits for the handlers
                    closed.wait(5)

    monkeypatch.setattr(threading, "Thread", Thread)
    ws_server.play([("send", event("chat.created")), ("idle", None)])
    chat = coze(ws_server).websockets.chat.create(
        bot_id="b",
        on_event={"chat.created": lambda cli, e: cli.close(), "closed": lambda cli: closed.set()},
        options=FAST,
    )
    chat.connect()
    assert closed.is_set() and chat.state == "closed"
    assert ws_server.done.wait(5)


def test_dropped_connection_without_reconnect_fails_the_wait(ws_server: ScriptServer) -> None:
    ws_server.play([("recv", "chat.update"), ("abort", None)])
    with coze(ws_server).websockets.chat.create(bot_id="b", options=FAST) as chat:
        chat.chat_update({"chat_config": {"user_id": "u1"}})
        with pytest.raises(APIConnectionError, match="lost"):
            chat.wait()


def test_reconnect_replays_the_session_config(ws_server: ScriptServer) -> None:
    policy = ReconnectPolicy(1, initial_delay=0)
    options = WebsocketsOptions(wait_timeout=5, close_timeout=1, reconnect=policy)
    second = [
        ("recv", "chat.update"),
        ("send", event("chat.updated", {"chat_config": {"user_id": "u1"}})),
        ("recv", "conversation.message.create"),
        ("send", event("conversation.chat.completed", CHAT)),
    ]
    ws_server.play([("recv", "chat.update"), ("abort", None)], second)
    reconnects: List[Any] = []
    client = coze(ws_server).websockets.chat.create(
        bot_id="b", on_event={"reconnected": reconnects.append}, options=options
    )
    with client as chat:
        chat.chat_update({"chat_config": {"user_id": "u1"}})
        try:
            chat.wait(["chat.updated"])
        except APIConnectionError:  # the reconnect happened during the wait: its turn is reported lost
            chat.wait(["chat.updated"])
        chat.conversation_message_create(QUESTION)
        chat.wait()
    assert reconnects == [chat]
    replayed = ws_server.connections[1].received
    assert [e["event_type"] for e in replayed] == ["chat.update", "conversation.message.create"]
    assert replayed[0]["data"] == {"chat_config": {"user_id": "u1"}}


# -- speech and transcriptions ------------------------------------------------------------------------


def speech_script() -> List[Any]:
    """coze-go's recorded speech session (ten audio updates, three here)."""
    return [
        ("send", event("speech.created")),
        ("recv", "input_text_buffer.complete"),
        ("send", event("input_text_buffer.completed")),
        ("send", event("conversation.audio.sentence_start", {"text": "今天天气不错。"})),
        *[("send", event("speech.audio.update", {"delta": base64.b64encode(c).decode()})) for c in PCM],
        ("send", event("speech.audio.completed")),
    ]


def test_sync_speech_collects_audio(ws_server: ScriptServer) -> None:
    ws_server.play(speech_script())
    audio: List[bytes] = []

    class Handler(WebsocketsAudioSpeechEventHandler):
        def on_speech_audio_update(self, cli: Any, event: Any) -> None:
            audio.append(event.data.delta)

    with coze(ws_server).websockets.audio.speech.create(on_event=Handler(), options=FAST) as speech:
        speech.speech_update({"output_audio": {"codec": "pcm", "pcm_config": {"sample_rate": 16000}}})
        speech.input_text_buffer_append({"delta": "今天天气不错"})
        speech.input_text_buffer_complete()
        speech.wait()
    assert audio == PCM
    conn = ws_server.connections[0]
    assert conn.path == "/v1/audio/speech"
    assert [e["event_type"] for e in conn.received] == [
        "speech.update",
        "input_text_buffer.append",
        "input_text_buffer.complete",
    ]
    assert conn.received[0]["data"]["output_audio"]["pcm_config"] == {"sample_rate": 16000}


def test_speech_text_over_1024_bytes_is_refused_locally(ws_server: ScriptServer) -> None:
    ws_server.play([("idle", None)])
    with (
        coze(ws_server).websockets.audio.speech.create(options=FAST) as speech,
        pytest.raises(ValueError, match="1024"),
    ):
        speech.input_text_buffer_append({"delta": "字" * 400})


def transcriptions_script() -> List[Any]:
    """coze-go's recorded transcription session."""
    return [
        ("send", event("transcriptions.created")),
        ("recv", "input_audio_buffer.complete"),
        ("send", event("input_audio_buffer.completed")),
        ("send", event("transcriptions.message.update", {"content": "今天天气不错。"})),
        ("send", event("transcriptions.message.completed")),
    ]


def test_sync_transcriptions_sends_base64_audio_and_gets_text(ws_server: ScriptServer) -> None:
    ws_server.play(transcriptions_script())
    texts: List[str] = []

    class Handler(WebsocketsAudioTranscriptionsEventHandler):
        def on_transcriptions_message_update(self, cli: Any, event: Any) -> None:
            texts.append(event.data.content)

    with coze(ws_server).websockets.audio.transcriptions.create(on_event=Handler(), options=FAST) as asr:
        asr.transcriptions_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        for chunk in PCM:
            asr.input_audio_buffer_append({"delta": chunk})
        asr.input_audio_buffer_complete()
        asr.wait()
    assert texts == ["今天天气不错。"]
    sent = ws_server.connections[0].received
    assert [
        base64.b64decode(e["data"]["delta"]) for e in sent if e["event_type"] == "input_audio_buffer.append"
    ] == PCM


async def test_async_transcriptions(ws_server: ScriptServer) -> None:
    ws_server.play(transcriptions_script())
    texts: List[str] = []
    client = acoze(ws_server).websockets.audio.transcriptions.create(
        on_event={"transcriptions.message.update": lambda cli, e: texts.append(e.data.content)}, options=FAST
    )
    async with client() as asr:
        await asr.input_audio_buffer_append({"delta": PCM[0]})
        await asr.input_audio_buffer_complete()
        await asr.wait(timeout=5)
    assert texts == ["今天天气不错。"]
    assert ws_server.connections[0].path == "/v1/audio/transcriptions"
