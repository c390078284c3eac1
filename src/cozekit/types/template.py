"""Templates: duplicating a store template into a workspace."""

from __future__ import annotations

from .._models import CozeModel, OpenEnum

__all__ = ["TemplateDuplicateResp", "TemplateEntityType"]


class TemplateEntityType(OpenEnum):
    """What a template makes: an `agent` (a bot) or, for app templates, an `app`."""

    AGENT = "agent"
    APP = "app"


class TemplateDuplicateResp(CozeModel):
    """The copy: its id (a bot id for `agent`) and what it is."""

    entity_id: str
    entity_type: TemplateEntityType
