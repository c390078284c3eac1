"""Knowledge bases: create one, upload a file and an image, wait with a progress callback, then chat
with a bot that answers from it."""

import os
import struct
import tempfile
import zlib
from typing import List

from cozekit import Coze, Message, MessageType
from cozekit.types import BotKnowledge
from cozekit.types.dataset import DocumentProgress
from cozekit.types.document import DocumentBase, DocumentChunkStrategy, DocumentFormatType

FAQ = """Opening hours: the shop opens at nine and closes at six, Monday to Saturday.

Returns: unused items can be returned within thirty days for a full refund.

Delivery: orders above fifty euros ship for free within three working days."""


def tiny_png() -> bytes:
    """A 2x2 grey PNG, so the example needs no image on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    rows = b"\x00\x80\x80" * 2
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def show(progress: List[DocumentProgress]) -> None:
    print("progress:", ", ".join(f"{p.document_name} {p.progress}%" for p in progress))


coze = Coze()
space_id = os.environ["COZE_WORKSPACE_ID"]

# A text knowledge base with one local file, streamed from disk and split at blank lines.
text_kb = coze.datasets.create(name="Shop FAQ", space_id=space_id, format_type=DocumentFormatType.DOCUMENT)
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "faq.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(FAQ)
    docs = coze.datasets.documents.create(
        dataset_id=text_kb.dataset_id,
        document_bases=[DocumentBase.build_local_file(path)],
        chunk_strategy=DocumentChunkStrategy.build_custom(max_tokens=100, separator="\n\n"),
    )
coze.datasets.wait_for_processing(
    dataset_id=text_kb.dataset_id, document_ids=docs, on_progress=show, poll_interval=0.2
)
for doc in coze.datasets.documents.list(dataset_id=text_kb.dataset_id):
    print("document:", doc.name, "slices:", doc.slice_count)

# An image knowledge base: upload the image as a file, then add it with an automatic caption.
image_kb = coze.datasets.create(name="Shop photos", space_id=space_id, format_type=DocumentFormatType.IMAGE)
image = coze.files.upload(file=("storefront.png", tiny_png()))
images = coze.datasets.documents.create(
    dataset_id=image_kb.dataset_id,
    format_type=DocumentFormatType.IMAGE,
    document_bases=[DocumentBase.build_image(image.id, name="storefront.png")],
)
coze.datasets.wait_for_processing(
    dataset_id=image_kb.dataset_id, document_ids=images, on_progress=show, poll_interval=0.2
)
for photo in coze.datasets.images.list(dataset_id=image_kb.dataset_id):
    print("image:", photo.name, "caption:", photo.caption)

# A bot that recalls from the text knowledge base.
bot = coze.bots.create(space_id=space_id, name="Shop helper")
coze.bots.update(bot_id=bot.bot_id, knowledge=BotKnowledge(dataset_ids=[text_kb.dataset_id]))
coze.bots.publish(bot_id=bot.bot_id)
poll = coze.chat.create_and_poll(
    bot_id=bot.bot_id,
    user_id="example-user",
    additional_messages=[Message.build_user_question_text("Can I get a refund for a return?")],
)
for message in poll.messages or []:
    if message.type == MessageType.KNOWLEDGE:
        print("recalled:", message.content.strip())
    elif message.type == MessageType.ANSWER:
        print("answer:", message.content)

coze.datasets.delete(dataset_id=text_kb.dataset_id)
coze.datasets.delete(dataset_id=image_kb.dataset_id)
