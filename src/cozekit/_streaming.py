"""Server-sent events: one decoder, and `Stream`/`AsyncStream`.

The decoder follows the HTML spec's event-stream parsing, as real servers send it: bytes decoded as
UTF-8 with invalid sequences replaced by U+FFFD (a leading BOM dropped), lines ending in CR, LF or CRLF
(also split across chunks), one optional space after the colon, multi-line `data:` joined, comments and
unknown fields ignored, `id:` kept, `retry:` taken only when all ASCII digits, an event dispatched on a
blank line, and a last event cut off by the end of the body (no final blank line, or no final line
break) dispatched too, as openai-python does. It never raises.

A stream is an iterator and a context manager; the response is closed when iteration ends, breaks off
or fails. `close()` may be called from another thread (or task): a read blocked in the network wakes.
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
    Collection,
    Dict,
    Generator,
    Generic,
    Iterable,
    Iterator,
    List,
    Mapping,
    NoReturn,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

import httpx

from ._abort import AbortSignal, abortable, interrupt
from ._exceptions import (
    APIConnectionError,
    CozeError,
    CozeInvalidEventError,
    IncompleteStreamError,
    describe_exception,
)
from ._response import ResponseInfo, aclose_response, close_response

__all__ = [
    "AsyncBinaryResponse",
    "AsyncStream",
    "BinaryResponse",
    "SSEDecoder",
    "ServerSentEvent",
    "Stream",
    "TypedDecoder",
]

_T = TypeVar("_T")


@dataclass
class ServerSentEvent:
    event: str = "message"
    data: str = ""
    id: Optional[str] = None
    retry: Optional[int] = None


_BOM = b"\xef\xbb\xbf"
_DIGITS = frozenset("0123456789")

RawEvent = Tuple[str, bytes, Optional[str], Optional[int]]
"""An event as the decoder completes it: name, data still as bytes (UTF-8 as sent), id and retry."""


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


_NAMES: Dict[bytes, str] = {b"": "message"}
"""Event names met so far, as text: the same name is decoded once (and its hash computed once)."""


def _name(raw: bytes) -> str:
    name = _text(raw)
    if len(_NAMES) < 256:  # a server inventing names cannot grow it without bound
        _NAMES[raw] = name
    return name


def _event(raw: RawEvent) -> ServerSentEvent:
    return ServerSentEvent(raw[0], _text(raw[1]), raw[2], raw[3])


class SSEDecoder:
    """Bytes in (`feed`, then `end` at the end of the body), events out.

    It works on the bytes as they came: the field names and line breaks of the format are ASCII, which
    never occurs inside a multi-byte UTF-8 sequence and ends any invalid one, so splitting the bytes
    first and decoding each value (invalid sequences replaced) gives what decoding the whole body first
    would. An event's data stays bytes until someone needs its text (`feed` decodes it; a stream's typed
    events are validated from the bytes, saving a decode and pydantic-core's re-encoding per event)."""

    __slots__ = ("_cr", "_data", "_event", "_last_id", "_rest", "_retry", "_start")

    def __init__(self) -> None:
        self._start = True
        """Nothing has been read yet: a leading BOM (even split over chunks) is dropped."""
        self._rest = b""
        """The start of a line whose end has not arrived."""
        self._cr = False
        """The bytes so far ended in CR: an LF starting the next chunk ends no second line."""
        self._event = b""
        self._data: List[bytes] = []
        self._last_id: Optional[str] = None
        self._retry: Optional[int] = None

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        """The events completed by `chunk`."""
        return [_event(raw) for raw in self.feed_raw(chunk)]

    def end(self) -> List[ServerSentEvent]:
        """At the end of the body: the last line even without a line break, and the last event even
        without a blank line after it."""
        return [_event(raw) for raw in self.end_raw()]

    def feed_raw(self, chunk: bytes) -> List[RawEvent]:
        """`feed`, the data left as bytes."""
        if not chunk:
            return []
        if self._start:
            if len(self._rest) + len(chunk) < 3 and _BOM.startswith(self._rest + chunk):
                self._rest += chunk  # perhaps a BOM still arriving
                return []
            self._start = False
            if self._rest:
                chunk, self._rest = self._rest + chunk, b""
            if chunk[:3] == _BOM:
                chunk = chunk[3:]
                if not chunk:
                    return []
        if self._cr:
            self._cr = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
                if not chunk:
                    return []
        if b"\r" in chunk:
            self._cr = chunk[-1:] == b"\r"
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if self._rest:
            chunk = self._rest + chunk
        lines = chunk.split(b"\n")
        self._rest = lines.pop()
        return self._lines(lines)

    def end_raw(self) -> List[RawEvent]:
        """`end`, the data left as bytes."""
        if self._start:
            self._start = False
            if _BOM.startswith(self._rest):  # only (part of) a BOM arrived
                self._rest = b""
        rest, self._rest = self._rest, b""
        return self._lines([rest, b""] if rest else [b""])

    def _lines(self, lines: List[bytes]) -> List[RawEvent]:
        # The hot loop: a blank line (the cheapest test) and `data:` first, then `event:`, as Coze
        # frames every event; any other field takes the general branch.
        out: List[RawEvent] = []
        data = self._data
        event = self._event
        for line in lines:
            if not line:
                if data:
                    joined = data[0] if len(data) == 1 else b"\n".join(data)
                    text = _NAMES.get(event)
                    if text is None:
                        text = _name(event)
                    out.append((text, joined, self._last_id, self._retry))
                    data = []
                event = b""
            elif line[:5] == b"data:":
                data.append(line[6:] if line[5:6] == b" " else line[5:])
            elif line[:6] == b"event:":
                event = line[7:] if line[6:7] == b" " else line[6:]
            elif line[:1] != b":":
                name, colon, value = line.partition(b":")
                if colon and value[:1] == b" ":
                    value = value[1:]
                if name == b"data":
                    data.append(value)
                elif name == b"event":
                    event = value
                elif name == b"id":
                    if b"\0" not in value:
                        self._last_id = _text(value)
                elif name == b"retry" and value and _DIGITS.issuperset(_text(value)):
                    self._retry = int(value)
        self._data = data
        self._event = event
        return out

    def pending(self) -> bool:
        """True when an event was started but not completed by a blank line."""
        return bool(self._data)


def iter_sse_batches(chunks: Iterable[bytes]) -> Iterator[List[ServerSentEvent]]:
    """The events of a byte stream, a list per chunk (one generator step per chunk, not per event)."""
    decoder = SSEDecoder()
    for chunk in chunks:
        batch = decoder.feed(chunk)
        if batch:
            yield batch
    batch = decoder.end()
    if batch:
        yield batch


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    for batch in iter_sse_batches(chunks):
        yield from batch


async def aiter_sse_batches(chunks: AsyncIterator[bytes]) -> AsyncIterator[List[ServerSentEvent]]:
    """The async twin of `iter_sse_batches`: an `await` per chunk rather than per event."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        batch = decoder.feed(chunk)
        if batch:
            yield batch
    batch = decoder.end()
    if batch:
        yield batch


async def aiter_sse(chunks: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
    async for batch in aiter_sse_batches(chunks):
        for sse in batch:
            yield sse


EventDecoder = Callable[[ServerSentEvent, ResponseInfo], Tuple[Optional[_T], bool]]
"""Turns one event (and its response) into `(item or None to skip, stop after it)`; may raise."""

TypedBuilder = Callable[[bytes, ResponseInfo], _T]
"""Builds the item of one event from its data bytes (and its response); may raise."""


class TypedDecoder(Generic[_T]):
    """An `EventDecoder` with a fast path: an event named in `typed` becomes `typed[name](data, info)`,
    built from its data bytes, never skipped and never the last; a stream reads it without making a
    `ServerSentEvent` first. Called as a plain decoder (`decoder(sse, info)`), it is `decode`, which
    must treat those events alike."""

    __slots__ = ("decode", "typed")

    def __init__(self, decode: EventDecoder[_T], typed: Mapping[str, TypedBuilder[_T]]) -> None:
        self.decode = decode
        self.typed = typed

    def __call__(self, sse: ServerSentEvent, info: ResponseInfo) -> Tuple[Optional[_T], bool]:
        return self.decode(sse, info)


_NO_TYPED: Mapping[str, Any] = {}


class _StreamBase(Generic[_T]):
    def __init__(
        self,
        response: httpx.Response,
        decode: EventDecoder[_T],
        *,
        end_required: bool = False,
        ends_after: Collection[str] = (),
        abort_signal: Optional[AbortSignal] = None,
    ) -> None:
        self._http = response
        self.response = ResponseInfo.from_httpx(response)
        """Status, headers, `logid` and the `httpx.Response` itself (`http_response`)."""
        self._decode = decode
        self._typed: Mapping[str, TypedBuilder[_T]] = (
            decode.typed if isinstance(decode, TypedDecoder) else _NO_TYPED
        )
        self._end_required = end_required
        self._ends_after = frozenset(ends_after)
        self._signal = abort_signal
        self._last_event: Optional[str] = None
        self._closing = False
        """Set by `close()`: no more events are decoded."""

    @property
    def logid(self) -> str:
        """The `x-tt-logid` of the streaming response."""
        return self.response.logid

    @property
    def response_info(self) -> ResponseInfo:
        """The same as `response` (kept for code written before `response` became a `ResponseInfo`)."""
        return self.response

    @property
    def last_event(self) -> Optional[str]:
        """The name of the last event received so far (None before the first)."""
        return self._last_event

    def _incomplete(self, cause: Optional[BaseException] = None) -> IncompleteStreamError:
        last = self._last_event
        where = f"after event {last!r}" if last is not None else "before any event"
        if cause is None:
            text = f"the event stream ended {where}, without its last event"
        else:
            text = f"the event stream broke {where}: {describe_exception(cause)}"
        return IncompleteStreamError(text, last_event=last, logid=self.logid)

    def _decode_error(self, exc: Exception, sse: ServerSentEvent) -> Exception:
        """What a decoder raised, made a `CozeError` that names the logid."""
        if isinstance(exc, CozeInvalidEventError) and not exc.logid:
            return CozeInvalidEventError(exc.field, exc.data, self.logid)
        if isinstance(exc, CozeError):
            return exc
        return CozeInvalidEventError(sse.event, sse.data, self.logid)  # a decoder bug: still a CozeError

    def _aborted(self) -> Optional[CozeError]:
        """The error for an aborted signal, else None."""
        if self._signal is not None and self._signal.aborted:
            return self._signal.error(self.logid)
        return None

    def _check_end(self) -> None:
        """At the end of the body: was the last event one the stream may end after?"""
        if self._end_required and (self._last_event or "").strip() not in self._ends_after:
            raise self._incomplete()

    def _raise_decode_error(self, exc: Exception, sse: ServerSentEvent) -> NoReturn:
        """Raise what a decoder raised, made a `CozeError` that names the logid."""
        error = self._decode_error(exc, sse)
        if error is exc:
            raise exc
        raise error from exc

    def _broken(self, exc: Exception) -> Optional[CozeError]:
        """The error for a body that broke off: an abort's, else None when closing, else incomplete."""
        aborted = self._aborted()
        if aborted is not None:
            return aborted
        return None if self._closing else self._incomplete(exc)

    def _ended(self) -> None:
        """At the end of the body: raise an abort's error, or an incomplete stream's."""
        aborted = self._aborted()
        if aborted is not None:
            raise aborted
        if not self._closing:
            self._check_end()


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
    except (httpx.HTTPError, httpx.StreamError, CozeError):
        return


async def _adrain(chunks: AsyncIterator[bytes]) -> None:
    """`_drain` for async streams, also bounded in time (`_DRAIN_SECONDS`)."""
    import anyio  # lazy: only async streams need it, so `import cozekit` stays cheap

    left = _DRAIN_LIMIT
    with anyio.move_on_after(_DRAIN_SECONDS):
        try:
            async for chunk in chunks:
                left -= len(chunk)
                if left < 0:
                    return
        except (httpx.HTTPError, httpx.StreamError, CozeError):
            return


class Stream(_StreamBase[_T]):
    """A typed event stream. Iterate it (once); use `with` to be sure it is closed.

    >>> with coze.chat.stream(bot_id=..., user_id=..., additional_messages=[...]) as events:
    ...     for event in events: ...

    `close()` from another thread ends the iteration promptly (a blocked read wakes up); an aborted
    `abort_signal` raises `APIUserAbortError` instead. A body that ends, or a connection that breaks,
    before the stream's last event raises `IncompleteStreamError` naming the last event received.
    """

    def __init__(
        self,
        response: httpx.Response,
        decode: EventDecoder[_T],
        *,
        end_required: bool = False,
        ends_after: Collection[str] = (),
        abort_signal: Optional[AbortSignal] = None,
    ) -> None:
        super().__init__(
            response, decode, end_required=end_required, ends_after=ends_after, abort_signal=abort_signal
        )
        self._iterator = self._iterate()

    def _iterate(self) -> Generator[_T, None, None]:
        # One frame per event: the decoder's events are decoded and yielded here (see `AsyncStream`).
        unsubscribe = None
        if self._signal is not None:
            unsubscribe = self._signal.subscribe(lambda: interrupt(self._http))
        chunks = self._http.iter_bytes()
        decode, info, decoder = self._decode, self.response, SSEDecoder()
        typed = self._typed.get
        try:
            try:
                more = True
                while more:
                    chunk = next(chunks, None)
                    if chunk is None:
                        more = False
                        batch = decoder.end_raw()
                    else:
                        batch = decoder.feed_raw(chunk)
                    for raw in batch:
                        if self._closing:
                            return
                        name = self._last_event = raw[0]
                        build = typed(name)
                        if build is not None:  # the hot path: no ServerSentEvent, no decoder call
                            try:
                                built = build(raw[1], info)
                            except Exception as exc:
                                self._raise_decode_error(exc, _event(raw))
                            yield built
                            continue
                        sse = _event(raw)
                        try:
                            item, stop = decode(sse, info)
                        except Exception as exc:
                            self._raise_decode_error(exc, sse)
                        if item is not None:
                            yield item
                        if stop:
                            if more and not self._closing:
                                _drain(chunks)
                            return
            except (httpx.HTTPError, httpx.StreamError) as exc:
                error = self._broken(exc)
                if error is None:
                    return
                raise error from exc
            self._ended()
        finally:
            if unsubscribe is not None:
                unsubscribe()
            close_response(self._http)

    def __iter__(self) -> Iterator[_T]:
        return self._iterator

    def __next__(self) -> _T:
        return next(self._iterator)

    def close(self) -> None:
        """Stop reading and close the response; safe from another thread while the stream is read."""
        self._closing = True
        try:
            self._iterator.close()
        except ValueError:  # "generator already executing": read in another thread; wake it up
            interrupt(self._http)
            return
        close_response(self._http)

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
        self,
        response: httpx.Response,
        decode: EventDecoder[_T],
        *,
        end_required: bool = False,
        ends_after: Collection[str] = (),
        abort_signal: Optional[AbortSignal] = None,
    ) -> None:
        super().__init__(
            response, decode, end_required=end_required, ends_after=ends_after, abort_signal=abort_signal
        )
        self._iterator = self._iterate()

    async def _iterate(self) -> AsyncGenerator[_T, None]:
        # The twin of `Stream._iterate`, one frame per event too; the body's chunks are awaited here
        # rather than through an async generator of batches, which would be left to the event loop's
        # finalizer (a wake-up of the loop per stream) when the stream stops at its last event.
        chunks: AsyncIterator[bytes] = self._http.aiter_bytes()
        guarded: Optional[AsyncGenerator[bytes, None]] = None
        if self._signal is not None:
            chunks = guarded = abortable(chunks, self._signal, self.logid)
        decode, info, decoder = self._decode, self.response, SSEDecoder()
        typed = self._typed.get
        try:
            try:
                more = True
                while more:
                    try:
                        batch = decoder.feed_raw(await chunks.__anext__())
                    except StopAsyncIteration:
                        more = False
                        batch = decoder.end_raw()
                    for raw in batch:
                        if self._closing:
                            return
                        name = self._last_event = raw[0]
                        build = typed(name)
                        if build is not None:  # the hot path, as in `Stream`
                            try:
                                built = build(raw[1], info)
                            except Exception as exc:
                                self._raise_decode_error(exc, _event(raw))
                            yield built
                            continue
                        sse = _event(raw)
                        try:
                            item, stop = decode(sse, info)
                        except Exception as exc:
                            self._raise_decode_error(exc, sse)
                        if item is not None:
                            yield item
                        if stop:
                            if more and not self._closing:
                                await _adrain(chunks)
                            return
            except (httpx.HTTPError, httpx.StreamError) as exc:
                error = self._broken(exc)
                if error is None:
                    return
                raise error from exc
            self._ended()
        finally:
            if guarded is not None:
                await guarded.aclose()
            await aclose_response(self._http)

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._iterator

    async def __anext__(self) -> _T:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        """Stop reading and close the response; safe from another task (or thread) while it is read."""
        self._closing = True
        try:
            await self._iterator.aclose()
        except RuntimeError:  # "already running": read by another task; wake its blocked read up
            interrupt(self._http)
            return
        await aclose_response(self._http)

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
    def __init__(self, response: httpx.Response, *, abort_signal: Optional[AbortSignal] = None) -> None:
        self._http = response
        self.response = ResponseInfo.from_httpx(response)
        """Status, headers, `logid` and the `httpx.Response` itself (`http_response`)."""
        self._signal = abort_signal

    @property
    def response_info(self) -> ResponseInfo:
        """The same as `response` (kept for code written before `response` became a `ResponseInfo`)."""
        return self.response

    @property
    def logid(self) -> str:
        return self.response.logid

    @property
    def content_type(self) -> str:
        """The `Content-Type` of the body, e.g. `audio/mpeg`."""
        return str(self.response.headers.get("content-type", ""))

    def _broken(self, exc: Exception) -> CozeError:
        if self._signal is not None and self._signal.aborted:
            return self._signal.error(self.logid)
        return APIConnectionError(f"the download broke: {describe_exception(exc)}", logid=self.logid)


def _part_path(file: PathLike) -> Tuple[str, str]:
    target = os.fspath(file)
    return target, f"{target}.part"


class BinaryResponse(_BinaryBase):
    """An open binary body (speech audio), read in chunks, never buffered whole unless asked.

    >>> coze.audio.speech.create(input="你好", voice_id=...).write_to_file("hello.mp3")
    """

    def iter_bytes(self, chunk_size: int = _CHUNK) -> Iterator[bytes]:
        """The body in chunks; the response is closed at the end (or when the loop breaks off)."""
        unsubscribe = None
        if self._signal is not None:
            unsubscribe = self._signal.subscribe(lambda: interrupt(self._http))
        try:
            yield from self._http.iter_bytes(chunk_size)
        except httpx.HTTPError as exc:
            raise self._broken(exc) from exc
        finally:
            if unsubscribe is not None:
                unsubscribe()
            close_response(self._http)
        if self._signal is not None and self._signal.aborted:
            raise self._signal.error(self.logid)

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
        close_response(self._http)

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
        chunks: AsyncIterator[bytes] = self._http.aiter_bytes(chunk_size)
        guarded: Optional[AsyncGenerator[bytes, None]] = None
        if self._signal is not None:
            chunks = guarded = abortable(chunks, self._signal, self.logid)
        try:
            async for chunk in chunks:
                yield chunk
        except httpx.HTTPError as exc:
            raise self._broken(exc) from exc
        finally:
            if guarded is not None:
                await guarded.aclose()
            await aclose_response(self._http)

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
        await aclose_response(self._http)

    async def __aenter__(self) -> AsyncBinaryResponse:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()
