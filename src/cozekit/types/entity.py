"""Copying bots, apps and workflows within or across workspaces (copy tasks)."""

from __future__ import annotations

from typing import List, Optional

from pydantic import Field

from .._models import CozeModel, OpenEnum

__all__ = ["CopyTask", "CopyTaskFailedReason", "CopyTaskStatus", "CreateCopyTaskResp", "EntityType"]


class EntityType(OpenEnum):
    """What a copy task copies (`app`, `bot`, `workflow`), or a part of it that failed to copy."""

    APP = "app"
    BOT = "bot"
    WORKFLOW = "workflow"
    PLUGIN = "plugin"
    UI = "ui"
    KNOWLEDGE = "knowledge"
    DATABASE = "database"
    VARIABLE = "variable"
    TRIGGER = "trigger"
    PROMPT = "prompt"
    SHORTCUT = "shortcut"


class CopyTaskStatus(OpenEnum):
    IN_PROGRESS = "in_progress"
    SUCCESSFUL = "successful"
    FAILED = "failed"


class CreateCopyTaskResp(CozeModel):
    """A bot copied within its workspace is copied at once (`copied_entity_id`); any other copy runs
    in the background (`task_id`, for `copy_tasks.retrieve`)."""

    task_id: Optional[str] = None
    copied_entity_id: Optional[str] = None


class CopyTaskFailedReason(CozeModel):
    entity_id: Optional[str] = None
    entity_name: Optional[str] = None
    entity_type: Optional[EntityType] = None
    failed_reason: Optional[str] = None


class CopyTask(CozeModel):
    """A background copy and, once done, the copy's id and workspace."""

    task_id: str
    entity_type: Optional[EntityType] = None
    task_status: Optional[CopyTaskStatus] = None
    failed_reasons: List[CopyTaskFailedReason] = Field(default_factory=list)
    source_entity_id: Optional[str] = None
    target_entity_id: Optional[str] = None
    target_workspace_id: Optional[str] = None
