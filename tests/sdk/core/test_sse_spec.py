"""The SSE decoder against a line-by-line reading of the HTML spec, on arbitrary streams."""

from __future__ import annotations

import asyncio
import re
from typing import AsyncIterator, List, Optional, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from cozekit._streaming import aiter_sse, iter_sse

Decoded = List[Tuple[str, str, Optional[str], Optional[int]]]


def reference(body: bytes) -> Decoded:
    """The spec's algorithm, one line at a time, on the whole body; at its end, a last line without a
    line break and a last event without a blank line count (as openai-python, and as real servers need)."""
    text = body.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()  # a body that ends with a line break has no text after it
    lines.append("")  # the end of the body dispatches the last event
    out: Decoded = []
    event, data, last_id, retry = "", [], None, None
    for line in lines:
        if not line:
            if data:
                out.append((event or "message", "\n".join(data), last_id, retry))
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value and all("0" <= c <= "9" for c in value):
            retry = int(value)
    return out


_value = st.text(alphabet=st.sampled_from(["a", "é", " ", ":", "星", "\0", "1", "{"]), max_size=6)
_line = st.one_of(
    st.builds(lambda v: "data:" + v, _value),
    st.builds(lambda v: "data: " + v, _value),
    st.just("data"),
    st.builds(lambda v: "event:" + v, _value),
    st.builds(lambda v: "event: " + v, _value),
    st.builds(lambda v: "id:" + v, _value),
    st.builds(lambda v: "retry: " + v, st.sampled_from(["15", "x", "", "007", "\u0663", "1\u00b2"])),
    st.builds(lambda v: ":" + v, _value),
    st.builds(lambda v: "other:" + v, _value),
    st.just(""),
)
_newline = st.sampled_from(["\n", "\r", "\r\n"])


_typical = st.builds(lambda e, d: [e, d, ""], st.sampled_from(["event:x", "event: a", "event:"]), _line)
_block = st.one_of(_typical, st.builds(lambda d: [d, ""], _line), st.lists(_line, max_size=6))


@st.composite
def _streams(draw: st.DrawFn) -> Tuple[bytes, List[bytes]]:
    lines = [line for block in draw(st.lists(_block, max_size=8)) for line in block]
    body = "".join(line + draw(_newline) for line in lines) + draw(st.sampled_from(["", "data: tail"]))
    raw = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + body.encode("utf-8")
    cuts = draw(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=4))
    chunks, i, k = [], 0, 0
    while i < len(raw):
        chunks.append(raw[i : i + cuts[k % len(cuts)]])
        i += cuts[k % len(cuts)]
        k += 1
    return raw, chunks


def _tuples(events: object) -> Decoded:
    return [(e.event, e.data, e.id, e.retry) for e in events]  # type: ignore[attr-defined]


@settings(max_examples=300)
@given(_streams())
def test_any_stream_in_any_chunking_decodes_as_the_spec_says(stream: Tuple[bytes, List[bytes]]) -> None:
    raw, chunks = stream
    expected = reference(raw)
    assert _tuples(iter_sse(chunks)) == expected
    assert _tuples(iter_sse([raw])) == expected


@settings(max_examples=100)
@given(_streams())
def test_async_decoder_agrees(stream: Tuple[bytes, List[bytes]]) -> None:
    raw, chunks = stream

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def collect() -> Decoded:
        return _tuples([e async for e in aiter_sse(source())])

    assert asyncio.run(collect()) == reference(raw)


def test_a_leading_bom_is_dropped_even_split_over_chunks() -> None:
    got = _tuples(iter_sse([b"\xef", b"\xbb", b"\xbfdata: a\n\n"]))
    assert got == [("message", "a", None, None)]


def test_a_bom_later_in_the_stream_is_data() -> None:
    (event,) = list(iter_sse([b"data: \xef\xbb\xbfx\n\n"]))
    assert event.data == "\ufeffx"
