"""Server-sent events: a decoder that follows the HTML spec, and `Stream`/`AsyncStream`.

The decoder splits lines on CR, LF and CRLF (also across chunk boundaries), joins multi-line `data:`,
ignores comments and unknown fields, accepts `id:`/`retry:`, and dispatches on a blank line.
A stream is an iterator and a context manager; the response is closed when iteration ends, breaks off
or fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import (
    Any,
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Generic,
    Iterable,
    Iterator,
    List,
    Optional,
    Tuple,
    Type,
    TypeVar,
)

import httpx

from ._exceptions import APIConnectionError
from ._models import ResponseInfo

__all__ = ["AsyncStream", "LineSplitter", "SSEDecoder", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")


@dataclass
class ServerSentEvent:
    event: str = "message"
    data: str = ""
    id: Optional[str] = None
    retry: Optional[int] = None


class LineSplitter:
    """Turns a byte stream into lines ending in CR, LF or CRLF."""

    __slots__ = ("_buffer", "_pending_cr")

    def __init__(self) -> None:
        self._buffer = b""
        self._pending_cr = False

    def feed(self, chunk: bytes) -> List[bytes]:
        if self._pending_cr:
            self._pending_cr = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if b"\r" in chunk:
            self._pending_cr = chunk[-1:] == b"\r"
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if self._buffer:
            chunk = self._buffer + chunk
        lines = chunk.split(b"\n")
        self._buffer = lines.pop()
        return lines

    def flush(self) -> List[bytes]:
        """The last line if the stream ended without a line break."""
        rest, self._buffer = self._buffer, b""
        return [rest] if rest else []


class SSEDecoder:
    """Feeds lines, returns an event when a blank line completes one."""

    __slots__ = ("_data", "_event", "_last_id", "_retry")

    def __init__(self) -> None:
        self._event = ""
        self._data: List[str] = []
        self._last_id: Optional[str] = None
        self._retry: Optional[int] = None

    def decode(self, line: str) -> Optional[ServerSentEvent]:
        if not line:
            if not self._data:
                self._event = ""
                return None
            sse = ServerSentEvent(
                event=self._event or "message",
                data="\n".join(self._data),
                id=self._last_id,
                retry=self._retry,
            )
            self._event = ""
            self._data = []
            return sse
        if line[0] == ":":
            return None
        name, sep, value = line.partition(":")
        if sep and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def pending(self) -> bool:
        """True when an event was started but not completed by a blank line."""
        return bool(self._data)


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    splitter = LineSplitter()
    decoder = SSEDecoder()
    for chunk in chunks:
        for raw in splitter.feed(chunk):
            sse = decoder.decode(raw.decode("utf-8"))
            if sse is not None:
                yield sse
    for raw in splitter.flush():
        decoder.decode(raw.decode("utf-8"))


async def aiter_sse(chunks: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
    splitter = LineSplitter()
    decoder = SSEDecoder()
    async for chunk in chunks:
        for raw in splitter.feed(chunk):
            sse = decoder.decode(raw.decode("utf-8"))
            if sse is not None:
                yield sse
    for raw in splitter.flush():
        decoder.decode(raw.decode("utf-8"))


EventDecoder = Callable[[ServerSentEvent, ResponseInfo], Tuple[Optional[_T], bool]]
"""Turns one event (and its response) into `(item or None to skip, stop after it)`; may raise."""


class _StreamBase(Generic[_T]):
    def __init__(
        self, response: httpx.Response, decode: EventDecoder[_T], *, end_required: bool = False
    ) -> None:
        self.response = response
        self._decode = decode
        self._end_required = end_required
        self.response_info = ResponseInfo.from_httpx(response)

    def _truncated(self) -> APIConnectionError:
        return APIConnectionError(f"the event stream ended before its last event (logid: {self.logid})")

    @property
    def logid(self) -> str:
        """The `x-tt-logid` of the streaming response."""
        return self.response_info.logid


class Stream(_StreamBase[_T]):
    """A typed event stream. Iterate it (once); use `with` to be sure it is closed.

    >>> with coze.chat.stream(bot_id=..., user_id=..., additional_messages=[...]) as events:
    ...     for event in events: ...
    """

    def __init__(
        self, response: httpx.Response, decode: EventDecoder[_T], *, end_required: bool = False
    ) -> None:
        super().__init__(response, decode, end_required=end_required)
        self._iterator = self._iterate()

    def _iterate(self) -> Generator[_T, None, None]:
        info = self.response_info
        try:
            for sse in iter_sse(self.response.iter_bytes()):
                item, stop = self._decode(sse, info)
                if item is not None:
                    yield item
                if stop:
                    return
        except httpx.TransportError as exc:
            raise APIConnectionError(f"the event stream broke: {exc} (logid: {self.logid})") from exc
        finally:
            self.response.close()
        if self._end_required:
            raise self._truncated()

    def __iter__(self) -> Iterator[_T]:
        return self._iterator

    def __next__(self) -> _T:
        return next(self._iterator)

    def close(self) -> None:
        self._iterator.close()
        self.response.close()

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncStream(_StreamBase[_T]):
    """The async twin of `Stream`: `async for` over it, `async with` to be sure it is closed."""

    def __init__(
        self, response: httpx.Response, decode: EventDecoder[_T], *, end_required: bool = False
    ) -> None:
        super().__init__(response, decode, end_required=end_required)
        self._iterator = self._iterate()

    async def _iterate(self) -> AsyncGenerator[_T, None]:
        info = self.response_info
        try:
            async for sse in aiter_sse(self.response.aiter_bytes()):
                item, stop = self._decode(sse, info)
                if item is not None:
                    yield item
                if stop:
                    return
        except httpx.TransportError as exc:
            raise APIConnectionError(f"the event stream broke: {exc} (logid: {self.logid})") from exc
        finally:
            await self.response.aclose()
        if self._end_required:
            raise self._truncated()

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._iterator

    async def __anext__(self) -> _T:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        await self._iterator.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()


def raw_events(sse: ServerSentEvent, info: ResponseInfo) -> Tuple[Any, bool]:
    """An `EventDecoder` that yields the events as they are."""
    return sse, False
