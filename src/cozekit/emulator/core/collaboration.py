"""Multi-developer mode of a bot, workflow or app document: its `collaboration_mode` and `collaborators`
(one user added per call; the owner is never listed)."""

from __future__ import annotations

from typing import Any, Dict, List

from .errors import bad_request, not_found

__all__ = ["add_collaborator", "collaborator_to_add", "remove_collaborator", "set_collaboration_mode"]


def collaborator_to_add(doc: Dict[str, Any], what: str, user_ids: List[str]) -> str:
    """The one user a call adds to `doc`, which must be in collaboration mode (`what` names it)."""
    if len(user_ids) != 1:
        raise bad_request("collaborators takes exactly one user per call")
    if doc.get("collaboration_mode", "single") != "collaboration":
        raise bad_request(f"{what} is in single-user mode; switch to collaboration first")
    return user_ids[0]


def add_collaborator(doc: Dict[str, Any], user_id: str, owner_id: str) -> bool:
    """List `user_id` as a collaborator; False (nothing changed) for the owner or one already listed."""
    if user_id in doc.setdefault("collaborators", []) or user_id == owner_id:
        return False
    doc["collaborators"].append(user_id)
    return True


def remove_collaborator(doc: Dict[str, Any], user_id: str) -> None:
    if user_id not in doc.get("collaborators", []):
        raise not_found("collaborator user_id", user_id)
    doc["collaborators"].remove(user_id)


def set_collaboration_mode(doc: Dict[str, Any], mode: str) -> None:
    """`single` only once no collaborator is left."""
    if mode not in ("single", "collaboration"):
        raise bad_request("collaboration_mode must be single or collaboration")
    if mode == "single" and doc.get("collaborators"):
        raise bad_request("remove all collaborators before switching to single-user mode")
    doc["collaboration_mode"] = mode
