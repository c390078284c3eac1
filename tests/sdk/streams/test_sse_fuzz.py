"""Fuzzing the SSE decoder and whole streams: any bytes, in any chunking, decode as a line-by-line
reading of the spec says, and nothing but a `CozeError` ever comes out of a stream."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any, AsyncIterator, Iterator, List, Optional, Tuple

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from cozekit import AsyncStream, CozeError, Stream
from cozekit._streaming import aiter_sse, iter_sse
from cozekit.resources.chat import CHAT_ENDS, decode_chat_event
from cozekit.resources.workflows import decode_chatflow_event, decode_workflow_event

Decoded = List[Tuple[str, str, Optional[str], Optional[int]]]


def reference(body: bytes) -> Decoded:
    """The spec, one line at a time: UTF-8 with U+FFFD for bad bytes, one BOM dropped, lines split on
    CRLF, LF or CR; at the end of the body, the last line and the last event count even unterminated."""
    text = body.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = re.split(r"\r\n|\r|\n", text)
    if not lines[-1]:
        lines.pop()
    lines.append("")
    out: Decoded = []
    event, data, last_id, retry = "", [], None, None
    for line in lines:
        if line == "":
            if data:
                out.append((event or "message", "\n".join(data), last_id, retry))
            event, data = "", []
            continue
        if line[0] == ":":
            continue
        if ":" in line:
            name, value = line.split(":", 1)
            if value[:1] == " ":
                value = value[1:]
        else:
            name, value = line, ""
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id":
            if "\0" not in value:
                last_id = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return out


_TOKENS = [
    b"data:", b"data: ", b"event:", b"event: ", b"id:", b"id: ", b"retry:", b"retry: ", b":", b" ",
    b"\n", b"\r", b"\r\n", b"\n\n", b"x", b"1", b"{}", b"\x00", b"\xff", b"\xe6\x98", b"\xe6\x98\x9f",
    b"\xd9\xa3", b"\xef\xbb\xbf", b"done", b"error", b"Message",
]  # fmt: skip
_bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(_TOKENS), max_size=60).map(b"".join),
)


@st.composite
def _chunked(draw: st.DrawFn, bodies: st.SearchStrategy[bytes] = _bodies) -> Tuple[bytes, List[bytes]]:
    body = draw(bodies)
    cuts = draw(st.lists(st.integers(min_value=1, max_value=11), min_size=1, max_size=5))
    chunks, i, k = [], 0, 0
    while i < len(body):
        step = cuts[k % len(cuts)]
        chunks.append(body[i : i + step])
        i, k = i + step, k + 1
    if draw(st.booleans()):
        chunks.insert(draw(st.integers(0, len(chunks))), b"")  # an empty chunk anywhere
    return body, chunks


def _tuples(events: Any) -> Decoded:
    return [(e.event, e.data, e.id, e.retry) for e in events]


@settings(max_examples=200, deadline=None)
@given(_chunked())
def test_any_bytes_in_any_chunking_decode_as_the_spec_says(sample: Tuple[bytes, List[bytes]]) -> None:
    body, chunks = sample
    expected = reference(body)
    assert _tuples(iter_sse(chunks)) == expected
    assert _tuples(iter_sse([body])) == expected


@settings(max_examples=200, deadline=None)
@given(_chunked())
def test_the_async_decoder_agrees(sample: Tuple[bytes, List[bytes]]) -> None:
    body, chunks = sample

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def decode() -> Decoded:
        return _tuples([e async for e in aiter_sse(source())])

    assert asyncio.run(decode()) == reference(body)


# Whole streams: event names the decoders know (and some they do not), data that is valid, empty,
# cut off or garbage, in any framing; whatever comes, only a CozeError may be raised.
_NAMES = [
    "conversation.chat.created", "conversation.chat.failed", "conversation.message.delta", "error",
    "done", "Message", "Error", "Done", "Interrupt", "PING", "brand.new", "",
]  # fmt: skip
_DATA = [
    "{}", '"[DONE]"', "[DONE]", "", '{"id":"1","conversation_id":"2","status":"failed"}',
    '{"role":"assistant","content":"hi"}', '{"code":4200,"msg":"x"}', '{"code":"x"}', '{"id', "null",
    '{"content":"a","node_is_finish":true}', '{"error_code":4000,"error_message":"bad"}',
    '{"interrupt_data":{"event_id":"e","type":2}}', '{"interrupt_data":1}', "\ufffd",
]  # fmt: skip


@st.composite
def _stream_bodies(draw: st.DrawFn) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        colon = draw(st.sampled_from([":", ": "]))
        event_id = draw(
            st.sampled_from(["", f"id{colon}3{eol}", f"id{colon}\u00b2{eol}", f"retry{colon}\u0663{eol}"])
        )
        name, data = draw(st.sampled_from(_NAMES)), draw(st.sampled_from(_DATA))
        parts.append(
            f"{event_id}event{colon}{name}{eol}data{colon}{data}{eol}{draw(st.sampled_from(['', eol]))}"
        )
    raw = "".join(parts).encode()
    return raw + draw(st.sampled_from([b"", b"\xff", b"data", b"event:done\ndata:"]))


_DECODERS = [
    (decode_chat_event, CHAT_ENDS),
    (decode_chatflow_event, CHAT_ENDS),
    (decode_workflow_event, frozenset()),
]


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, chunks: List[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def _response(chunks: List[bytes]) -> httpx.Response:
    return httpx.Response(200, headers={"x-tt-logid": "fuzz"}, stream=_Body(chunks))


@settings(max_examples=200, deadline=None)
@given(_chunked(_stream_bodies()), st.sampled_from(_DECODERS))
def test_a_stream_raises_nothing_but_coze_errors(sample: Tuple[bytes, List[bytes]], decoder: Any) -> None:
    _, chunks = sample
    decode, ends = decoder
    try:
        list(Stream(_response(chunks), decode, end_required=True, ends_after=ends))
    except CozeError as exc:
        assert str(exc)  # and it says something

    async def consume() -> None:
        async for _ in AsyncStream(_response(chunks), decode, end_required=True, ends_after=ends):
            pass

    try:
        asyncio.run(consume())
    except CozeError as exc:
        assert str(exc)


@settings(max_examples=100, deadline=None)
@given(_chunked())
def test_random_bytes_through_a_stream_raise_nothing_but_coze_errors(
    sample: Tuple[bytes, List[bytes]],
) -> None:
    _, chunks = sample
    for decode, ends in _DECODERS:
        with contextlib.suppress(CozeError):
            list(Stream(_response(chunks), decode, end_required=True, ends_after=ends))
