"""A voice chat with a bot: speak a question (a WAV file), get the reply as text and audio, then
interrupt a second reply. Usage: ws_voice_chat.py [question.wav]; without a file, one is synthesized.
Env: COZE_API_TOKEN, COZE_API_BASE, COZE_BOT_ID, optional COZE_VOICE_ID."""

import os
import sys
import tempfile

from cozekit import Coze
from cozekit.lib import (
    AudioSink,
    PCMFormat,
    ReplyAudio,
    ReplyDone,
    ReplyText,
    UserTranscript,
    VoiceChat,
    synthesize,
)

coze = Coze()
workdir = tempfile.mkdtemp()
question = sys.argv[1] if len(sys.argv) > 1 else os.path.join(workdir, "question.wav")
if len(sys.argv) == 1:
    synthesize(coze, "What can you do?", question, sample_rate=16000)

with VoiceChat(
    coze,
    bot_id=os.environ["COZE_BOT_ID"],
    voice_id=os.environ.get("COZE_VOICE_ID"),
    user_id="example-user",
    sample_rate=24000,
    reply_timeout=60,
) as chat:
    reply = AudioSink(os.path.join(workdir, "reply.wav"), PCMFormat(24000))
    for item in chat.send_audio(question):
        if isinstance(item, UserTranscript) and item.final:
            print("you said:", item.text)
        elif isinstance(item, ReplyText):
            print(item.text, end="", flush=True)
        elif isinstance(item, ReplyAudio):
            reply.write(item.data)  # or play it
        elif isinstance(item, ReplyDone):
            usage = item.chat.usage if item.chat is not None else None
            print(f"\n[done: {usage.token_count if usage else 0} tokens]")
    reply.finish()
    print(f"reply audio: {reply.audio_bytes} bytes in {reply.path}")

    # Interrupt a reply as soon as it starts (as a user talking over the bot would).
    for item in chat.send_text("Tell me a long story."):
        if isinstance(item, ReplyText):
            chat.interrupt()
        elif isinstance(item, ReplyDone):
            print("interrupted:", item.canceled)
