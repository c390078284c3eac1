"""The `process` endpoint and waiting on it (`coze.datasets.wait_for_processing`).

One flow polls `POST /v1/datasets/{id}/process` until every document is done (status 1), failing
fast with `DocumentProcessingError` when one fails (status 9), or `DocumentProcessingTimeoutError`.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable, List, Optional, Sequence, Union

from ..._envelope import Envelope
from ..._exceptions import CozeError
from ..._flow import Call, Flow, Sleep
from ..._models import ListResponse
from ..._parsing import models
from ..._paths import path
from ..._request import CallOptions, RequestOptions, post
from ...types.dataset import DocumentProgress
from ...types.document import Document, DocumentStatus
from ._ids import id_list

__all__ = [
    "DocumentProcessingError",
    "DocumentProcessingTimeoutError",
    "DocumentRef",
    "ProgressCallback",
    "process_request",
    "wait_flow",
]

DocumentRef = Union[str, Document]
_PROCESS = Envelope.at("data.data")

ProgressCallback = Callable[[List[DocumentProgress]], Any]
"""Called with every poll's progress list (a plain function, also with `AsyncCoze`)."""


def _describe(p: DocumentProgress) -> str:
    label = f"{p.document_name!r} ({p.document_id})" if p.document_name else repr(p.document_id)
    return f"{label}: {p.status_descript or 'no reason given'}"


class DocumentProcessingError(CozeError):
    """A document failed processing (status 9). `document_id`, `document_name` and `status_descript`
    name the first failure; `failed` lists all of them and `progress` the whole last poll."""

    def __init__(self, failed: List[DocumentProgress], progress: List[DocumentProgress]) -> None:
        first = failed[0]
        self.document_id = first.document_id
        self.document_name = first.document_name
        self.status_descript = first.status_descript
        self.failed = failed
        self.progress = progress
        self.logid = first.logid
        super().__init__("document processing failed: " + "; ".join(_describe(p) for p in failed))


class DocumentProcessingTimeoutError(CozeError, TimeoutError):
    """Documents were still processing when the wait timed out; `pending` holds their ids."""

    def __init__(self, timeout: float, pending: List[str], progress: List[DocumentProgress]) -> None:
        self.timeout = timeout
        self.pending = pending
        self.progress = progress
        super().__init__(f"documents still processing after {timeout:g}s: {', '.join(pending)}")


def process_request(
    dataset_id: str, document_ids: Sequence[DocumentRef], options: CallOptions
) -> RequestOptions:
    """`POST /v1/datasets/{id}/process` for some documents (ids or `Document`s)."""
    ids = id_list("document_ids", document_ids)
    return post(
        path("/v1/datasets/{dataset_id}/process", dataset_id=dataset_id),
        {"document_ids": ids},
        envelope=_PROCESS,
        idempotent=True,
    ).with_call_options(options)


def wait_flow(
    dataset_id: str,
    document_ids: Sequence[DocumentRef],
    on_progress: Optional[ProgressCallback],
    timeout: Optional[float],
    poll_interval: float,
    options: CallOptions,
) -> Flow[ListResponse[DocumentProgress]]:
    """Poll until every document is done; see the module docstring."""
    if poll_interval <= 0:
        raise ValueError("poll_interval must be > 0")
    if timeout is not None and timeout <= 0:
        raise ValueError("poll_timeout must be > 0 (or None to wait indefinitely)")
    ids = id_list("document_ids", document_ids)
    request = process_request(dataset_id, ids, options)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        progress: ListResponse[DocumentProgress] = yield Call(request, models(DocumentProgress))
        if on_progress is not None:
            _report(on_progress, progress)
        failed = [p for p in progress if p.status == DocumentStatus.FAILED]
        if failed:
            raise DocumentProcessingError(failed, list(progress))
        done = {p.document_id for p in progress if p.status == DocumentStatus.COMPLETED}
        pending = [i for i in ids if i not in done]
        if not pending:
            return progress
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            assert timeout is not None
            raise DocumentProcessingTimeoutError(timeout, pending, list(progress))
        yield Sleep(poll_interval if remaining is None else min(poll_interval, remaining))


def _report(on_progress: ProgressCallback, progress: List[DocumentProgress]) -> None:
    result = on_progress(list(progress))
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()
        raise TypeError("on_progress must be a plain function (it is called between polls, not awaited)")
