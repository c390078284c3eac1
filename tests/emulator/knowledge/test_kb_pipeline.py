"""The knowledge pipeline without HTTP: parsing each format, chunking strategies, ranking."""

from __future__ import annotations

import sys
import types
from typing import Any, Dict, List, Sequence

import pytest

from cozekit.emulator.knowledge.chunking import ChunkRule, ChunkStrategyError, chunk_text, rule_from_strategy
from cozekit.emulator.knowledge.embeddings import DEFAULT_MODEL, ENV_MODEL, load_embedder
from cozekit.emulator.knowledge.images import auto_caption, image_size
from cozekit.emulator.knowledge.parsing import ParseError, parse_document
from cozekit.emulator.knowledge.retrieval import FULL_TEXT, HYBRID, SEMANTIC, rank, tokenize

from .kb_files import make_docx, make_pdf, make_png


def test_plain_markdown_and_html() -> None:
    assert parse_document(b"line one\r\nline two", "txt") == "line one\nline two"
    assert parse_document("# Title\n\n中文内容".encode(), "md") == "# Title\n\n中文内容"
    assert parse_document("gbk 文本".encode("gb18030"), "txt") == "gbk 文本"
    html = b"<html><head><style>x{}</style></head><body><h1>Hi</h1><p>a  b</p><script>no</script></body>"
    assert parse_document(html, "html") == "Hi\na b"


def test_csv_rows_become_header_value_lines() -> None:
    data = b"name,city\nAda,London\nLin,\n"
    assert parse_document(data, "csv") == "name: Ada; city: London\nname: Lin"


def test_pdf_and_docx() -> None:
    assert parse_document(make_pdf(["Alpha line", "Beta line"]), "pdf").split("\n") == [
        "Alpha line",
        "Beta line",
    ]
    text = parse_document(make_docx(["First para", "Second para"], [["k", "v"], ["1", "2"]]), "docx")
    assert text == "First para\nSecond para\nk | v\n1 | 2"
    assert parse_document(make_docx(["misnamed"]), "doc") == "misnamed"


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"not a pdf", "pdf", "PDF cannot be read"),
        (b"not a zip", "docx", "DOCX cannot be read"),
        (b"\xd0\xcf\x11\xe0 legacy", "doc", "legacy .doc"),
        (b"   \n ", "txt", "no text"),
        (b"x", "xlsx", "not supported"),
    ],
)
def test_unreadable_documents(data: bytes, kind: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_document(data, kind)


def test_auto_rule_and_strategy_validation() -> None:
    assert rule_from_strategy({"chunk_type": 0}) == ChunkRule()
    custom = rule_from_strategy(
        {"chunk_type": 1, "separator": "\\n\\n", "max_tokens": 150, "remove_extra_spaces": True}
    )
    assert (custom.separator, custom.max_chars, custom.overlap, custom.remove_extra_spaces) == (
        "\n\n",
        150,
        0,
        True,
    )
    for bad, message in [
        ({"chunk_type": 1, "max_tokens": 200}, "separator is required"),
        ({"chunk_type": 1, "separator": "#"}, "max_tokens is required"),
        ({"chunk_type": 1, "separator": "#", "max_tokens": 99}, "between 100 and 2000"),
        ({"chunk_type": 1, "separator": "#", "max_tokens": 2001}, "between 100 and 2000"),
        ({"chunk_type": 2}, "chunk_type must be"),
        ({"chunk_type": 1, "separator": "#", "max_tokens": 100, "overlap": 95}, "overlap"),
    ]:
        with pytest.raises(ChunkStrategyError, match=message):
            rule_from_strategy(bad)


def _lengths(chunks: Sequence[str]) -> List[int]:
    return [len(c) for c in chunks]


def test_custom_separator_packs_pieces_up_to_the_limit() -> None:
    rule = ChunkRule(separator="#", max_chars=100, overlap_percent=0)
    pieces = ["a" * 40, "b" * 40, "c" * 40, "d" * 10]
    assert chunk_text("#".join(pieces), rule) == [pieces[0] + "#" + pieces[1], pieces[2] + "#" + pieces[3]]


def test_long_pieces_are_windowed_with_overlap() -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(250))
    rule = ChunkRule(separator="\n", max_chars=100, overlap_percent=20)
    chunks = chunk_text(text, rule)
    assert all(len(c) <= 100 for c in chunks)
    assert chunks[0] == text[:100] and chunks[1] == text[80:180] and chunks[2] == text[160:250]


def test_overlap_carries_the_tail_of_the_previous_slice() -> None:
    rule = ChunkRule(separator="\n", max_chars=100, overlap_percent=10)
    first, second = "x" * 95, "y" * 50
    chunks = chunk_text(f"{first}\n{second}", rule)
    assert chunks == [first, "x" * 10 + second]


def test_cleaning_spaces_urls_and_emails() -> None:
    rule = rule_from_strategy(
        {
            "chunk_type": 1,
            "separator": "\n\n",
            "max_tokens": 100,
            "remove_extra_spaces": True,
            "remove_urls_emails": True,
        }
    )
    text = "Mail   me at a.b@example.com\t\tor see https://x.example/p?q=1 now\n\n\n\nnext   part"
    assert chunk_text(text, rule) == ["Mail me at or see now\n\nnext part"]
    plain = rule_from_strategy({"chunk_type": 1, "separator": "\n\n", "max_tokens": 100})
    assert "https://x.example/p?q=1" in chunk_text(text, plain)[0]


def test_image_headers_and_captions() -> None:
    assert image_size(make_png(4, 3)) == ("PNG", 4, 3)
    assert image_size(b"GIF89a\x05\x00\x02\x00rest") == ("GIF", 5, 2)
    assert image_size(b"not an image") is None
    assert auto_caption("red_panda-photo.png", make_png(4, 3)) == "A 4x3 PNG image: red panda photo"
    assert auto_caption("x.bin", b"???") == "An image: x"


def test_tokenize_drops_stop_words_and_splits_cjk() -> None:
    assert tokenize("What is the Refund policy?") == ["refund", "policy"]
    assert tokenize("退款政策") == ["退", "款", "政", "策", "退款", "款政", "政策"]


SLICES = [
    "Refunds are accepted within 30 days of purchase with a receipt.",
    "Our office opens at nine and closes at five on weekdays.",
    "Shipping is free for orders above fifty dollars.",
]


def test_bm25_ranks_the_matching_slice_first() -> None:
    hits = rank(SLICES, "when does the office open?", strategy=FULL_TEXT)
    assert [h.index for h in hits] == [1]
    assert hits[0].bm25 > 0 and hits[0].cosine is None
    assert rank(SLICES, "zebra", strategy=HYBRID) == []


def _toy_embedder(texts: Sequence[str]) -> List[List[float]]:
    """Counts of a few concept words: enough to give dense ranking its own opinion."""
    concepts = [("money", "refund", "dollars"), ("hours", "open", "office"), ("ship", "shipping", "orders")]
    return [[float(sum(w in t.lower() for w in group)) for group in concepts] for t in texts]


def test_semantic_and_hybrid_ranking_with_an_embedder() -> None:
    semantic = rank(SLICES, "money back", strategy=SEMANTIC, embedder=_toy_embedder)
    assert [h.index for h in semantic] == [0, 2]  # no shared keyword: only embeddings find them
    first, second = semantic[0].cosine, semantic[1].cosine
    assert first is not None and second is not None and first > second
    assert rank(SLICES, "money back", strategy=FULL_TEXT, embedder=_toy_embedder) == []
    hybrid = rank(SLICES, "office hours for shipping", strategy=HYBRID, embedder=_toy_embedder)
    assert {h.index for h in hybrid} == {1, 2}
    assert hybrid[0].bm25 > 0 and hybrid[0].cosine is not None


class _FakeSentenceTransformer:
    """Stands in for `sentence_transformers.SentenceTransformer` (not installed in CI)."""

    loaded: List[Dict[str, Any]] = []

    def __init__(self, name: str, **kwargs: Any) -> None:
        if name == "missing":
            raise OSError("not in the cache")
        self.loaded.append({"name": name, **kwargs})

    def encode(self, texts: List[str]) -> List[List[int]]:
        return [[len(t), 1] for t in texts]


def test_embedder_loading_is_offline_and_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # not installed
    assert load_embedder() is None
    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = _FakeSentenceTransformer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    monkeypatch.setenv(ENV_MODEL, "off")
    assert load_embedder() is None
    monkeypatch.setenv(ENV_MODEL, "missing")
    assert load_embedder() is None
    monkeypatch.delenv(ENV_MODEL)
    embed = load_embedder()
    assert embed is not None and embed(["abc", "a"]) == [[3.0, 1.0], [1.0, 1.0]]
    assert _FakeSentenceTransformer.loaded[-1] == {"name": DEFAULT_MODEL, "local_files_only": True}
