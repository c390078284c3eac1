"""Transcribe an audio file: pass a path, or let the example synthesize one first."""

import sys
import tempfile
from pathlib import Path

from cozekit import Coze
from cozekit.types.audio import AudioFormat

coze = Coze()
with tempfile.TemporaryDirectory() as folder:
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        voice = next(iter(coze.audio.voices.list(page_size=10)))
        path = Path(folder) / "question.wav"
        coze.audio.speech.create(
            input="The weather is nice today.", voice_id=voice.voice_id, response_format=AudioFormat.WAV
        ).write_to_file(path)
    result = coze.audio.transcriptions.create(file=path)  # streamed from disk
print("text:", result.text)
print("logid:", result.logid)
