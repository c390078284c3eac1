"""Multimodal chat: upload an image, then ask about it in an object_string message."""

import os
import struct
import zlib

from cozekit import Coze, Message, MessageObjectString


def tiny_png() -> bytes:
    """A 1x1 red PNG, so the example needs no file on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


coze = Coze()
image = coze.files.upload(file=("red.png", tiny_png()))
print("uploaded:", image.id, image.file_name, image.bytes)

poll = coze.chat.create_and_poll(
    bot_id=os.environ["COZE_BOT_ID"],
    user_id="example-user",
    additional_messages=[
        Message.build_user_question_objects(
            [
                MessageObjectString.build_text("What is in this picture?"),
                MessageObjectString.build_image(file_id=image.id),
            ]
        )
    ],
)
print("answer:", poll.messages[0].content if poll.messages else None)
