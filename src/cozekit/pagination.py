"""Pagers for Coze's three paging styles: page number, page token, and message ids (first/last id).

A pager iterates every item of every page; `iter_pages()` walks pages. The first page is fetched when the
sync pager is created (errors surface at the call), or when the async pager is awaited or iterated:

    for bot in coze.bots.list(workspace_id=...): ...
    pager = await async_coze.bots.list(workspace_id=...)   # or: async for bot in async_coze.bots.list(...)
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Generator,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
)

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._exceptions import APIResponseValidationError
from ._models import CozeModel, ResponseInfo
from ._request import RequestOptions
from ._validation import read_models, unusable

__all__ = [
    "AsyncLastIDPaged",
    "AsyncNumberPaged",
    "AsyncPagedBase",
    "AsyncPager",
    "LastIDPaged",
    "LastIDPagedResponse",
    "LastIdPaging",
    "NumberPaged",
    "NumberPagedResponse",
    "NumberPaging",
    "Page",
    "PagedBase",
    "Paging",
    "SyncPager",
    "TokenPaging",
]

_T = TypeVar("_T")


@dataclass
class Page(Generic[_T]):
    """One page of results and what the server said about the next."""

    items: List[_T]
    has_more: bool
    total: Optional[int] = None
    page_num: Optional[int] = None
    next_page_token: Optional[str] = None
    first_id: Optional[str] = None
    last_id: Optional[str] = None
    response: Optional[ResponseInfo] = field(default=None, repr=False)

    @property
    def logid(self) -> str:
        return self.response.logid if self.response is not None else ""


class Paging(abc.ABC, Generic[_T]):
    """How to ask for a page and read it: pure, shared by the sync and async pagers.

    A cursor (page number, token or ids) goes with each request so its page is read knowing it.
    """

    def __init__(self, model: Any, items_key: str) -> None:
        self._model = model
        self._items_key = items_key

    @abc.abstractmethod
    def first(self) -> Step:
        """The first request and its cursor."""

    @abc.abstractmethod
    def parse(self, payload: Any, info: ResponseInfo, cursor: Any) -> Page[_T]: ...

    @abc.abstractmethod
    def next(self, page: Page[_T]) -> Optional[Step]:
        """The request for the page after `page`, or None when it was the last."""

    def _read_items(self, payload: Mapping[str, Any], info: ResponseInfo) -> List[_T]:
        items: List[_T] = read_models(self._model, payload.get(self._items_key), info)
        for item in items:
            if isinstance(item, CozeModel):
                item._attach(info)
        return items


Step = Tuple[RequestOptions, Any]


def _text(value: Any) -> Optional[str]:
    """A cursor (token, id) as text: numbers are read as their digits; empty or absent is None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    return str(value)


def _mapping(payload: Any, info: ResponseInfo) -> Mapping[str, Any]:
    """A page's payload: an object (absent: an empty page); anything else has no usable shape."""
    if payload is None:
        return {}
    if not isinstance(payload, Mapping):
        raise unusable(payload, info, "a page (an object)")
    return payload


_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})


def _flag(data: Mapping[str, Any], key: str, info: ResponseInfo) -> Optional[bool]:
    """A page's boolean (`has_more`): a bool, or leniently its text or number; None when absent."""
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    if info.strict:
        raise APIResponseValidationError(
            f"the response does not read as a page: {key}: expected a boolean, got {value!r}",
            body=dict(data),
            logid=info.logid,
            status_code=info.status_code,
            field=key,
        )
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


class NumberPaging(Paging[_T]):
    """`page_num` + `page_size`. A next page exists if `has_more` says so, else if `total` says so,
    else if this page was full."""

    def __init__(
        self,
        model: Any,
        items_key: str,
        request: Callable[[int, int], RequestOptions],
        *,
        page_num: int = 1,
        page_size: int = 20,
    ) -> None:
        super().__init__(model, items_key)
        if page_num < 1:
            raise ValueError("page_num must be >= 1")
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self._request = request
        self._page_num = page_num
        self._page_size = page_size

    def first(self) -> Step:
        return self._request(self._page_num, self._page_size), self._page_num

    def parse(self, payload: Any, info: ResponseInfo, cursor: Any) -> Page[_T]:
        data = _mapping(payload, info)
        items = self._read_items(data, info)
        raw_total = data.get("total", data.get("total_count"))
        total = int(raw_total) if str(raw_total).isdigit() else None
        raw_has_more = _flag(data, "has_more", info)
        if raw_has_more is not None:
            has_more = raw_has_more
        elif total is not None:
            has_more = total > cursor * self._page_size
        else:
            has_more = len(items) >= self._page_size
        return Page(items, has_more, total, page_num=cursor, response=info)

    def next(self, page: Page[_T]) -> Optional[Step]:
        if not page.has_more or not page.items or page.page_num is None:
            return None
        return self._request(page.page_num + 1, self._page_size), page.page_num + 1


class TokenPaging(Paging[_T]):
    """`page_token` + `page_size`; the next page is asked for with `next_page_token`."""

    def __init__(self, model: Any, items_key: str, request: Callable[[str], RequestOptions]) -> None:
        super().__init__(model, items_key)
        self._request = request

    def first(self) -> Step:
        return self._request(""), ""

    def parse(self, payload: Any, info: ResponseInfo, cursor: Any) -> Page[_T]:
        data = _mapping(payload, info)
        token = data.get("next_page_token") or data.get("page_token") or None
        has_more = bool(_flag(data, "has_more", info))
        return Page(self._read_items(data, info), has_more, next_page_token=_text(token), response=info)

    def next(self, page: Page[_T]) -> Optional[Step]:
        if not page.has_more or not page.next_page_token:
            return None
        return self._request(page.next_page_token), page.next_page_token


class LastIdPaging(Paging[_T]):
    """Message-id paging: top-level `first_id`/`last_id`/`has_more`. Paging forward asks
    `after_id=last_id`; a walk started with `before_id` pages backward with `before_id=first_id`."""

    def __init__(
        self,
        model: Any,
        request: Callable[[Optional[str], Optional[str]], RequestOptions],
        *,
        before_id: Optional[str] = None,
        after_id: Optional[str] = None,
    ) -> None:
        super().__init__(model, "data")
        self._request = request
        self._before_id = before_id
        self._after_id = after_id

    def first(self) -> Step:
        return self._request(self._before_id, self._after_id), None

    def parse(self, payload: Any, info: ResponseInfo, cursor: Any) -> Page[_T]:
        data = _mapping(payload, info)
        return Page(
            self._read_items(data, info),
            bool(_flag(data, "has_more", info)),
            first_id=_text(data.get("first_id")),
            last_id=_text(data.get("last_id")),
            response=info,
        )

    def next(self, page: Page[_T]) -> Optional[Step]:
        if not page.has_more or not page.items:
            return None
        if self._before_id:
            return (self._request(page.first_id, None), None) if page.first_id else None
        return (self._request(None, page.last_id), None) if page.last_id else None


class _FirstPage(Generic[_T]):
    """What a pager tells of its first page (`page`), and how it reads a page of its paging."""

    _paging: Paging[_T]

    @property
    def page(self) -> Page[_T]:
        raise NotImplementedError

    def _parser(self, cursor: Any) -> Callable[[Any, ResponseInfo], Page[_T]]:
        return lambda payload, info: self._paging.parse(payload, info, cursor)

    @property
    def items(self) -> List[_T]:
        return self.page.items

    @property
    def has_more(self) -> bool:
        return self.page.has_more

    @property
    def total(self) -> Optional[int]:
        return self.page.total

    @property
    def response(self) -> Optional[ResponseInfo]:
        """The first page's HTTP response (`.logid`, `.status_code`, `.headers`, `.http_response`)."""
        return self.page.response

    @property
    def logid(self) -> str:
        return self.page.logid


class SyncPager(_FirstPage[_T]):
    """Iterates every item of every page. `.items`, `.has_more`, `.total` describe the first page."""

    def __init__(self, client: SyncAPIClient, paging: Paging[_T]) -> None:
        self._client = client
        self._paging = paging
        self._first = self._fetch(paging.first())

    def _fetch(self, step: Step) -> Page[_T]:
        opts, cursor = step
        return self._client.request(opts, self._parser(cursor))

    @property
    def page(self) -> Page[_T]:
        return self._first

    def iter_pages(self) -> Iterator[Page[_T]]:
        """Every page, starting with the first (fetched already); each later page is fetched lazily."""
        page: Optional[Page[_T]] = self._first
        while page is not None:
            yield page
            step = self._paging.next(page)
            page = self._fetch(step) if step is not None else None

    def __iter__(self) -> Iterator[_T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPager(_FirstPage[_T]):
    """Awaitable (fetches the first page) and async-iterable (walks every item)."""

    def __init__(self, client: AsyncAPIClient, paging: Paging[_T]) -> None:
        self._client = client
        self._paging = paging
        self._first: Optional[Page[_T]] = None

    async def _fetch(self, step: Step) -> Page[_T]:
        opts, cursor = step
        return await self._client.request(opts, self._parser(cursor))

    def __await__(self) -> Generator[Any, None, AsyncPager[_T]]:
        return self._load().__await__()

    async def _load(self) -> AsyncPager[_T]:
        if self._first is None:
            self._first = await self._fetch(self._paging.first())
        return self

    @property
    def page(self) -> Page[_T]:
        if self._first is None:
            raise RuntimeError("await the pager before reading its first page")
        return self._first

    async def iter_pages(self) -> AsyncIterator[Page[_T]]:
        """Every page, starting with the first."""
        await self._load()
        page: Optional[Page[_T]] = self._first
        while page is not None:
            yield page
            step = self._paging.next(page)
            page = await self._fetch(step) if step is not None else None

    async def __aiter__(self) -> AsyncIterator[_T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


# cozepy's names for its pagers. cozekit has one pager class per I/O style for every paging style, so
# these are the same classes, for annotations and isinstance checks (`NumberPaged[Bot]`).
NumberPaged = SyncPager
LastIDPaged = SyncPager
PagedBase = SyncPager
AsyncNumberPaged = AsyncPager
AsyncLastIDPaged = AsyncPager
AsyncPagedBase = AsyncPager


class NumberPagedResponse(abc.ABC, Generic[_T]):
    """cozepy's interface of one page-number page (kept for code that implements it)."""

    @abc.abstractmethod
    def get_total(self) -> Optional[int]: ...

    @abc.abstractmethod
    def get_has_more(self) -> Optional[bool]: ...

    @abc.abstractmethod
    def get_items(self) -> List[_T]: ...

    @property
    @abc.abstractmethod
    def response(self) -> Optional[ResponseInfo]: ...


class LastIDPagedResponse(abc.ABC, Generic[_T]):
    """cozepy's interface of one message-id page (kept for code that implements it)."""

    @abc.abstractmethod
    def get_first_id(self) -> str: ...

    @abc.abstractmethod
    def get_last_id(self) -> str: ...

    @abc.abstractmethod
    def get_has_more(self) -> bool: ...

    @abc.abstractmethod
    def get_items(self) -> List[_T]: ...
