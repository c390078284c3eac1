"""Channels (connectors): installing one in a workspace, binding device configs, and review results."""

from __future__ import annotations

from typing import List

from .._models import CozeModel
from ._shared import OpenIntEnum

__all__ = [
    "AuditStatus",
    "BindConnectorUserConfigResp",
    "InstallConnectorResp",
    "UpdateConnectorBotResp",
    "UserConfig",
    "UserConfigEnum",
]


class AuditStatus(OpenIntEnum):
    """A channel's review of a published bot."""

    PENDING = 1
    APPROVED = 2
    REJECTED = 3


class UserConfigEnum(CozeModel):
    """One device: its display name and id."""

    label: str
    value: str


class UserConfig(CozeModel):
    """Devices bound under one configuration key (e.g. `device_id`)."""

    key: str
    enums: List[UserConfigEnum]


class InstallConnectorResp(CozeModel):
    """The (empty) result of adding a channel to a workspace."""


class BindConnectorUserConfigResp(CozeModel):
    """The (empty) result of binding device configs to a channel."""


class UpdateConnectorBotResp(CozeModel):
    """The (empty) result of reporting a bot's review result."""
