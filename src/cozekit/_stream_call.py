"""`AsyncStreamCall`: what an async streaming method returns, usable both ways.

stream = await coze.chat.stream(...)        # cozekit: the open `AsyncStream` (a context manager)
async for event in coze.chat.stream(...):   # cozepy: iterate the call itself; closed at the end
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Collection, Generator, Generic, Optional, TypeVar

from ._request import RequestOptions
from ._streaming import AsyncStream, EventDecoder

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient

__all__ = ["AsyncStreamCall"]

_T = TypeVar("_T")


class AsyncStreamCall(Generic[_T]):
    """An async streaming request not sent yet: `await` it for the `AsyncStream`, or `async for` over it
    (the request is sent on the first iteration, the stream closed when the loop ends or breaks).

    It holds the request's parts rather than a closure over them: fewer objects per waiting request."""

    __slots__ = ("_client", "_decode", "_ends_after", "_options", "_stream")

    def __init__(
        self,
        client: AsyncAPIClient,
        options: RequestOptions,
        decode: EventDecoder[_T],
        *,
        ends_after: Collection[str] = (),
    ) -> None:
        self._client = client
        self._options = options
        self._decode = decode
        self._ends_after = ends_after
        self._stream: Optional[AsyncStream[_T]] = None

    async def _opened(self) -> AsyncStream[_T]:
        if self._stream is None:
            self._stream = await self._client.stream(self._options, self._decode, ends_after=self._ends_after)
        return self._stream

    def __await__(self) -> Generator[Any, None, AsyncStream[_T]]:
        return self._opened().__await__()

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[_T]:
        async with await self._opened() as stream:
            async for item in stream:
                yield item

    async def __aenter__(self) -> AsyncStream[_T]:
        return await (await self._opened()).__aenter__()

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._stream is not None:
            await self._stream.__aexit__(*exc_info)
