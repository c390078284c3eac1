"""Voices: clone a voice from a recording, find it in the voice list, speak with it into a file, and
transcribe that file back to text.

Env: COZE_API_TOKEN, COZE_API_BASE; optional COZE_WORKSPACE_ID (where the clone is kept) and a recording
of 10-30 s as the first argument (without one, a system voice reads a sample to clone)."""

import os
import sys
import tempfile
from pathlib import Path

from cozekit import Coze
from cozekit.types.audio import AudioFormat

coze = Coze()
folder = Path(tempfile.mkdtemp())

# The recording to clone: yours, or a system voice reading a sample.
if len(sys.argv) > 1:
    recording = Path(sys.argv[1])
else:
    system_voice = next(iter(coze.audio.voices.list(page_size=10)))
    recording = folder / "sample.wav"
    coze.audio.speech.create(
        input="This is my voice. I read this text so that it can be cloned.",
        voice_id=system_voice.voice_id,
        response_format=AudioFormat.WAV,
    ).write_to_file(recording)

# Clone: the recording is streamed from disk; the answer is the new voice's id.
cloned = coze.audio.voices.clone(
    voice_name="my voice",
    file=recording,
    audio_format=AudioFormat.WAV,
    language="en",
    space_id=os.environ.get("COZE_WORKSPACE_ID"),
)
print("cloned:", cloned.voice_id)

# List the account's own voices only (filter_system_voice); iterating walks every page.
for voice in coze.audio.voices.list(filter_system_voice=True):
    print("my voice:", voice.name, voice.voice_id, "system" if voice.is_system_voice else "cloned")

# Speak with the clone, straight into a file.
speech_file = folder / "greeting.mp3"
speech = coze.audio.speech.create(
    input="The weather is nice today.", voice_id=cloned.voice_id, response_format=AudioFormat.MP3
)
print("saved:", speech.write_to_file(speech_file), "bytes of", speech.content_type)

# And back to text.
print("transcript:", coze.audio.transcriptions.create(file=speech_file).text)
