"""Simultaneous interpretation over the WebSocket: stream speech (16 kHz PCM) in, and get its transcript,
its translation and the translation spoken, sentence by sentence.
Env: COZE_API_TOKEN, COZE_API_BASE."""

from typing import List

from cozekit import (
    Coze,
    SimultInterpretationAudioDeltaEvent,
    SimultInterpretationTranscriptionDeltaEvent,
    SimultInterpretationTranslationDeltaEvent,
)
from cozekit.lib import synthesize_stream
from cozekit.websockets import WebsocketsAudioSimultInterpretationEventHandler

RATE = 16000
coze = Coze()
# Something to interpret: speech made by Coze itself (in a real app, a microphone's PCM).
speech = b"".join(synthesize_stream(coze, "Good morning. The weather is nice today.", sample_rate=RATE))


class Printer(WebsocketsAudioSimultInterpretationEventHandler):
    def __init__(self) -> None:
        self.transcript = ""
        self.translation = ""
        self.audio: List[bytes] = []

    def on_simult_interpretation_transcription_delta(
        self, cli: object, event: SimultInterpretationTranscriptionDeltaEvent
    ) -> None:
        self.transcript += event.data.delta

    def on_simult_interpretation_translation_delta(
        self, cli: object, event: SimultInterpretationTranslationDeltaEvent
    ) -> None:
        self.translation += event.data.delta
        print("translated so far:", self.translation)

    def on_simult_interpretation_audio_delta(
        self, cli: object, event: SimultInterpretationAudioDeltaEvent
    ) -> None:
        self.audio.append(event.data.delta)


printer = Printer()
with coze.websockets.audio.simult_interpretation.create(on_event=printer) as session:
    session.simult_interpretation_update(
        {
            "input_audio": {
                "format": "pcm",
                "codec": "pcm",
                "sample_rate": RATE,
                "channel": 1,
                "bit_depth": 16,
            },
            "output_audio": {"codec": "pcm", "pcm_config": {"sample_rate": RATE}},
            "translate_config": {
                "from": "en",
                "to": "zh",
                "glossary": [{"original": "weather", "translation": "天气"}],
            },
        }
    )
    chunk = RATE * 2 // 10  # 100 ms of 16-bit mono PCM
    for start in range(0, len(speech), chunk):
        session.input_audio_buffer_append({"delta": speech[start : start + chunk]})
    session.input_audio_buffer_complete()
    session.wait(timeout=60)  # simult_interpretation.message.completed

print("transcript:", printer.transcript)
print("translation:", printer.translation)
audio = b"".join(printer.audio)  # play it, or stream it on as it arrives
print("spoken translation:", len(audio), "bytes of", RATE, "Hz PCM")
