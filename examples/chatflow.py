"""Chat with a chatflow: three turns in one conversation, streamed as chat events; the last one sends a
photo (uploaded first) together with text.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_CHATFLOW_ID (a published chatflow; against the emulator:
`cozekit serve --example-workflows`, id 7000000000000000103).
"""

import os
import struct
import zlib
from typing import Optional

from cozekit import ChatEventType, Coze, Message, MessageObjectString


def tiny_png() -> bytes:
    """A 1x1 grey PNG standing in for a photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\x80"))
        + chunk(b"IEND", b"")
    )


coze = Coze()
workflow_id = os.environ["COZE_CHATFLOW_ID"]
conversation_id: Optional[str] = None
photo = coze.files.upload(file=("printer.png", tiny_png()))

said = ["My printer is offline.", "It still does not work.", "This is its display:"]
turns = [Message.build_user_question_text(text) for text in said[:2]]
turns.append(  # multimodal: text plus the uploaded image
    Message.build_user_question_objects(
        [MessageObjectString.build_text(said[2]), MessageObjectString.build_image(file_id=photo.id)]
    )
)
for text, message in zip(said, turns):
    print("user:", text)
    print("bot: ", end="")
    events = coze.workflows.chat.stream(
        workflow_id=workflow_id, conversation_id=conversation_id, additional_messages=[message]
    )
    with events:
        for event in events:
            if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and event.message is not None:
                print(event.message.content, end="", flush=True)
            elif event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED and event.chat is not None:
                conversation_id = event.chat.conversation_id  # the next turn continues it
                usage = event.chat.usage
                print(f"\n[turn done: {usage.token_count if usage else 0} tokens]")
