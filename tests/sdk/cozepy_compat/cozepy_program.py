"""A cozepy 0.20.0 program, written against cozepy's API only. The test runs it with `cozepy` resolved to
cozekit (tests/sdk/cozepy_compat/shim on PYTHONPATH) against the emulator, and checks what it prints.

Reads COZE_API_BASE, COZE_API_TOKEN, COZE_WORKSPACE_ID, COZE_BOT_ID, COZE_WORKFLOW_ID; argv[1] is a file
to upload and argv[2] a folder to write audio to.
"""

import asyncio
import logging
import os
import sys
import wave

from cozepy import (
    AsyncCoze,
    AsyncTokenAuth,
    AsyncWebsocketsAudioSpeechClient,
    AsyncWebsocketsAudioSpeechEventHandler,
    ChatEventType,
    ConversationMessageCreateEvent,
    Coze,
    InputTextBufferAppendEvent,
    Message,
    TokenAuth,
    WebsocketsChatClient,
    WebsocketsChatEventHandler,
    WorkflowEventType,
    setup_logging,
)
from cozepy.log import log_info
from cozepy.util import write_pcm_to_wav_file

setup_logging(logging.DEBUG)

base_url = os.environ["COZE_API_BASE"]
token = os.environ["COZE_API_TOKEN"]
workspace_id = os.environ["COZE_WORKSPACE_ID"]
bot_id = os.environ["COZE_BOT_ID"]
workflow_id = os.environ["COZE_WORKFLOW_ID"]
upload_path, audio_dir = sys.argv[1], sys.argv[2]

coze = Coze(auth=TokenAuth(token=token), base_url=base_url)

# Lists, with the logid of each response.
bots = coze.bots.list(space_id=workspace_id, page_size=10)
print(
    "bots:",
    [bot.bot_name for bot in bots.items],
    "has_more:",
    bots.has_more,
    "logid:",
    bool(bots.response.logid),
)
workspaces = coze.workspaces.list()
print("workspaces:", [w.id for w in workspaces], "logid:", bool(workspaces.response.logid))

# A streamed chat.
answer = ""
chat_stream = coze.chat.stream(
    bot_id=bot_id, user_id="user", additional_messages=[Message.build_user_question_text("hello")]
)
for event in chat_stream:
    if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:
        answer += event.message.content
    if event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED:
        print("chat:", answer, "| tokens:", event.chat.usage.token_count > 0)
print("chat stream logid:", bool(chat_stream.response.logid))


# A streamed workflow that asks a question, answered by resuming.
def handle_workflow_iterator(stream) -> None:
    for event in stream:
        if event.event == WorkflowEventType.MESSAGE:
            print("workflow message:", event.message.node_title, event.message.content)
        elif event.event == WorkflowEventType.ERROR:
            print("workflow error:", event.error)
        elif event.event == WorkflowEventType.INTERRUPT:
            print("workflow interrupt:", event.interrupt.interrupt_data.type)
            handle_workflow_iterator(
                coze.workflows.runs.resume(
                    workflow_id=workflow_id,
                    event_id=event.interrupt.interrupt_data.event_id,
                    resume_data="Tuesday",
                    interrupt_type=event.interrupt.interrupt_data.type,
                )
            )


workflow_stream = coze.workflows.runs.stream(workflow_id=workflow_id, parameters={"city": "Lima"})
handle_workflow_iterator(workflow_stream)
print("stream logid:", bool(workflow_stream.response.logid))

# An upload from a path.
file = coze.files.upload(file=upload_path)
print("uploaded:", file.file_name, file.bytes, "logid:", bool(file.response.logid))


# A WebSocket chat, with a handler class.
class ChatHandler(WebsocketsChatEventHandler):
    def __init__(self) -> None:
        self.text = ""

    def on_conversation_message_delta(self, cli: WebsocketsChatClient, event) -> None:
        self.text += event.data.content

    def on_conversation_chat_completed(self, cli: WebsocketsChatClient, event) -> None:
        log_info("websocket chat completed")
        print("websocket chat:", self.text)


chat = coze.websockets.chat.create(bot_id=bot_id, on_event=ChatHandler())
with chat() as client:
    client.conversation_message_create(
        ConversationMessageCreateEvent.Data.model_validate(
            {"role": "user", "content_type": "text", "content": "hi"}
        )
    )
    client.wait()


# The async client: an async auth, async pagers and streams, WebSocket speech to a WAV file.
class SpeechHandler(AsyncWebsocketsAudioSpeechEventHandler):
    def __init__(self) -> None:
        self.audio = []

    async def on_speech_audio_update(self, cli: AsyncWebsocketsAudioSpeechClient, event) -> None:
        self.audio.append(event.data.delta)

    async def on_speech_audio_completed(self, cli: AsyncWebsocketsAudioSpeechClient, event) -> None:
        write_pcm_to_wav_file(b"".join(self.audio), os.path.join(audio_dir, "speech.wav"))


async def main() -> None:
    acoze = AsyncCoze(auth=AsyncTokenAuth(token), base_url=base_url)
    bots = await acoze.bots.list(space_id=workspace_id)
    print("async bots:", [bot.bot_name async for bot in bots], "logid:", bool(bots.response.logid))
    text = ""
    async for event in acoze.chat.stream(
        bot_id=bot_id, user_id="user", additional_messages=[Message.build_user_question_text("again")]
    ):
        if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:
            text += event.message.content
    print("async chat:", text)
    handler = SpeechHandler()
    speech = acoze.websockets.audio.speech.create(on_event=handler)
    async with speech() as client:
        await client.input_text_buffer_append(
            InputTextBufferAppendEvent.Data.model_validate({"delta": "hello there"})
        )
        await client.input_text_buffer_complete()
        await client.wait()
    with wave.open(os.path.join(audio_dir, "speech.wav"), "rb") as wav:
        print("speech:", wav.getframerate(), "Hz", wav.getnframes() > 0)


asyncio.run(main())
print("done")
