"""`coze.knowledge`: cozepy's deprecated name for the document API, kept so old programs still run.

`coze.knowledge.documents` is `coze.datasets.documents` (same endpoints, same arguments).
"""

from __future__ import annotations

from functools import cached_property

from .._resource import AsyncAPIResource, SyncAPIResource
from .datasets.documents import AsyncDatasetDocuments, DatasetDocuments

__all__ = ["AsyncKnowledge", "Knowledge"]

DEPRECATION = "coze.knowledge is deprecated (as in cozepy): use coze.datasets.documents"


class Knowledge(SyncAPIResource):
    @cached_property
    def documents(self) -> DatasetDocuments:
        return DatasetDocuments(self._client)


class AsyncKnowledge(AsyncAPIResource):
    @cached_property
    def documents(self) -> AsyncDatasetDocuments:
        return AsyncDatasetDocuments(self._client)
