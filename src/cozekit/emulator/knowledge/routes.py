"""Knowledge bases (doc pages create_dataset, create_knowledge_files, get_images): datasets under
/v1/datasets, documents under /open_api/knowledge/document/*, images under /v1/datasets/{id}/images.
Thin: the backend holds the rules."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..core.base import Account
from ..core.errors import bad_request
from ..routing import IdStr, blank, current_account, ok, state_of

router = APIRouter(tags=["knowledge"])
AGW_JS_CONV = "agw-js-conv"


class DatasetIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Any = None
    space_id: IdStr = ""
    format_type: Any = None
    description: Optional[str] = None
    file_id: Optional[IdStr] = None


class DatasetUpdateIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Any = None
    description: Optional[str] = None
    file_id: Optional[IdStr] = None


class DocumentIdsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    document_ids: List[IdStr] = []


class DocumentsIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    dataset_id: IdStr
    document_bases: List[Any] = []
    chunk_strategy: Optional[Dict[str, Any]] = None
    format_type: Optional[int] = None


class DocumentUpdateIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    document_id: IdStr
    document_name: Optional[str] = None
    update_rule: Optional[Dict[str, Any]] = None


class DocumentListIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    dataset_id: IdStr
    page: int = 1
    size: int = 10


class CaptionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    caption: Any = None


def _ids_as_strings(request: Request) -> bool:
    """`Agw-Js-Conv: str` asks the gateway to send int64 ids as strings; without it they are numbers."""
    return request.headers.get(AGW_JS_CONV, "").strip().lower() == "str"


def _convert(request: Request, doc: Dict[str, Any]) -> Dict[str, Any]:
    if _ids_as_strings(request):
        return doc
    return {**doc, "document_id": int(doc["document_id"])}


def _absolute(request: Request, item: Dict[str, Any]) -> Dict[str, Any]:
    """Make the emulator-served `url` of a document absolute, like Coze's signed links."""
    url = str(item.get("url") or "")
    if url.startswith("/"):
        return {**item, "url": str(request.base_url).rstrip("/") + url}
    return item


def _optional_int(name: str, value: Optional[str]) -> Optional[int]:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None


def _optional_bool(name: str, value: Optional[str]) -> Optional[bool]:
    if not value:
        return None
    if value.lower() not in ("true", "false", "1", "0"):
        raise bad_request(f"{name} must be true or false")
    return value.lower() in ("true", "1")


# -- datasets ---------------------------------------------------------------------------------------
@router.post("/v1/datasets", summary="Create a knowledge base (format_type 0 text, 2 image)")
def create_dataset(
    request: Request, body: DatasetIn, account: Account = Depends(current_account)
) -> Response:
    knowledge = state_of(request).knowledge
    dataset_id = knowledge.create_dataset(
        account, body.name, body.space_id, body.format_type, body.description, body.file_id
    )
    return ok(request, {"dataset_id": dataset_id})


@router.get("/v1/datasets", summary="List a workspace's knowledge bases")
def list_datasets(
    request: Request,
    space_id: Annotated[IdStr, Query()] = "",
    name: Optional[str] = Query(None),
    format_type: Optional[str] = Query(None),
    page_num: int = Query(1),
    page_size: int = Query(10),
    account: Account = Depends(current_account),
) -> Response:
    kind = _optional_int("format_type", format_type)
    knowledge = state_of(request).knowledge
    data = knowledge.list_datasets(account, space_id, blank(name), kind, page_num, page_size)
    return ok(request, data)


@router.put("/v1/datasets/{dataset_id}", summary="Update a knowledge base's name, description, icon")
def update_dataset(
    request: Request, dataset_id: IdStr, body: DatasetUpdateIn, account: Account = Depends(current_account)
) -> Response:
    state_of(request).knowledge.update_dataset(account, dataset_id, body.name, body.description, body.file_id)
    return ok(request)


@router.delete("/v1/datasets/{dataset_id}", summary="Delete a knowledge base and its documents")
def delete_dataset(
    request: Request, dataset_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    state_of(request).knowledge.delete_dataset(account, dataset_id)
    return ok(request)


@router.post("/v1/datasets/{dataset_id}/process", summary="Processing progress of documents")
def process(
    request: Request, dataset_id: IdStr, body: DocumentIdsIn, account: Account = Depends(current_account)
) -> Response:
    progress = state_of(request).knowledge.progress(account, dataset_id, body.document_ids)
    return ok(request, {"data": [_absolute(request, p) for p in progress]})


# -- documents (payload at the top level) ------------------------------------------------------------
@router.post("/open_api/knowledge/document/create", summary="Upload up to 10 documents")
def create_documents(
    request: Request, body: DocumentsIn, account: Account = Depends(current_account)
) -> Response:
    docs = state_of(request).knowledge.create_documents(
        account, body.dataset_id, body.document_bases, body.chunk_strategy, body.format_type
    )
    return ok(request, document_infos=[_convert(request, d) for d in docs])


@router.post("/open_api/knowledge/document/update", summary="Rename a document or change its update rule")
def update_document(
    request: Request, body: DocumentUpdateIn, account: Account = Depends(current_account)
) -> Response:
    knowledge = state_of(request).knowledge
    doc = knowledge.update_document(account, body.document_id, body.document_name, body.update_rule)
    return ok(request, document_info=_convert(request, doc))


@router.post("/open_api/knowledge/document/delete", summary="Delete up to 100 documents")
def delete_documents(
    request: Request, body: DocumentIdsIn, account: Account = Depends(current_account)
) -> Response:
    state_of(request).knowledge.delete_documents(account, body.document_ids)
    return ok(request)


@router.post("/open_api/knowledge/document/list", summary="List a knowledge base's documents")
def list_documents(
    request: Request, body: DocumentListIn, account: Account = Depends(current_account)
) -> Response:
    data = state_of(request).knowledge.list_documents(account, body.dataset_id, body.page, body.size)
    infos = [_convert(request, d) for d in data["document_infos"]]
    return ok(request, document_infos=infos, total=data["total"])


# -- images ---------------------------------------------------------------------------------------
@router.get("/v1/datasets/{dataset_id}/images", summary="List the images of an image knowledge base")
def list_images(
    request: Request,
    dataset_id: IdStr,
    page_num: int = Query(1),
    page_size: int = Query(10),
    keyword: Optional[str] = Query(None),
    has_caption: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    knowledge = state_of(request).knowledge
    flag = _optional_bool("has_caption", has_caption)
    data = knowledge.list_images(account, dataset_id, page_num, page_size, blank(keyword), flag)
    data["photo_infos"] = [_absolute(request, p) for p in data["photo_infos"]]
    return ok(request, data)


@router.put("/v1/datasets/{dataset_id}/images/{document_id}", summary="Set an image's caption")
def update_caption(
    request: Request,
    dataset_id: IdStr,
    document_id: IdStr,
    body: CaptionIn,
    account: Account = Depends(current_account),
) -> Response:
    state_of(request).knowledge.update_caption(account, dataset_id, document_id, body.caption)
    return ok(request)
