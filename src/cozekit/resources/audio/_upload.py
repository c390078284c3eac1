"""Size checks for audio uploads (Coze takes at most 10 MB), made before any I/O."""

from __future__ import annotations

import os
from typing import Optional

from ..files import FileInput

__all__ = ["MAX_AUDIO_BYTES", "check_audio_size"]

MAX_AUDIO_BYTES = 10 * 1024 * 1024


def _size(file: FileInput) -> Optional[int]:
    if isinstance(file, tuple):
        file = file[1]
    if isinstance(file, (bytes, bytearray)):
        return len(file)
    if isinstance(file, (str, os.PathLike)) and os.path.isfile(file):
        return os.path.getsize(file)
    return None


def check_audio_size(file: FileInput, limit: int = MAX_AUDIO_BYTES) -> None:
    size = _size(file)
    if size is not None and size > limit:
        raise ValueError(f"audio file is {size} bytes; Coze accepts at most {limit} (10 MB)")
