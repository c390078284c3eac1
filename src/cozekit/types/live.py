"""Live streams of a simultaneous-interpretation broadcast (`audio.live.retrieve`)."""

from __future__ import annotations

from typing import List

from pydantic import Field

from .._models import CozeModel, OpenEnum

__all__ = ["LiveInfo", "LiveType", "StreamInfo"]


class LiveType(OpenEnum):
    """The original audio, or one of its translations."""

    ORIGIN = "origin"
    TRANSLATION = "translation"


class StreamInfo(CozeModel):
    stream_id: str
    name: str
    live_type: LiveType


class LiveInfo(CozeModel):
    """A live broadcast: the RTC app it runs in and its streams."""

    app_id: str
    stream_infos: List[StreamInfo] = Field(default_factory=list)
