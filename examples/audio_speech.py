"""Pick a voice and synthesize speech straight to a WAV file (streamed to disk, never buffered whole)."""

import tempfile
from pathlib import Path

from cozekit import Coze
from cozekit.types.audio import AudioFormat

coze = Coze()
voice = next(iter(coze.audio.voices.list(page_size=10)))
print("voice:", voice.name, voice.voice_id, voice.language_code)
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "hello.wav"
    response = coze.audio.speech.create(
        input="Hello from cozekit!",
        voice_id=voice.voice_id,
        response_format=AudioFormat.WAV,
        sample_rate=16000,
    )
    written = response.write_to_file(path)
    print("saved:", written, "bytes of", response.content_type, "logid:", response.logid)
