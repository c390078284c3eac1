"""Multipart forms for the audio routes: one optional file part plus plain fields."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from fastapi import Request
from starlette.datastructures import UploadFile

from .core.errors import bad_request


async def read_form(request: Request, file_required: bool = True) -> Tuple[Optional[bytes], Dict[str, str]]:
    """(`file` bytes or None, the other fields as strings); 4000 when the body is not multipart."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise bad_request("send multipart/form-data")
    form = await request.form()
    data: Optional[bytes] = None
    fields: Dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key != "file":
                raise bad_request(f"the audio must be in the part named file, not {key!r}")
            data = await value.read()
        else:
            fields[key] = value
    if file_required and data is None:
        raise bad_request("file is required")
    return data, fields


def int_field(fields: Dict[str, str], name: str) -> Optional[int]:
    raw = fields.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
