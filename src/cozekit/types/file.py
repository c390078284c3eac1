"""Uploaded files."""

from __future__ import annotations

from typing import Optional

from .._models import CozeModel
from ._shared import OptionalTimestamp

__all__ = ["File"]


class File(CozeModel):
    """A file uploaded with `files.upload`; use its `id` in object_string messages.

    Files are kept for three months; there is no download API.
    """

    id: str
    bytes: Optional[int] = None
    """Size in bytes."""
    created_at: OptionalTimestamp = None
    file_name: Optional[str] = None
