"""Voice helpers (synthesize, transcribe, VoiceChat) against the scripted WebSocket server of
test_websockets.py, sync and async: results, what went over the wire, errors, timeouts, interruption;
then round trips against the emulator."""

from __future__ import annotations

import base64
import inspect
import json
import socket
import time
import wave
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Iterator, List

import httpx
import pytest

from cozekit import (
    APIConnectionError,
    APITimeoutError,
    AsyncCoze,
    ChatFailedError,
    Coze,
    CozeAPIError,
    CozeError,
    PermissionDeniedError,
    TokenAuth,
)
from cozekit.emulator.audio.voice import tones
from cozekit.lib import (
    AsyncVoiceChat,
    LocalPluginError,
    PCMFormat,
    ReplyAudio,
    ReplyDone,
    ReplyText,
    ReplyToolCall,
    UserTranscript,
    VoiceChat,
    asynthesize,
    asynthesize_stream,
    atranscribe,
    split_text,
    synthesize,
    synthesize_stream,
    transcribe,
)
from cozekit.websockets import WebsocketsOptions

from .test_websockets import CHAT, PCM, USAGE, ScriptServer, event, msg

FAST = WebsocketsOptions(connect_timeout=2, wait_timeout=5, close_timeout=1)
VOICE = "7000000000000100001"
"""A system voice the emulator seeds."""


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    s = ScriptServer()
    yield s
    s.close()


def coze(server: Any, **kwargs: Any) -> Coze:
    return Coze(TokenAuth("pat_voice"), server.base_url, **kwargs)


def acoze(server: Any, **kwargs: Any) -> AsyncCoze:
    return AsyncCoze(TokenAuth("pat_voice"), server.base_url, **kwargs)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def received(server: ScriptServer, index: int = 0) -> List[Dict[str, Any]]:
    assert server.done.wait(5)
    return server.connections[index].received


def types_of(events: List[Dict[str, Any]]) -> List[str]:
    return [e["event_type"] for e in events]


def write_wav(path: Path, pcm: bytes, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return path


# -- synthesize -----------------------------------------------------------------------------------------


def speech_script() -> List[Any]:
    return [
        ("send", event("speech.created")),
        ("recv", "input_text_buffer.complete"),
        ("send", event("input_text_buffer.completed")),
        ("send", event("conversation.audio.sentence_start", {"text": "今天天气不错。"})),
        *[("send", event("speech.audio.update", {"delta": b64(c)})) for c in PCM],
        ("send", event("speech.audio.completed")),
    ]


def test_synthesize_streams_pcm_into_a_wav_file(server: ScriptServer, tmp_path: Path) -> None:
    server.play(speech_script())
    target = tmp_path / "hello.wav"
    result = synthesize(
        coze(server), "今天天气不错", target, voice_id="v1", sample_rate=16000, speech_rate=20, options=FAST
    )
    with wave.open(str(target), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        assert w.readframes(w.getnframes()) == b"".join(PCM)
    assert result.path == str(target) and result.audio_bytes == len(b"".join(PCM))
    assert result.transport == "websocket" and result.duration == len(b"".join(PCM)) / 32000
    assert not (tmp_path / "hello.wav.part").exists()
    sent = received(server)
    assert types_of(sent) == ["speech.update", "input_text_buffer.append", "input_text_buffer.complete"]
    assert sent[0]["data"]["output_audio"] == {
        "codec": "pcm",
        "pcm_config": {"sample_rate": 16000},
        "voice_id": "v1",
        "speech_rate": 20,
    }
    assert sent[1]["data"] == {"delta": "今天天气不错"}


async def test_asynthesize_writes_raw_pcm_without_a_header(server: ScriptServer, tmp_path: Path) -> None:
    server.play(speech_script())
    result = await asynthesize(acoze(server), "今天天气不错", tmp_path / "hello.pcm", options=FAST)
    assert (tmp_path / "hello.pcm").read_bytes() == b"".join(PCM)
    assert result.codec == "pcm" and result.sample_rate == 24000


def test_synthesize_stream_yields_chunks_in_order(server: ScriptServer) -> None:
    server.play(speech_script())
    assert list(synthesize_stream(coze(server), "今天天气不错", options=FAST)) == PCM


async def test_asynthesize_stream_yields_chunks_in_order(server: ScriptServer) -> None:
    server.play(speech_script())
    assert [c async for c in asynthesize_stream(acoze(server), "今天天气不错", options=FAST)] == PCM


def test_breaking_off_a_speech_stream_closes_the_connection(server: ScriptServer) -> None:
    server.play(speech_script())
    stream = synthesize_stream(coze(server), "今天天气不错", options=FAST)
    assert next(stream) == PCM[0]
    stream.close()  # type: ignore[attr-defined]
    assert server.done.wait(5)


def test_opus_speech_asks_for_opus_and_keeps_its_defaults(server: ScriptServer) -> None:
    server.play(speech_script())
    assert list(synthesize_stream(coze(server), "hi", codec="opus", options=FAST)) == PCM
    assert received(server)[0]["data"] == {"output_audio": {"codec": "opus"}}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_synthesize_error_event_raises_and_leaves_no_file(
    server: ScriptServer, tmp_path: Path, mode: str
) -> None:
    server.play(
        [
            ("recv", "input_text_buffer.complete"),
            ("send", event("speech.audio.update", {"delta": b64(PCM[0])})),
            ("send", event("error", {"code": 3010, "msg": "text too long"}, logid="tts-logid")),
        ]
    )
    target = tmp_path / "out.wav"
    with pytest.raises(CozeAPIError) as info:
        if mode == "sync":
            synthesize(coze(server), "hi", target, options=FAST)
        else:
            await asynthesize(acoze(server), "hi", target, options=FAST)
    assert info.value.code == 3010 and info.value.logid == "tts-logid"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_synthesize_against_a_silent_server_times_out(
    server: ScriptServer, tmp_path: Path, mode: str
) -> None:
    server.play([("idle", None)])
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        if mode == "sync":
            synthesize(coze(server), "hi", tmp_path / "a.pcm", timeout=0.3, options=FAST)
        else:
            await asynthesize(acoze(server), "hi", tmp_path / "a.pcm", timeout=0.3, options=FAST)
    assert time.monotonic() - started < 4
    assert list(tmp_path.iterdir()) == []


def test_server_closing_mid_speech_is_a_connection_error(server: ScriptServer) -> None:
    server.play([("recv", "input_text_buffer.complete"), ("close", None)])
    with pytest.raises(APIConnectionError, match="closed"):
        list(synthesize_stream(coze(server), "hi", options=FAST))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RestSpeech:
    """A REST speech endpoint on httpx.MockTransport (no WebSocket listens on the same host)."""

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.base_url = f"http://127.0.0.1:{free_port()}"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append({"path": request.url.path, "body": json.loads(request.read())})
        return httpx.Response(200, content=b"".join(PCM), headers={"content-type": "audio/pcm"})


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_auto_transport_falls_back_to_rest_when_no_websocket(tmp_path: Path, mode: str) -> None:
    rest = RestSpeech()
    target = tmp_path / "x.wav"
    kwargs: Dict[str, Any] = {"voice_id": "v1", "speech_rate": 50, "transport": "auto", "options": FAST}
    if mode == "sync":
        client = Coze(
            TokenAuth("t"), rest.base_url, http_client=httpx.Client(transport=httpx.MockTransport(rest))
        )
        result = synthesize(client, "hi", target, **kwargs)
    else:
        http = httpx.AsyncClient(transport=httpx.MockTransport(rest))
        result = await asynthesize(
            AsyncCoze(TokenAuth("t"), rest.base_url, http_client=http), "hi", target, **kwargs
        )
    assert result.transport == "rest"
    assert rest.requests[0]["path"] == "/v1/audio/speech"
    body = rest.requests[0]["body"]
    assert (body["input"], body["voice_id"], body["response_format"], body["speed"]) == (
        "hi",
        "v1",
        "pcm",
        1.5,
    )
    with wave.open(str(target), "rb") as w:
        assert w.readframes(w.getnframes()) == b"".join(PCM) and w.getframerate() == 24000


def test_rest_transport_skips_the_websocket_and_websocket_transport_does_not_fall_back(
    tmp_path: Path,
) -> None:
    rest = RestSpeech()
    client = Coze(
        TokenAuth("t"), rest.base_url, http_client=httpx.Client(transport=httpx.MockTransport(rest))
    )
    assert list(synthesize_stream(client, "hi", voice_id="v", codec="mp3", transport="rest")) == [
        b"".join(PCM)
    ]
    assert rest.requests[0]["body"]["response_format"] == "mp3"
    with pytest.raises(APIConnectionError):
        synthesize(client, "hi", tmp_path / "y.pcm", options=FAST)
    assert len(rest.requests) == 1


def test_synthesize_checks_arguments_before_any_io(tmp_path: Path) -> None:
    client = Coze(TokenAuth("t"), f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ValueError, match="transport='rest'"):
        synthesize_stream(client, "hi", codec="mp3")
    with pytest.raises(ValueError, match="transport"):
        synthesize_stream(client, "hi", transport="carrier-pigeon")
    with pytest.raises(ValueError, match="non-empty"):
        synthesize(client, "", tmp_path / "z.wav")
    assert list(tmp_path.iterdir()) == []


# -- long text --------------------------------------------------------------------------------------------

LONG = "今天天气不错，我们去公园散步吧。" * 50
"""2400 bytes: three pieces, each ending after a full stop."""


def test_split_text_cuts_at_boundaries_and_never_inside_a_character() -> None:
    pieces = split_text(LONG)
    assert "".join(pieces) == LONG and len(pieces) == 3
    assert all(len(p.encode()) <= 1024 and p.endswith("。") for p in pieces)
    words = split_text("alpha beta gamma delta", limit=12)
    assert words == ["alpha beta ", "gamma delta"]
    assert split_text("pi is 3.14. Next", limit=14) == ["pi is 3.14. ", "Next"]  # not inside 3.14
    assert split_text("字" * 5, limit=7) == ["字字", "字字", "字"]  # no boundary: whole characters
    assert split_text("short") == ["short"]
    assert split_text("a" * 10 + " " * 20, limit=8) == ["aaaaaaaa", "aa      "]  # blank pieces dropped


def long_speech_script(rounds: int) -> List[Any]:
    script: List[Any] = [("send", event("speech.created"))]
    for i in range(rounds):
        script += [
            ("recv", "input_text_buffer.complete"),
            ("send", event("input_text_buffer.completed")),
            ("send", event("speech.audio.update", {"delta": b64(PCM[i % 3])})),
            ("send", event("speech.audio.completed")),
        ]
    return script


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_long_text_is_spoken_piece_by_piece_on_one_connection(
    server: ScriptServer, tmp_path: Path, mode: str
) -> None:
    server.play(long_speech_script(3))
    target = tmp_path / "long.pcm"
    if mode == "sync":
        result = synthesize(coze(server), LONG, target, options=FAST)
    else:
        result = await asynthesize(acoze(server), LONG, target, options=FAST)
    assert target.read_bytes() == b"".join(PCM) and result.audio_bytes == len(b"".join(PCM))
    sent = received(server)
    assert len(server.connections) == 1
    piece = ["input_text_buffer.append", "input_text_buffer.complete"]
    assert types_of(sent) == ["speech.update", *piece * 3]
    deltas = [e["data"]["delta"] for e in sent if e["event_type"] == "input_text_buffer.append"]
    assert deltas == split_text(LONG) and "".join(deltas) == LONG


def test_a_failing_piece_stops_the_speech(server: ScriptServer) -> None:
    server.play(
        [
            *long_speech_script(1),
            ("recv", "input_text_buffer.complete"),
            ("send", event("error", {"code": 3010, "msg": "text too long"})),
        ]
    )
    got: List[bytes] = []
    with pytest.raises(CozeAPIError) as info:
        for chunk in synthesize_stream(coze(server), LONG, options=FAST):
            got.append(chunk)
    assert info.value.code == 3010 and got == [PCM[0]]


def test_long_text_by_rest_is_one_request_a_piece(tmp_path: Path) -> None:
    rest = RestSpeech()
    client = Coze(
        TokenAuth("t"), rest.base_url, http_client=httpx.Client(transport=httpx.MockTransport(rest))
    )
    result = synthesize(client, LONG, tmp_path / "r.pcm", voice_id="v", transport="rest")
    assert [r["body"]["input"] for r in rest.requests] == split_text(LONG)
    assert result.audio_bytes == 3 * len(b"".join(PCM))


# -- transcribe -----------------------------------------------------------------------------------------


def asr_script() -> List[Any]:
    return [
        ("send", event("transcriptions.created")),
        ("recv", "input_audio_buffer.complete"),
        ("send", event("input_audio_buffer.completed")),
        ("send", event("transcriptions.message.update", {"content": "今天"})),
        ("send", event("transcriptions.message.update", {"content": "今天"})),
        ("send", event("transcriptions.message.update", {"content": "今天天气不错。"})),
        ("send", event("transcriptions.message.completed")),
    ]


def appended(events: List[Dict[str, Any]]) -> List[bytes]:
    return [
        base64.b64decode(e["data"]["delta"]) for e in events if e["event_type"] == "input_audio_buffer.append"
    ]


def test_transcribe_a_wav_file_in_paced_chunks(server: ScriptServer, tmp_path: Path) -> None:
    server.play(asr_script())
    pcm = bytes(range(256)) * 20  # 5120 bytes = 160 ms at 16 kHz
    partials: List[str] = []
    text = transcribe(
        coze(server),
        write_wav(tmp_path / "q.wav", pcm, 16000),
        chunk_ms=40,
        pace=0.001,
        language="zh",
        on_partial=partials.append,
        options=FAST,
    )
    assert text == "今天天气不错。"
    assert partials == ["今天", "今天天气不错。"]
    sent = received(server)
    assert sent[0]["event_type"] == "transcriptions.update"
    assert sent[0]["data"] == {
        "input_audio": {"format": "pcm", "codec": "pcm", "sample_rate": 16000, "channel": 1, "bit_depth": 16},
        "asr_config": {"user_language": "zh"},
    }
    chunks = appended(sent)
    assert b"".join(chunks) == pcm and {len(c) for c in chunks} == {1280}
    assert sent[-1]["event_type"] == "input_audio_buffer.complete"


async def test_atranscribe_an_async_iterator_with_an_async_callback(server: ScriptServer) -> None:
    server.play(asr_script())
    partials: List[str] = []

    async def mic() -> AsyncIterator[bytes]:
        for chunk in PCM:
            yield chunk

    async def on_partial(text: str) -> None:
        partials.append(text)

    text = await atranscribe(acoze(server), mic(), sample_rate=8000, on_partial=on_partial, options=FAST)
    assert text == "今天天气不错。" and partials == ["今天", "今天天气不错。"]
    sent = received(server)
    assert appended(sent) == PCM
    assert sent[0]["data"]["input_audio"]["sample_rate"] == 8000


async def test_atranscribe_raw_pcm_bytes_and_a_final_text_on_completed(server: ScriptServer) -> None:
    server.play(
        [
            ("recv", "input_audio_buffer.complete"),
            ("send", event("transcriptions.message.completed", {"content": "done"})),
        ]
    )
    assert await atranscribe(acoze(server), b"\x00\x01" * 2400, chunk_ms=50, options=FAST) == "done"
    assert {len(c) for c in appended(received(server))} == {2400}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_transcribe_error_silence_and_close(server: ScriptServer, mode: str) -> None:
    async def run(**kwargs: Any) -> str:
        if mode == "sync":
            return transcribe(coze(server), PCM, options=FAST, **kwargs)
        return await atranscribe(acoze(server), PCM, options=FAST, **kwargs)

    server.play(
        [("recv", "input_audio_buffer.complete"), ("send", event("error", {"code": 4101, "msg": "no"}))],
        [("idle", None)],
        [("recv", "input_audio_buffer.append"), ("close", None)],
    )
    with pytest.raises(PermissionDeniedError):
        await run()
    with pytest.raises(APITimeoutError):
        await run(timeout=0.3)
    with pytest.raises(APIConnectionError):
        await run()


def test_transcribe_rejects_what_is_not_audio(tmp_path: Path) -> None:
    client = Coze(TokenAuth("t"), f"http://127.0.0.1:{free_port()}")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    with pytest.raises(ValueError, match="WAV"):
        transcribe(client, bad)
    with pytest.raises(FileNotFoundError):
        transcribe(client, tmp_path / "missing.pcm")
    with pytest.raises(TypeError):
        transcribe(client, 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        transcribe(client, b"", sample_rate=0)


# -- voice chat -----------------------------------------------------------------------------------------


def chat_obj(chat_id: str, status: str, **extra: Any) -> Dict[str, Any]:
    return {**CHAT, "id": chat_id, "status": status, **extra}


def delta(text: str, chat_id: str = CHAT["id"]) -> Dict[str, Any]:
    return event("conversation.message.delta", {**msg(text), "chat_id": chat_id})


def audio(chunk: bytes, chat_id: str = CHAT["id"]) -> Dict[str, Any]:
    return event("conversation.audio.delta", {**msg(b64(chunk), content_type="audio"), "chat_id": chat_id})


def opening() -> List[Any]:
    return [("send", event("chat.created")), ("recv", "chat.update"), ("send", event("chat.updated"))]


def reply(chat_id: str = CHAT["id"], text: str = "是啊，") -> List[Any]:
    return [
        ("send", event("conversation.chat.created", chat_obj(chat_id, "created"))),
        ("send", event("conversation.chat.in_progress", chat_obj(chat_id, "in_progress"))),
        ("send", delta(text[:2], chat_id)),
        ("send", audio(PCM[0], chat_id)),
        ("send", delta(text[2:], chat_id)),
        ("send", audio(PCM[1], chat_id)),
        ("send", event("conversation.message.completed", {**msg(text), "chat_id": chat_id})),
        ("send", event("conversation.message.completed", {**msg("{}", "verbose"), "chat_id": chat_id})),
        ("send", audio(PCM[2], chat_id)),
        (
            "send",
            event("conversation.audio.completed", {**msg("", content_type="audio"), "chat_id": chat_id}),
        ),
        ("send", event("conversation.chat.completed", chat_obj(chat_id, "completed", usage=USAGE))),
    ]


def audio_turn() -> List[Any]:
    return [
        ("recv", "input_audio_buffer.complete"),
        ("send", event("input_audio_buffer.completed")),
        ("send", event("conversation.audio_transcript.update", {"content": "今天"})),
        ("send", event("conversation.audio_transcript.completed", {"content": "今天天气真不错"})),
        *reply(),
    ]


def check_reply(items: List[Any]) -> None:
    assert [i.text for i in items if isinstance(i, ReplyText)] == ["是啊", "，"]
    assert [i.data for i in items if isinstance(i, ReplyAudio)] == PCM
    assert isinstance(items[-1], ReplyDone) and not items[-1].canceled
    assert items[-1].chat is not None and items[-1].chat.usage.token_count == 45


def test_voice_chat_audio_turn_then_text_turn(server: ScriptServer) -> None:
    server.play(
        [*opening(), *audio_turn(), ("recv", "conversation.message.create"), *reply("7526821559890198999")]
    )
    with VoiceChat(
        coze(server), bot_id="b1", voice_id="v1", user_id="u1", sample_rate=16000, options=FAST
    ) as chat:
        first = list(chat.send_audio(b"\x01\x00" * 4800))
        second = list(chat.send_text("再说一遍"))
    check_reply(first)
    assert [i for i in first if isinstance(i, UserTranscript)] == [
        UserTranscript("今天", False),
        UserTranscript("今天天气真不错", True),
    ]
    check_reply(second)
    assert chat.last_chat is not None and chat.last_chat.id == "7526821559890198999"
    sent = received(server)
    assert server.connections[0].path == "/v1/chat?bot_id=b1"
    assert sent[0]["data"] == {
        "output_audio": {"codec": "pcm", "pcm_config": {"sample_rate": 16000}, "voice_id": "v1"},
        "turn_detection": {"type": "client_interrupt"},
        "chat_config": {"user_id": "u1"},
        "input_audio": {"format": "pcm", "codec": "pcm", "sample_rate": 24000, "channel": 1, "bit_depth": 16},
    }
    assert b"".join(appended(sent)) == b"\x01\x00" * 4800 and len(appended(sent)) == 2
    assert types_of(sent)[-2:] == ["input_audio_buffer.complete", "conversation.message.create"]
    assert sent[-1]["data"] == {"role": "user", "content_type": "text", "content": "再说一遍"}


async def test_async_voice_chat_reconfigures_for_a_wav_of_another_rate(
    server: ScriptServer, tmp_path: Path
) -> None:
    server.play([*opening(), ("recv", "chat.update"), ("send", event("chat.updated")), *audio_turn()])
    wav = write_wav(tmp_path / "q.wav", b"\x02\x00" * 1600, 16000)
    async with AsyncVoiceChat(acoze(server), bot_id="b1", turn_detection="server_vad", options=FAST) as chat:
        items = [item async for item in chat.send_audio(wav)]
    check_reply(items)
    sent = received(server)
    updates = [e["data"] for e in sent if e["event_type"] == "chat.update"]
    assert [u["input_audio"]["sample_rate"] for u in updates] == [24000, 16000]
    assert updates[1]["turn_detection"] == {"type": "server_vad"}
    assert b"".join(appended(sent)) == b"\x02\x00" * 1600


async def test_async_voice_chat_from_an_async_iterator(server: ScriptServer) -> None:
    server.play([*opening(), *audio_turn()])

    async def mic() -> AsyncIterator[bytes]:
        for chunk in PCM:
            yield chunk

    async with AsyncVoiceChat(acoze(server), bot_id="b1", options=FAST) as chat:
        items = [item async for item in chat.send_audio(mic())]
    check_reply(items)
    assert appended(received(server)) == PCM


def interrupt_script() -> List[Any]:
    return [
        *opening(),
        ("recv", "conversation.message.create"),
        ("send", event("conversation.chat.created", chat_obj(CHAT["id"], "created"))),
        ("send", delta("第一")),
        ("recv", "conversation.chat.cancel"),
        ("send", delta("迟到")),
        ("send", audio(PCM[0])),
        ("send", event("conversation.chat.canceled", {"code": 2, "msg": "canceled by the client"})),
        ("recv", "conversation.message.create"),
        *reply("7526821559890198999"),
    ]


def test_interrupt_cancels_the_reply_and_the_session_goes_on(server: ScriptServer) -> None:
    server.play(interrupt_script())
    items: List[Any] = []
    with VoiceChat(coze(server), bot_id="b1", options=FAST) as chat:
        for item in chat.send_text("讲个长故事"):
            items.append(item)
            if isinstance(item, ReplyText):
                chat.interrupt()
                chat.interrupt()  # once is enough; twice changes nothing
        after = list(chat.send_text("短一点"))
    assert items == [ReplyText("第一"), ReplyDone(None, canceled=True)]
    check_reply(after)
    assert types_of(received(server)).count("conversation.chat.cancel") == 1


async def test_async_interrupt(server: ScriptServer) -> None:
    server.play(interrupt_script())
    items: List[Any] = []
    async with AsyncVoiceChat(acoze(server), bot_id="b1", options=FAST) as chat:
        async for item in chat.send_text("讲个长故事"):
            items.append(item)
            if isinstance(item, ReplyText):
                await chat.interrupt()
        after = [item async for item in chat.send_text("短一点")]
    assert items == [ReplyText("第一"), ReplyDone(None, canceled=True)]
    check_reply(after)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_interrupt_ends_the_turn_even_when_the_server_never_confirms(
    server: ScriptServer, mode: str
) -> None:
    server.play(
        [
            *opening(),
            ("recv", "conversation.message.create"),
            ("send", delta("第一")),
            ("idle", None),
        ]
    )
    items: List[Any] = []
    started = time.monotonic()
    if mode == "sync":
        with VoiceChat(coze(server), bot_id="b1", cancel_timeout=0.2, options=FAST) as chat:
            for item in chat.send_text("hi"):
                items.append(item)
                chat.interrupt()
    else:
        async with AsyncVoiceChat(acoze(server), bot_id="b1", cancel_timeout=0.2, options=FAST) as achat:
            async for item in achat.send_text("hi"):
                items.append(item)
                await achat.interrupt()
    assert items == [ReplyText("第一"), ReplyDone(None, canceled=True)]
    assert time.monotonic() - started < 4
    assert "conversation.chat.cancel" in types_of(received(server))


def test_interrupt_while_feeding_audio_clears_the_input(server: ScriptServer) -> None:
    server.play(
        [*opening(), ("recv", "input_audio_buffer.clear"), ("send", event("input_audio_buffer.cleared"))]
    )
    with VoiceChat(coze(server), bot_id="b1", options=FAST) as chat:

        def mic() -> Iterator[bytes]:
            yield PCM[0]
            chat.interrupt()
            yield PCM[1]

        items = list(chat.send_audio(mic()))
    assert items == [ReplyDone(None, canceled=True)]
    sent = types_of(received(server))
    assert "input_audio_buffer.complete" not in sent and sent[-1] == "input_audio_buffer.clear"


def test_an_abandoned_turn_is_canceled_and_its_late_events_are_dropped(server: ScriptServer) -> None:
    server.play(interrupt_script())
    with VoiceChat(coze(server), bot_id="b1", options=FAST) as chat:
        for _item in chat.send_text("讲个长故事"):
            break
        after = list(chat.send_text("短一点"))
    check_reply(after)
    assert types_of(received(server)).count("conversation.chat.cancel") == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_voice_chat_against_a_silent_server_times_out(server: ScriptServer, mode: str) -> None:
    server.play([*opening(), ("idle", None)], [("idle", None)])
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        if mode == "sync":
            with VoiceChat(coze(server), bot_id="b1", reply_timeout=0.3, options=FAST) as chat:
                list(chat.send_audio(PCM))
        else:
            async with AsyncVoiceChat(acoze(server), bot_id="b1", reply_timeout=0.3, options=FAST) as achat:
                [item async for item in achat.send_audio(PCM)]
    with pytest.raises(APITimeoutError):  # no chat.updated at all
        VoiceChat(coze(server), bot_id="b1", reply_timeout=0.3, options=FAST).connect()
    assert time.monotonic() - started < 6


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_voice_chat_failures_raise_typed_errors(server: ScriptServer, mode: str) -> None:
    failed = chat_obj(CHAT["id"], "failed", last_error={"code": 4013, "msg": "busy"})
    server.play(
        [
            *opening(),
            ("recv", "conversation.message.create"),
            ("send", event("conversation.chat.failed", failed)),
        ],
        [
            *opening(),
            ("recv", "conversation.message.create"),
            ("send", event("error", {"code": 4101, "msg": "x"})),
        ],
        [
            ("send", event("chat.created")),
            ("recv", "chat.update"),
            ("send", event("error", {"code": 4000, "msg": "bad"})),
        ],
    )
    for expected in (ChatFailedError, PermissionDeniedError):
        with pytest.raises(expected):
            if mode == "sync":
                with VoiceChat(coze(server), bot_id="b1", options=FAST) as chat:
                    list(chat.send_text("hi"))
            else:
                async with AsyncVoiceChat(acoze(server), bot_id="b1", options=FAST) as achat:
                    [item async for item in achat.send_text("hi")]
    with pytest.raises(CozeAPIError) as info:  # the session configuration is refused
        if mode == "sync":
            VoiceChat(coze(server), bot_id="b1", options=FAST).connect()
        else:
            await AsyncVoiceChat(acoze(server), bot_id="b1", options=FAST).connect()
    assert info.value.code == 4000


def test_one_turn_at_a_time_and_arguments_checked(server: ScriptServer) -> None:
    server.play([*opening(), ("recv", "conversation.message.create"), ("send", delta("a")), ("idle", None)])
    with pytest.raises(ValueError):
        VoiceChat(coze(server), bot_id="")
    with pytest.raises(ValueError):
        VoiceChat(coze(server), bot_id="b", turn_detection="telepathy")
    with VoiceChat(coze(server), bot_id="b1", options=FAST) as chat:
        turn = chat.send_text("hi")
        assert next(turn) == ReplyText("a")
        with pytest.raises(CozeError, match="still running"):
            chat.send_text("again")
        with pytest.raises(ValueError):
            chat.send_text("")
        turn.close()  # type: ignore[attr-defined]


# -- voice chat: local plugins ---------------------------------------------------------------------------


def tool_call(call_id: str, name: str, arguments: Any) -> Dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def requires_action(*calls: Dict[str, Any]) -> Dict[str, Any]:
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": list(calls)}}
    return event(
        "conversation.chat.requires_action", chat_obj(CHAT["id"], "requires_action", required_action=action)
    )


def tool_turn(*calls: Dict[str, Any]) -> List[Any]:
    """A text turn that asks for tools, then (after the outputs) answers as `reply()` does."""
    return [
        ("recv", "conversation.message.create"),
        ("send", event("conversation.chat.created", chat_obj(CHAT["id"], "created"))),
        ("send", requires_action(*calls)),
        ("recv", "conversation.chat.submit_tool_outputs"),
        *reply()[1:],
    ]


def submitted(server: ScriptServer) -> List[Dict[str, Any]]:
    return [e["data"] for e in received(server) if e["event_type"] == "conversation.chat.submit_tool_outputs"]


def test_voice_chat_runs_local_tools_and_the_turn_goes_on(server: ScriptServer) -> None:
    server.play(
        [
            *opening(),
            *tool_turn(tool_call("c1", "get_weather", {"city": "南京"}), tool_call("c2", "open_door", {})),
        ]
    )

    def get_weather(city: str) -> Dict[str, Any]:
        return {"city": city, "sky": "晴"}

    def open_door() -> str:
        raise RuntimeError("the door is offline")

    with VoiceChat(
        coze(server), bot_id="b1", tools={"get_weather": get_weather, "open_door": open_door}, options=FAST
    ) as chat:
        items = list(chat.send_text("南京天气？开门"))
    calls = [i for i in items if isinstance(i, ReplyToolCall)]
    assert [(c.name, c.arguments) for c in calls] == [("get_weather", {"city": "南京"}), ("open_door", {})]
    assert calls[0].output == '{"city": "南京", "sky": "晴"}' and calls[0].error is None
    assert isinstance(calls[1].error, RuntimeError)
    assert json.loads(calls[1].output) == {"error": "RuntimeError: the door is offline"}
    check_reply(items)
    assert items.index(calls[1]) < items.index(next(i for i in items if isinstance(i, ReplyText)))
    assert submitted(server) == [
        {
            "chat_id": CHAT["id"],
            "tool_outputs": [
                {"tool_call_id": "c1", "output": calls[0].output},
                {"tool_call_id": "c2", "output": calls[1].output},
            ],
        }
    ]


async def test_async_voice_chat_awaits_async_tools(server: ScriptServer) -> None:
    server.play([*opening(), *tool_turn(tool_call("c1", "lamp", {"on": True}))])
    seen: List[bool] = []

    async def lamp(on: bool) -> str:
        seen.append(on)
        return "done"

    async with AsyncVoiceChat(acoze(server), bot_id="b1", tools={"lamp": lamp}, options=FAST) as chat:
        items = [item async for item in chat.send_text("开灯")]
    assert seen == [True] and ReplyToolCall("lamp", {"on": True}, "done") in items
    check_reply(items)
    assert submitted(server)[0]["tool_outputs"] == [{"tool_call_id": "c1", "output": "done"}]


def test_an_async_tool_in_the_sync_chat_is_an_error_output(server: ScriptServer) -> None:
    server.play([*opening(), *tool_turn(tool_call("c1", "lamp", {}))])

    async def lamp() -> str:
        return "never"

    with VoiceChat(coze(server), bot_id="b1", tools={"lamp": lamp}, options=FAST) as chat:
        items = list(chat.send_text("开灯"))
    (call,) = [i for i in items if isinstance(i, ReplyToolCall)]
    assert isinstance(call.error, TypeError) and "AsyncVoiceChat" in call.output
    check_reply(items)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_without_tools_requires_action_ends_the_turn(server: ScriptServer, mode: str) -> None:
    server.play([*opening(), *tool_turn(tool_call("c1", "lamp", {}))[:3], ("idle", None)])
    if mode == "sync":
        with VoiceChat(coze(server), bot_id="b1", options=FAST) as chat:
            items = list(chat.send_text("开灯"))
    else:
        async with AsyncVoiceChat(acoze(server), bot_id="b1", options=FAST) as achat:
            items = [item async for item in achat.send_text("开灯")]
    done = items[-1]
    assert len(items) == 1 and isinstance(done, ReplyDone) and done.chat is not None
    assert done.chat.required_action is not None
    assert [c.id for c in done.chat.required_action.tool_calls] == ["c1"]


def test_unknown_tool_and_endless_tool_rounds_raise_local_plugin_error(server: ScriptServer) -> None:
    endless = [
        ("recv", "conversation.message.create"),
        ("send", requires_action(tool_call("c1", "lamp", {}))),
        ("recv", "conversation.chat.submit_tool_outputs"),
        ("send", requires_action(tool_call("c2", "lamp", {}))),
        ("idle", None),
    ]
    server.play([*opening(), *tool_turn(tool_call("c1", "door", {}))[:3], *endless])
    with VoiceChat(
        coze(server), bot_id="b1", tools={"lamp": lambda: "on"}, max_tool_rounds=1, options=FAST
    ) as chat:
        with pytest.raises(LocalPluginError, match="'door'"):
            list(chat.send_text("开门"))
        items: List[Any] = []
        with pytest.raises(LocalPluginError, match="after 1 rounds"):
            for item in chat.send_text("开灯"):
                items.append(item)
    assert items == [ReplyToolCall("lamp", {}, "on")]
    assert "conversation.chat.cancel" not in types_of(received(server))
    with pytest.raises(ValueError):
        VoiceChat(coze(server), bot_id="b1", max_tool_rounds=0)


def test_interrupted_during_a_tool_the_turn_ends_without_submitting(server: ScriptServer) -> None:
    server.play([*opening(), *tool_turn(tool_call("c1", "lamp", {}))[:3], ("idle", None)])
    with VoiceChat(coze(server), bot_id="b1", tools={"lamp": lambda: chat.interrupt()}, options=FAST) as chat:
        items = list(chat.send_text("开灯"))
    assert isinstance(items[0], ReplyToolCall)
    assert isinstance(items[-1], ReplyDone) and items[-1].canceled and len(items) == 2
    sent = types_of(received(server))
    assert "conversation.chat.submit_tool_outputs" not in sent and "conversation.chat.cancel" not in sent


def test_pcm_format_chunk_sizes_are_whole_frames() -> None:
    assert PCMFormat(16000).chunk_bytes(100) == 3200
    assert PCMFormat(44100, 2, 16).chunk_bytes(10) == 1764
    assert PCMFormat(8000, 1, 24).chunk_bytes(1) == 24
    with pytest.raises(ValueError):
        PCMFormat(16000, 3)


# -- parity -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sync", "asyn"),
    [
        (synthesize, asynthesize),
        (synthesize_stream, asynthesize_stream),
        (transcribe, atranscribe),
        (VoiceChat.__init__, AsyncVoiceChat.__init__),
        (VoiceChat.send_audio, AsyncVoiceChat.send_audio),
        (VoiceChat.send_text, AsyncVoiceChat.send_text),
        (VoiceChat.interrupt, AsyncVoiceChat.interrupt),
        (VoiceChat.connect, AsyncVoiceChat.connect),
        (VoiceChat.close, AsyncVoiceChat.close),
    ],
)
def test_every_sync_voice_helper_has_an_async_twin_with_the_same_parameters(sync: Any, asyn: Any) -> None:
    params = list(inspect.signature(sync).parameters.values())
    twin = list(inspect.signature(asyn).parameters.values())
    assert [(p.name, p.kind, p.default) for p in params][1:] == [(p.name, p.kind, p.default) for p in twin][
        1:
    ]
    assert params[0].name == twin[0].name


# -- against the emulator -------------------------------------------------------------------------------


@pytest.fixture
def emu(coze_emulator: Any) -> Any:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator


def test_emulator_speech_transcribes_back_and_a_voice_chat_answers_it(emu: Any, tmp_path: Path) -> None:
    client = Coze(TokenAuth(emu.token), emu.base_url)
    spoken = synthesize(client, "Hello from cozekit", tmp_path / "q.wav", sample_rate=16000)
    assert spoken.audio_bytes > 0 and spoken.transport == "websocket"
    partials: List[str] = []
    assert transcribe(client, tmp_path / "q.wav", on_partial=partials.append) == "Hello from cozekit"
    assert partials[-1] == "Hello from cozekit" and len(partials) > 1
    with VoiceChat(client, bot_id=emu.demo_bot_id, sample_rate=16000) as chat:
        items = list(chat.send_audio(tmp_path / "q.wav"))
        assert UserTranscript("Hello from cozekit", True) in items
        assert "Hello from cozekit" in "".join(i.text for i in items if isinstance(i, ReplyText))
        assert any(isinstance(i, ReplyAudio) for i in items) and isinstance(items[-1], ReplyDone)
        interrupted: List[Any] = []
        for item in chat.send_text("tell me a long story " * 10):
            interrupted.append(item)
            if isinstance(item, ReplyText):
                chat.interrupt()
        assert interrupted[-1] == ReplyDone(None, canceled=True)
        again = list(chat.send_text("again"))
        assert isinstance(again[-1], ReplyDone) and not again[-1].canceled


async def test_emulator_async_round_trip(emu: Any, tmp_path: Path) -> None:
    client = AsyncCoze(TokenAuth(emu.token), emu.base_url)
    await asynthesize(client, "async hello", tmp_path / "a.wav")
    assert await atranscribe(client, tmp_path / "a.wav") == "async hello"
    rest = await asynthesize(client, "by rest", tmp_path / "r.wav", transport="rest", voice_id=VOICE)
    assert rest.transport == "rest" and await atranscribe(client, tmp_path / "r.wav") == "by rest"
    async with AsyncVoiceChat(client, bot_id=emu.demo_bot_id) as chat:
        items = [item async for item in chat.send_audio(tmp_path / "a.wav")]
    assert "async hello" in "".join(i.text for i in items if isinstance(i, ReplyText))


def test_emulator_speaks_a_text_over_the_limit_in_pieces(emu: Any, tmp_path: Path) -> None:
    client = Coze(TokenAuth(emu.token), emu.base_url)
    text = " ".join(f"Sentence number {i} is here." for i in range(45))
    assert len(text.encode()) > 1200
    pcm = b"".join(synthesize_stream(client, text, sample_rate=16000))
    heard = []
    for piece in split_text(text):  # each piece is its own signal, one after the other
        size = len(tones.encode(piece, 16000))
        heard.append(tones.decode(pcm[:size], 16000))
        pcm = pcm[size:]
    assert heard == split_text(text) and len(heard) == 2 and pcm == b""


def test_emulator_voice_chat_answers_a_local_tool(emu: Any) -> None:
    client = Coze(TokenAuth(emu.token), emu.base_url)
    asked: List[Any] = []

    def get_weather(**arguments: Any) -> str:
        asked.append(arguments)
        return "sunny"

    with VoiceChat(client, bot_id=emu.demo_bot_id, tools={"get_weather": get_weather}) as chat:
        items = list(chat.send_text("call get_weather for Paris"))
    assert asked == [{"query": "call get_weather for Paris"}]
    assert [i for i in items if isinstance(i, ReplyToolCall)] == [
        ReplyToolCall("get_weather", {"query": "call get_weather for Paris"}, "sunny")
    ]
    answer = "".join(i.text for i in items if isinstance(i, ReplyText))
    assert answer == "Tool results: get_weather returned sunny."
    audio_pcm = b"".join(i.data for i in items if isinstance(i, ReplyAudio))
    assert tones.decode(audio_pcm, 24000) == answer
    done = items[-1]
    assert isinstance(done, ReplyDone) and done.chat is not None and done.chat.status == "completed"


async def test_emulator_async_voice_chat_answers_a_bot_s_own_tool(emu: Any) -> None:
    bot = emu.control.create_bot(name="Device", local_tools=[{"name": "open_door"}])
    client = AsyncCoze(TokenAuth(emu.token), emu.base_url)

    async def open_door(**arguments: Any) -> str:
        raise PermissionError("locked")

    async with AsyncVoiceChat(client, bot_id=bot, tools={"open_door": open_door}) as chat:
        items = [item async for item in chat.send_text("open_door please")]
    (call,) = [i for i in items if isinstance(i, ReplyToolCall)]
    assert isinstance(call.error, PermissionError)
    answer = "".join(i.text for i in items if isinstance(i, ReplyText))
    assert answer == f"Tool results: open_door returned {call.output}."
    assert isinstance(items[-1], ReplyDone) and not items[-1].canceled
