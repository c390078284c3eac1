"""The SSE decoder against the spec, and Stream/AsyncStream lifetimes."""

from __future__ import annotations

import json
from typing import Any, Iterator, List, Tuple

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cozekit import (
    APIConnectionError,
    AsyncStream,
    CozeInvalidEventError,
    IncompleteStreamError,
    ResponseInfo,
    ServerSentEvent,
    Stream,
)
from cozekit._streaming import SSEDecoder, iter_sse, raw_events


def events(*chunks: bytes) -> List[ServerSentEvent]:
    return list(iter_sse(chunks))


def test_basic_event_without_space() -> None:
    (sse,) = events(b'event:conversation.chat.created\ndata:{"id":"1"}\n\n')
    assert sse.event == "conversation.chat.created"
    assert json.loads(sse.data) == {"id": "1"}


def test_one_leading_space_is_stripped_and_only_one() -> None:
    (sse,) = events(b"event: a\ndata:  two spaces\n\n")
    assert (sse.event, sse.data) == ("a", " two spaces")


def test_multiline_data_is_joined_with_newlines() -> None:
    (sse,) = events(b"data: line1\ndata: line2\ndata:\n\n")
    assert sse.data == "line1\nline2\n"
    assert sse.event == "message"


def test_comments_and_unknown_fields_are_ignored() -> None:
    (sse,) = events(b": ping\nfoo: bar\nevent: x\ndata: 1\n\n:\n\n")
    assert (sse.event, sse.data) == ("x", "1")


def test_id_and_retry_are_kept() -> None:
    (first, second) = events(b"id: 7\nretry: 1500\ndata: a\n\nid\ndata: b\n\n")
    assert (first.id, first.retry) == ("7", 1500)
    assert second.id == ""
    assert second.retry == 1500


def test_retry_with_non_digits_is_ignored() -> None:
    (sse,) = events(b"retry: 1s\ndata: a\n\n")
    assert sse.retry is None


def test_event_without_data_is_not_dispatched() -> None:
    assert events(b"event: lonely\n\nevent: x\ndata: y\n\n")[0].event == "x"


def test_field_without_colon_is_a_field_name() -> None:
    (sse,) = events(b"data\n\n")
    assert sse.data == ""


@pytest.mark.parametrize("newline", [b"\n", b"\r", b"\r\n"])
def test_line_endings(newline: bytes) -> None:
    body = b"event: a" + newline + b"data: 1" + newline + newline + b"data: 2" + newline + newline
    assert [(e.event, e.data) for e in events(body)] == [("a", "1"), ("message", "2")]


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    got = events(b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n")
    assert [e.data for e in got] == ["a", "b"]


def test_a_last_event_cut_off_by_the_end_of_the_body_is_dispatched() -> None:
    assert [e.data for e in events(b"data: a\n\ndata: b")] == ["a", "b"]
    assert [e.data for e in events(b"data: a\n\ndata: b\n")] == ["a", "b"]
    assert [e.data for e in events(b"data: a\n\nevent: x\n")] == ["a"]


def test_retry_takes_ascii_digits_only() -> None:
    (sse,) = events("retry: \u0663\ndata: a\n\n".encode())  # ARABIC-INDIC DIGIT THREE: str.isdigit() says yes
    assert sse.retry is None
    (sse,) = events("retry: \u00b2\nretry: 12\ndata: a\n\n".encode())
    assert sse.retry == 12


def test_invalid_utf8_becomes_the_replacement_character() -> None:
    sse, tail = events(b"event: a\xff\ndata: x\xc3\n\n", b"data: \xe6\x98")
    assert (sse.event, sse.data) == ("a\ufffd", "x\ufffd")
    assert tail.data == "\ufffd"  # a character cut off by the end of the body


def test_utf8_split_across_chunks() -> None:
    raw = "data: 星期三\n\n".encode()
    assert events(raw[:8], raw[8:])[0].data == "星期三"


def _encode(evts: List[Tuple[str, List[str]]], newline: str) -> bytes:
    out = []
    for name, lines in evts:
        out.append(f"event: {name}{newline}")
        out.extend(f"data: {line}{newline}" for line in lines)
        out.append(newline)
    return "".join(out).encode()


_text = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=20
)
_name = st.text(
    alphabet=st.characters(blacklist_characters="\r\n:", blacklist_categories=("Cs",)), min_size=1
)


@given(
    st.lists(
        st.tuples(_name.filter(lambda s: s.strip() == s), st.lists(_text, min_size=1, max_size=3)), max_size=8
    ),
    st.sampled_from(["\n", "\r", "\r\n"]),
    st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=5),
)
def test_any_chunking_decodes_the_same(
    evts: List[Tuple[str, List[str]]], newline: str, cuts: List[int]
) -> None:
    body = _encode(evts, newline)
    chunks, i, k = [], 0, 0
    while i < len(body):
        step = cuts[k % len(cuts)]
        chunks.append(body[i : i + step])
        i += step
        k += 1
    got = [(e.event, e.data) for e in events(*chunks)]
    assert got == [(name, "\n".join(lines)) for name, lines in evts]


@given(st.binary(max_size=200), st.integers(min_value=1, max_value=13))
def test_any_bytes_in_any_chunking_decode_as_the_whole_body(body: bytes, cut: int) -> None:
    whole = SSEDecoder()
    expected = whole.feed(body) + whole.end()
    pieces = SSEDecoder()
    got: List[ServerSentEvent] = []
    for i in range(0, len(body), cut):
        got.extend(pieces.feed(body[i : i + cut]))
    got.extend(pieces.end())
    assert got == expected


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, chunks: List[bytes], fail: bool = False) -> None:
        self.chunks = chunks
        self.fail = fail
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.fail:
            raise httpx.ReadError("dropped")

    async def __aiter__(self) -> Any:
        for chunk in self.chunks:
            yield chunk
        if self.fail:
            raise httpx.ReadError("dropped")

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _response(body: _Body) -> httpx.Response:
    return httpx.Response(200, headers={"x-tt-logid": "L1"}, stream=body)


BODY = [b"event:a\ndata:1\n\n", b"event:b\ndata:2\n\n", b'event:done\ndata:"[DONE]"\n\n']


def _until_done(sse: ServerSentEvent, info: ResponseInfo) -> Tuple[Any, bool]:
    if sse.event == "done":
        return None, True
    if sse.event == "bad":
        raise ValueError(f"bad event {info.logid}")
    return sse, False


def test_stream_iterates_and_closes_at_end() -> None:
    body = _Body(BODY)
    stream = Stream(_response(body), _until_done)
    assert [e.event for e in stream] == ["a", "b"]
    assert body.closed
    assert stream.logid == "L1"


def test_stream_closes_when_broken_off() -> None:
    body = _Body(BODY)
    with Stream(_response(body), _until_done) as stream:
        for _ in stream:
            break
    assert body.closed


def test_stream_closes_on_garbage() -> None:
    body = _Body([b"event:bad\ndata:x\n\n"])
    stream = Stream(_response(body), _until_done)
    with pytest.raises(CozeInvalidEventError, match="L1") as info:
        list(stream)
    assert isinstance(info.value.__cause__, ValueError)
    assert body.closed


def _invalid_without_logid(sse: ServerSentEvent, info: ResponseInfo) -> Tuple[Any, bool]:
    raise CozeInvalidEventError("conversation.message.delta", sse.data)


def test_an_invalid_event_names_the_stream_logid() -> None:
    stream = Stream(_response(_Body([b'event:x\ndata:{"id\n\n'])), _invalid_without_logid)
    with pytest.raises(CozeInvalidEventError, match="logid: L1") as info:
        list(stream)
    assert info.value.logid == "L1" and info.value.data == '{"id'


def test_stream_closes_on_dropped_connection() -> None:
    body = _Body(BODY[:1], fail=True)
    stream = Stream(_response(body), raw_events)
    with pytest.raises(IncompleteStreamError, match="L1") as info:
        list(stream)
    assert isinstance(info.value, APIConnectionError)
    assert info.value.last_event == "a" and info.value.logid == "L1"
    assert "ReadError: dropped" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert body.closed


def test_stream_that_ends_early_is_an_error_when_an_end_is_required() -> None:
    stream = Stream(_response(_Body(BODY[:2])), _until_done, end_required=True)
    with pytest.raises(IncompleteStreamError, match="ended after event 'b'") as info:
        list(stream)
    assert info.value.last_event == "b" and info.value.logid == "L1"
    lenient = Stream(_response(_Body(BODY[:2])), _until_done, end_required=True, ends_after={"b"})
    assert len(list(lenient)) == 2
    complete = Stream(_response(_Body(BODY)), _until_done, end_required=True)
    assert len(list(complete)) == 2


def test_unknown_events_are_kept_by_raw_decoder() -> None:
    body = _Body([b"event:brand.new\ndata:{}\n\n"])
    assert [e.event for e in Stream(_response(body), raw_events)] == ["brand.new"]


async def test_async_stream_iterates_and_closes() -> None:
    body = _Body(BODY)
    stream = AsyncStream(_response(body), _until_done)
    assert [e.event async for e in stream] == ["a", "b"]
    assert body.closed


async def test_async_stream_closes_when_broken_off() -> None:
    body = _Body(BODY)
    async with AsyncStream(_response(body), _until_done) as stream:
        async for _ in stream:
            break
    assert body.closed


# -- the typed fast path -----------------------------------------------------------------------------------

_MSG = (
    '{"id":"m1","conversation_id":"c1","role":"assistant","type":"answer","content":"%s",'
    '"content_type":"text"}'
)
TYPED_BODY = [
    b'event:conversation.chat.created\ndata:{"id":"1","conversation_id":"c1","status":"created"}\n\n',
    ("event: conversation.message.delta\ndata:" + _MSG % "星期三" + "\n\n").encode(),
    b'event:conversation.message.delta\ndata:{"id":"m1","content":"\xe6\x98\xff"}\n\n',
    b'event:conversation.message.delta\ndata:{"id":"m1","created_at":"not a time","content":"x"}\n\n',
    b"event:conversation.message.delta\ndata:[1]\n\n",
]


def _typed_events(decode: Any) -> List[Any]:
    out: List[Any] = []
    stream = Stream(_response(_Body(TYPED_BODY)), decode)
    try:
        for event in stream:
            out.append(event)
    except CozeInvalidEventError as exc:
        out.append(("raised", exc.field, exc.data, exc.logid))
    return out


def test_typed_events_are_built_from_bytes_as_the_text_path_builds_them() -> None:
    from cozekit._streaming import TypedDecoder
    from cozekit.resources.chat import decode_chat_event

    assert decode_chat_event.typed, "chat and message events have builders"
    fast = _typed_events(decode_chat_event)
    plain = _typed_events(TypedDecoder(decode_chat_event.decode, {}))  # every event through text
    assert len(fast) == len(plain) == 5
    for got, want in zip(fast[:4], plain[:4]):
        assert type(got) is type(want)
        assert got.__dict__ == want.__dict__
        assert got.model_fields_set == want.model_fields_set
        assert got.message == want.message and got.chat == want.chat
        inner = got.message or got.chat
        assert inner.invalid_fields == (want.message or want.chat).invalid_fields
        assert got.logid == want.logid == "L1"
    assert fast[1].message.content == "星期三"
    assert fast[2].message.content.endswith("\ufffd")  # a cut character then a bad byte, as text reads it
    assert fast[3].message.invalid_fields["created_at"] == "not a time"  # read leniently, as before
    assert fast[4] == plain[4] == ("raised", "conversation.message.delta", "[1]", "L1")
