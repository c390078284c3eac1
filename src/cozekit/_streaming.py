"""Server-sent events: a decoder that follows the HTML spec, and `Stream`/`AsyncStream`.

The decoder splits lines on CR, LF and CRLF (also across chunk boundaries), joins multi-line `data:`,
ignores comments and unknown fields, accepts `id:`/`retry:`, and dispatches on a blank line.
A stream is an iterator and a context manager; the response is closed when iteration ends, breaks off
or fails.
"""

from __future__ import annotations

import os
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
    Union,
)

import httpx

from ._exceptions import APIConnectionError
from ._response import ResponseInfo

__all__ = [
    "AsyncBinaryResponse",
    "AsyncStream",
    "BinaryResponse",
    "LineSplitter",
    "SSEDecoder",
    "ServerSentEvent",
    "Stream",
]

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

    def _join(self, chunk: bytes) -> bytes:
        if self._pending_cr:
            self._pending_cr = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        if b"\r" in chunk:
            self._pending_cr = chunk[-1:] == b"\r"
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if self._buffer:
            chunk = self._buffer + chunk
        return chunk

    def feed(self, chunk: bytes) -> List[bytes]:
        lines = self._join(chunk).split(b"\n")
        self._buffer = lines.pop()
        return lines

    def feed_text(self, chunk: bytes) -> Tuple[str, Optional[UnicodeDecodeError]]:
        """The complete lines, as one string with each line ending in LF, decoded as UTF-8 in one go; on
        invalid UTF-8, the lines before the bad one and the error (so a caller can hand those on first,
        then raise)."""
        joined = self._join(chunk)
        end = joined.rfind(b"\n") + 1
        if not end:
            self._buffer = joined
            return "", None
        self._buffer = joined[end:]
        try:
            return joined[:end].decode("utf-8"), None
        except UnicodeDecodeError:
            pass
        good: List[str] = []
        for raw in joined[:end].split(b"\n")[:-1]:
            try:
                good.append(raw.decode("utf-8") + "\n")
            except UnicodeDecodeError as exc:
                return "".join(good), exc
        raise AssertionError("unreachable: the whole failed to decode but every line decoded")

    def flush(self) -> List[bytes]:
        """The last line if the stream ended without a line break."""
        rest, self._buffer = self._buffer, b""
        return [rest] if rest else []


class SSEDecoder:
    """Feeds lines, returns the events that blank lines complete."""

    __slots__ = ("_data", "_event", "_last_id", "_retry")

    def __init__(self) -> None:
        self._event = ""
        self._data: List[str] = []
        self._last_id: Optional[str] = None
        self._retry: Optional[int] = None

    def feed_text(self, text: str) -> List[ServerSentEvent]:
        """Decodes whole lines given as one string, each line ending in LF (the fast path).

        Splitting on blank lines first lets the usual event, `event:NAME` then `data:DATA` (or `data:`
        alone), be decoded with a few string operations; anything else goes line by line.
        """
        out: List[ServerSentEvent] = []
        parts = text.split("\n\n")
        last = parts.pop()
        for part in parts:
            if not self._data and not self._event:
                if part.startswith("event:"):
                    nl = part.find("\n")
                    if nl > 0 and part.startswith("data:", nl + 1) and part.find("\n", nl + 1) < 0:
                        name = part[7:nl] if part[6:7] == " " else part[6:nl]
                        data = part[nl + 7 :] if part[nl + 6 : nl + 7] == " " else part[nl + 6 :]
                        out.append(ServerSentEvent(name or "message", data, self._last_id, self._retry))
                        continue
                elif part.startswith("data:") and "\n" not in part:
                    data = part[6:] if part[5:6] == " " else part[5:]
                    out.append(ServerSentEvent("message", data, self._last_id, self._retry))
                    continue
            out.extend(self.feed(part.split("\n")))
            sse = self.decode("")
            if sse is not None:
                out.append(sse)
        if last:
            out.extend(self.feed(last[:-1].split("\n")))
        return out

    def feed(self, lines: List[str]) -> List[ServerSentEvent]:
        """Decodes a batch of lines (`data:`/`event:` inline); returns the events."""
        out: List[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if not line:
                if data:
                    out.append(
                        ServerSentEvent(self._event or "message", "\n".join(data), self._last_id, self._retry)
                    )
                    data = self._data = []
                self._event = ""
            elif line.startswith("data:"):
                data.append(line[6:] if line[5:6] == " " else line[5:])
            elif line.startswith("event:"):
                self._event = line[7:] if line[6:7] == " " else line[6:]
            else:
                self.decode(line)
                data = self._data
        return out

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


_BOM = b"\xef\xbb\xbf"


def _strip_bom(first: bytes, rest: Iterator[bytes]) -> bytes:
    """The stream's start without a UTF-8 byte order mark (which may come split over chunks)."""
    while len(first) < 3 and _BOM.startswith(first):
        more = next(rest, None)
        if more is None:
            break
        first += more
    return first[3:] if first.startswith(_BOM) else first


def iter_sse_batches(chunks: Iterable[bytes]) -> Iterator[List[ServerSentEvent]]:
    """The events of a byte stream, a list per chunk (one generator step per chunk, not per event)."""
    splitter = LineSplitter()
    decoder = SSEDecoder()
    it = iter(chunks)
    first = next(it, None)
    if first is None:
        return
    chunk = _strip_bom(first, it)
    while True:
        text, error = splitter.feed_text(chunk)
        if text:
            yield decoder.feed_text(text)
        if error is not None:
            raise error
        next_chunk = next(it, None)
        if next_chunk is None:
            break
        chunk = next_chunk
    for raw in splitter.flush():
        decoder.decode(raw.decode("utf-8"))


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    for batch in iter_sse_batches(chunks):
        yield from batch


async def aiter_sse_batches(chunks: AsyncIterator[bytes]) -> AsyncIterator[List[ServerSentEvent]]:
    """The async twin of `iter_sse_batches`: an `await` per chunk rather than per event."""
    splitter = LineSplitter()
    decoder = SSEDecoder()
    start: Optional[bytes] = b""
    async for chunk in chunks:
        if start is not None:
            start += chunk
            if len(start) < 3 and _BOM.startswith(start):
                continue
            chunk = start[3:] if start.startswith(_BOM) else start
            start = None
        text, error = splitter.feed_text(chunk)
        if text:
            yield decoder.feed_text(text)
        if error is not None:
            raise error
    for raw in splitter.flush():
        decoder.decode(raw.decode("utf-8"))


async def aiter_sse(chunks: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
    async for batch in aiter_sse_batches(chunks):
        for sse in batch:
            yield sse


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


_DRAIN_LIMIT = 64 * 1024
_DRAIN_SECONDS = 1.0
"""How long an async stream waits for the end of the body after its last event before closing instead."""


def _drain(chunks: Iterator[bytes]) -> None:
    """Read what follows the last event (normally just the end of the body) so that the connection goes
    back to the pool instead of being closed: the next call then needs no new TCP (and TLS) handshake.
    More than `_DRAIN_LIMIT` bytes, or a broken connection, and it is closed after all. (A server that
    keeps the body open after the last event holds a sync stream until the read timeout, as in cozepy.)"""
    left = _DRAIN_LIMIT
    try:
        for chunk in chunks:
            left -= len(chunk)
            if left < 0:
                return
    except httpx.TransportError:
        return


async def _adrain(chunks: AsyncIterator[bytes]) -> None:
    """`_drain` for async streams, also bounded in time (`_DRAIN_SECONDS`)."""
    import anyio

    left = _DRAIN_LIMIT
    with anyio.move_on_after(_DRAIN_SECONDS):
        try:
            async for chunk in chunks:
                left -= len(chunk)
                if left < 0:
                    return
        except httpx.TransportError:
            return


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
            chunks = self.response.iter_bytes()
            for batch in iter_sse_batches(chunks):
                for sse in batch:
                    item, stop = self._decode(sse, info)
                    if item is not None:
                        yield item
                    if stop:
                        _drain(chunks)
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
            chunks = self.response.aiter_bytes()
            async for batch in aiter_sse_batches(chunks):
                for sse in batch:
                    item, stop = self._decode(sse, info)
                    if item is not None:
                        yield item
                    if stop:
                        await _adrain(chunks)
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


PathLike = Union[str, "os.PathLike[str]"]
_CHUNK = 64 * 1024


class _BinaryBase:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.response_info = ResponseInfo.from_httpx(response)

    @property
    def logid(self) -> str:
        return self.response_info.logid

    @property
    def content_type(self) -> str:
        """The `Content-Type` of the body, e.g. `audio/mpeg`."""
        return str(self.response.headers.get("content-type", ""))

    def _broken(self, exc: Exception) -> APIConnectionError:
        return APIConnectionError(f"the download broke: {exc} (logid: {self.logid})")


def _part_path(file: PathLike) -> Tuple[str, str]:
    target = os.fspath(file)
    return target, f"{target}.part"


class BinaryResponse(_BinaryBase):
    """An open binary body (speech audio), read in chunks, never buffered whole unless asked.

    >>> coze.audio.speech.create(input="你好", voice_id=...).write_to_file("hello.mp3")
    """

    def iter_bytes(self, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        """The body in chunks; the response is closed at the end (or when the loop breaks off)."""
        try:
            yield from self.response.iter_bytes(chunk_size)
        except httpx.TransportError as exc:
            raise self._broken(exc) from exc
        finally:
            self.response.close()

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_bytes()

    def read(self) -> bytes:
        """The whole body in memory."""
        return b"".join(self.iter_bytes())

    def write_to_file(self, file: PathLike) -> int:
        """Stream the body to `file` (written as `file.part`, renamed when complete); the bytes written."""
        target, part = _part_path(file)
        written = 0
        try:
            with open(part, "wb") as out:
                for chunk in self.iter_bytes():
                    out.write(chunk)
                    written += len(chunk)
            os.replace(part, target)
        finally:
            if os.path.exists(part):
                os.remove(part)
        return written

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> BinaryResponse:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncBinaryResponse(_BinaryBase):
    """The async twin of `BinaryResponse`."""

    async def iter_bytes(self, chunk_size: int = _CHUNK) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise self._broken(exc) from exc
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.iter_bytes()

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.iter_bytes()])

    async def write_to_file(self, file: PathLike) -> int:
        """Stream the body to `file` (via `file.part`); the bytes written. File writes are blocking."""
        target, part = _part_path(file)
        written = 0
        try:
            with open(part, "wb") as out:
                async for chunk in self.iter_bytes():
                    out.write(chunk)
                    written += len(chunk)
            os.replace(part, target)
        finally:
            if os.path.exists(part):
                os.remove(part)
        return written

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncBinaryResponse:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()
