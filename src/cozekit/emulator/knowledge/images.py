"""Image documents: the format and size read from the file header, and a deterministic auto caption."""

from __future__ import annotations

import os
import struct
from typing import Optional, Tuple

IMAGE_TYPES = frozenset(
    ("jpg", "jpeg", "jpg2", "png", "gif", "webp", "heic", "heif", "bmp", "pcd", "tif", "tiff")
)


def image_size(data: bytes) -> Optional[Tuple[str, int, int]]:
    """`(format, width, height)` for PNG, GIF, BMP and JPEG headers; None otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return "PNG", w, h
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return "GIF", w, h
    if data[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return "BMP", w, abs(h)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> Optional[Tuple[str, int, int]]:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return "JPEG", w, h
        i += 2 + length
    return None


def auto_caption(name: str, data: bytes) -> str:
    """What the emulator's "system" captioner says: the name's words, the format and the size."""
    words = os.path.splitext(os.path.basename(name))[0].replace("_", " ").replace("-", " ").strip()
    found = image_size(data)
    if found is None:
        return f"An image: {words}" if words else "An image"
    kind, w, h = found
    return f"A {w}x{h} {kind} image: {words}" if words else f"A {w}x{h} {kind} image"
