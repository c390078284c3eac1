"""User variables of a published bot or app, per end user."""

from __future__ import annotations

from .._models import CozeModel
from ._shared import Timestamp

__all__ = ["UpdateVariableResp", "VariableValue"]


class VariableValue(CozeModel):
    """One user variable's value; `create_time` 0 means it still holds its default. To set values, only
    `keyword` and `value` count."""

    keyword: str
    value: str
    create_time: Timestamp = 0
    update_time: Timestamp = 0


class UpdateVariableResp(CozeModel):
    """The (empty) result of setting user variables."""
