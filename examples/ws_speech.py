"""Text to speech over the WebSocket: into a WAV file as the audio arrives, then as a chunk stream.
Env: COZE_API_TOKEN, COZE_API_BASE, optional COZE_VOICE_ID."""

import os
import tempfile

from cozekit import Coze
from cozekit.lib import synthesize, synthesize_stream

coze = Coze()
voice_id = os.environ.get("COZE_VOICE_ID")  # None: the account's default voice
out = os.path.join(tempfile.mkdtemp(), "speech.wav")

# PCM streamed to disk; the WAV header is written first and its sizes patched at the end.
result = synthesize(coze, "Hello! This is cozekit speaking.", out, voice_id=voice_id, sample_rate=16000)
print(f"wrote {result.path}: {result.audio_bytes} bytes, {result.duration:.2f} s via {result.transport}")

# The same audio as chunks, e.g. to play while it is still being synthesized.
sizes = []
for chunk in synthesize_stream(coze, "And now chunk by chunk.", voice_id=voice_id, timeout=30):
    sizes.append(len(chunk))  # or player.write(chunk)
print(f"streamed {len(sizes)} chunks, {sum(sizes)} bytes")
