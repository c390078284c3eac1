"""The user behind an access token (`users.me`)."""

from __future__ import annotations

from typing import Optional

from .._models import CozeModel

__all__ = ["User"]


class User(CozeModel):
    """A Coze user."""

    user_id: str
    user_name: Optional[str] = None
    nick_name: Optional[str] = None
    avatar_url: Optional[str] = None
