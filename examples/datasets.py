"""Knowledge base management: create, list, update and delete knowledge bases; upload a text document and
an image; caption the image by hand. (knowledge_base.py shows a bot answering from one.)

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_WORKSPACE_ID."""

import os
import struct
import zlib

from cozekit import Coze
from cozekit.types.document import (
    DocumentBase,
    DocumentCaptionType,
    DocumentChunkStrategy,
    DocumentFormatType,
)


def tiny_png() -> bytes:
    """A 1x1 blue PNG, so the example needs no image on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\xff"))
        + chunk(b"IEND", b"")
    )


coze = Coze()
space_id = os.environ["COZE_WORKSPACE_ID"]

# Create a text knowledge base and an image one.
notes = coze.datasets.create(
    name="Team notes", space_id=space_id, format_type=DocumentFormatType.DOCUMENT, description="draft"
)
photos = coze.datasets.create(name="Team photos", space_id=space_id, format_type=DocumentFormatType.IMAGE)
print("created:", notes.dataset_id, photos.dataset_id)

# Rename one (update replaces name, description and icon together).
coze.datasets.update(dataset_id=notes.dataset_id, name="Team handbook", description="how we work")

# List the workspace's knowledge bases: every page, or only the image ones, or by name.
for dataset in coze.datasets.list(space_id=space_id):
    print(f"dataset: {dataset.name} ({dataset.format_type.name.lower()}) {dataset.description!r}")
found = coze.datasets.list(space_id=space_id, name="handbook").items
print("found by name:", [d.name for d in found])

# A text document from bytes (a path works too), then wait until it is split into slices.
docs = coze.datasets.documents.create(
    dataset_id=notes.dataset_id,
    document_bases=[
        DocumentBase.build_local_file(b"Stand-up is at ten.\n\nReviews happen on Fridays.", name="rules.txt")
    ],
    chunk_strategy=DocumentChunkStrategy.build_custom(max_tokens=100, separator="\n\n"),
)
coze.datasets.wait_for_processing(dataset_id=notes.dataset_id, document_ids=docs, poll_interval=0.2)
for doc in coze.datasets.documents.list(dataset_id=notes.dataset_id):
    print("document:", doc.name, "slices:", doc.slice_count)

# An image: upload the file, add it with manual captions, then write its caption.
image = coze.files.upload(file=("whiteboard.png", tiny_png()))
added = coze.datasets.documents.create(
    dataset_id=photos.dataset_id,
    format_type=DocumentFormatType.IMAGE,
    document_bases=[DocumentBase.build_image(image.id, name="whiteboard.png")],
    chunk_strategy=DocumentChunkStrategy.build_image(caption_type=DocumentCaptionType.MANUAL),
)
coze.datasets.wait_for_processing(dataset_id=photos.dataset_id, document_ids=added, poll_interval=0.2)
coze.datasets.images.update(
    dataset_id=photos.dataset_id,
    document_id=added[0].document_id,
    caption="The sprint plan on the whiteboard",
)
for photo in coze.datasets.images.list(dataset_id=photos.dataset_id, has_caption=True):
    print("image:", photo.name, "caption:", photo.caption)

# Delete both (their documents go with them).
for dataset_id in (notes.dataset_id, photos.dataset_id):
    coze.datasets.delete(dataset_id=dataset_id)
print("left:", [d.name for d in coze.datasets.list(space_id=space_id)])
