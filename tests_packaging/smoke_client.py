"""Run inside a packaging environment against a running emulator: one streamed chat, then the README's
workflow snippet, then speech as mp3 (it needs the `emulator` extra's encoder). Prints one line each."""

from __future__ import annotations

import sys

from cozekit import BadRequestError, ChatEventType, Coze, Message, TokenAuth

base_url, token, bot_id = sys.argv[1:4]
coze = Coze(auth=TokenAuth(token), base_url=base_url)

reply = []
for event in coze.chat.stream(
    bot_id=bot_id,
    user_id="user-1",
    additional_messages=[Message.build_user_question_text("hello from a wheel")],
):
    if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:
        reply.append(event.message.content)
    if event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED:
        print("chat completed:", "".join(reply))

done = coze.workflows.runs.stream_until_done(
    workflow_id="7000000000000000101", parameters={"city": "Hangzhou"}, on_interrupt=lambda event: "Saturday"
)
print("workflow:", done.output)

voice_id = next(iter(coze.audio.voices.list())).voice_id
try:
    mp3 = coze.audio.speech.create(input="hello", voice_id=voice_id)
    print("speech:", mp3.content_type, len(mp3.read()) > 0)
except BadRequestError as exc:
    print("speech error:", exc.msg)
