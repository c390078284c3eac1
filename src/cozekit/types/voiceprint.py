"""Voiceprint groups, their features (enrolled speakers) and speaker identification. Names follow cozepy."""

from __future__ import annotations

from typing import List, Optional

from .._models import CozeModel
from ._shared import OptionalTimestamp

__all__ = [
    "CreateVoicePrintGroupFeatureResp",
    "CreateVoicePrintGroupResp",
    "DeleteVoicePrintGroupFeatureResp",
    "DeleteVoicePrintGroupResp",
    "FeatureScore",
    "SpeakerIdentifyResp",
    "UpdateVoicePrintGroupFeatureResp",
    "UpdateVoicePrintGroupResp",
    "UserInfo",
    "VoicePrintGroup",
    "VoicePrintGroupFeature",
]


class UserInfo(CozeModel):
    id: str = ""
    name: str = ""
    nickname: str = ""
    avatar_url: str = ""


class VoicePrintGroup(CozeModel):
    id: str
    name: str = ""
    desc: str = ""
    icon_url: str = ""
    feature_count: int = 0
    user_info: Optional[UserInfo] = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None


class VoicePrintGroupFeature(CozeModel):
    """One enrolled speaker sample in a group."""

    id: str
    group_id: str = ""
    name: str = ""
    desc: str = ""
    icon_url: str = ""
    audio_url: str = ""
    user_info: Optional[UserInfo] = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None


class CreateVoicePrintGroupResp(CozeModel):
    id: str


class UpdateVoicePrintGroupResp(CozeModel):
    pass


class DeleteVoicePrintGroupResp(CozeModel):
    pass


class CreateVoicePrintGroupFeatureResp(CozeModel):
    id: str


class UpdateVoicePrintGroupFeatureResp(CozeModel):
    pass


class DeleteVoicePrintGroupFeatureResp(CozeModel):
    pass


class FeatureScore(CozeModel):
    """How well a sample matches one feature: `score` 0–100."""

    feature_id: str = ""
    feature_name: str = ""
    feature_desc: str = ""
    score: float = 0.0


class SpeakerIdentifyResp(CozeModel):
    feature_score_list: List[FeatureScore] = []
