"""Apps (low-code projects) as the app list returns them."""

from __future__ import annotations

from typing import Optional

from .._models import CozeModel
from ._shared import OptionalTimestamp

__all__ = ["SimpleApp"]


class SimpleApp(CozeModel):
    """An app in a workspace's app list."""

    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    is_published: Optional[bool] = None
    owner_user_id: Optional[str] = None
    updated_at: OptionalTimestamp = None
    folder_id: Optional[str] = None
    published_at: OptionalTimestamp = None
