"""Control-plane faults on the emulator's WebSockets, seen through cozekit: a refused handshake, an
error event mid-session, and a dropped connection that the reconnect policy recovers from."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cozekit import APITimeoutError, Coze, CozeAPIError, PermissionDeniedError, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import tones
from cozekit.websockets import ReconnectPolicy, WebsocketsOptions

from ..wsutil import FAST, SPEECH_EVENTS, Recorder


def coze(emu: ThreadedEmulator) -> Coze:
    return Coze(TokenAuth(emu.token), emu.base_url)


def test_handshake_refused_by_a_fault(emu: ThreadedEmulator) -> None:
    emu.control.fault("http_error", path="/v1/audio/speech", status=403, code=4101, msg="no permission")
    client = coze(emu).websockets.audio.speech.create(options=FAST)
    with pytest.raises(PermissionDeniedError) as err:
        client.connect()
    assert err.value.code == 4101 and err.value.logid
    with coze(emu).websockets.audio.speech.create(options=FAST) as again:  # the fault was used up
        again.wait(["speech.created"], timeout=5)


def test_error_event_mid_session(emu: ThreadedEmulator) -> None:
    emu.control.fault(
        "stream_error", path="/v1/audio/transcriptions", after_events=1, code=5001, msg="asr down"
    )
    with coze(emu).websockets.audio.transcriptions.create(options=FAST) as asr:
        asr.transcriptions_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        with pytest.raises(CozeAPIError) as err:
            asr.wait(["transcriptions.updated"], timeout=5)
    assert (err.value.code, err.value.msg) == (5001, "asr down")


def test_dropped_connection_is_recovered(emu: ThreadedEmulator) -> None:
    emu.control.fault("drop", path="/v1/audio/speech", after_events=1)
    rec = Recorder(SPEECH_EVENTS)
    reconnected = threading.Event()
    handlers: Any = {**rec.handlers, "reconnected": lambda cli, *_: reconnected.set()}
    options = WebsocketsOptions(
        connect_timeout=5, wait_timeout=10, reconnect=ReconnectPolicy(max_attempts=2, initial_delay=0.01)
    )
    with coze(emu).websockets.audio.speech.create(on_event=handlers, options=options) as tts:
        tts.speech_update({"output_audio": {"pcm_config": {"sample_rate": 8000}}})
        assert reconnected.wait(10)
        tts.wait(["speech.updated"], timeout=10)  # the configuration was sent again on the new socket
        tts.input_text_buffer_append({"delta": "after the drop"})
        tts.input_text_buffer_complete()
        tts.wait(timeout=10)
    audio = b"".join(e.data.delta for e in rec.of("speech.audio.update"))
    assert tones.decode(audio, 8000) == "after the drop"
    assert rec.types().count("speech.created") == 2


def test_wait_on_a_silent_session_times_out(emu: ThreadedEmulator) -> None:
    with coze(emu).websockets.audio.transcriptions.create(options=FAST) as asr:
        asr.input_audio_buffer_append({"delta": b"\0\0" * 100})
        with pytest.raises(APITimeoutError):
            asr.wait(timeout=0.2)  # no complete was sent, so no transcription ever comes
