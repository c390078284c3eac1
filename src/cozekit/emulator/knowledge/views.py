"""Coze's views of knowledge objects: DocumentInfo, DocumentProgress and PhotoInfo (doc pages
list_knowledge_files, get_dataset_progress, get_images)."""

from __future__ import annotations

from typing import Any, Dict, List

from .ingest import FAILED


def render_document(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "document_id": doc["id"],
        "name": doc["name"],
        "char_count": doc["char_count"],
        "chunk_strategy": doc["chunk_strategy"],
        "create_time": doc["create_time"],
        "update_time": doc["update_time"],
        "format_type": doc["format_type"],
        "hit_count": doc["hit_count"],
        "size": doc["size"],
        "slice_count": doc["slice_count"],
        "source_type": doc["source_type"],
        "status": doc["status"],
        "type": doc["type"],
        "update_interval": doc["update_interval"],
        "update_type": doc["update_type"],
        "tos_uri": doc["tos_uri"],
    }


def document_url(doc: Dict[str, Any]) -> str:
    return doc.get("web_url") or f"/_emulator/knowledge/documents/{doc['id']}/content"


def render_progress(doc: Dict[str, Any]) -> Dict[str, Any]:
    out = {
        "document_id": doc["id"],
        "document_name": doc["name"],
        "url": document_url(doc),
        "size": doc["size"],
        "type": doc["type"],
        "status": doc["status"],
        "progress": doc["progress"],
        "update_type": doc["update_type"],
        "update_interval": doc["update_interval"],
        "remaining_time": doc["remaining_time"],
    }
    if doc["status"] == FAILED:
        out["status_descript"] = doc["status_descript"]
    return out


def render_photo(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "document_id": doc["id"],
        "name": doc["name"],
        "url": document_url(doc),
        "size": doc["size"],
        "type": doc["type"],
        "status": doc["status"],
        "caption": doc["caption"],
        "creator_id": doc["creator_id"],
        "create_time": doc["create_time"],
        "update_time": doc["update_time"],
        "source_type": doc["source_type"],
    }


def bot_dataset_ids(config: Dict[str, Any]) -> List[str]:
    """The knowledge bases a bot configuration (draft or published) recalls from."""
    return [str(i) for i in (config.get("knowledge") or {}).get("dataset_ids") or []]
