"""Speech to text over the WebSocket, with partial results as they come.
Usage: ws_transcription.py [audio.wav]; without a file, one is synthesized first.
Env: COZE_API_TOKEN, COZE_API_BASE."""

import os
import sys
import tempfile

from cozekit import Coze
from cozekit.lib import synthesize, transcribe

coze = Coze()
if len(sys.argv) > 1:
    path = sys.argv[1]
else:
    path = os.path.join(tempfile.mkdtemp(), "question.wav")
    synthesize(coze, "The weather is nice today.", path, sample_rate=16000)

# A .wav brings its own format; raw PCM files or chunk iterators take sample_rate=/channels=/bit_depth=.
# pace=0.1 with chunk_ms=100 would send in real time, like a microphone.
text = transcribe(coze, path, chunk_ms=100, on_partial=lambda partial: print("partial:", partial), timeout=30)
print("text:", text)
