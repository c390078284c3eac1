"""Collaborators and collaboration mode of bots, apps and workflows."""

from __future__ import annotations

from .._models import CozeModel, OpenEnum

__all__ = [
    "CollaborationMode",
    "CreateCollaboratorResp",
    "DeleteCollaboratorResp",
    "SwitchCollaborationModeResp",
]


class CollaborationMode(OpenEnum):
    SINGLE = "single"
    """One developer; every collaborator must be removed before switching back to it."""
    COLLABORATION = "collaboration"
    """Several developers."""


class CreateCollaboratorResp(CozeModel):
    """The (empty) result of adding a collaborator."""


class DeleteCollaboratorResp(CozeModel):
    """The (empty) result of removing a collaborator."""


class SwitchCollaborationModeResp(CozeModel):
    """The (empty) result of switching the collaboration mode."""
