"""Turn an uploaded document's bytes into text: txt, md, csv, pdf (pypdf), docx (python-docx), html."""

from __future__ import annotations

import csv
import html.parser
import importlib
import io
import zipfile
from typing import Any, Callable, Dict, List

TEXT_TYPES = ("txt", "md", "markdown", "csv", "pdf", "doc", "docx", "html", "htm")
"""`file_type`s a text knowledge base accepts from a local file."""


class ParseError(Exception):
    """The document cannot be read; the message becomes its `status_descript`."""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_text(data: bytes) -> str:
    return _decode(data).replace("\r\n", "\n").replace("\r", "\n")


def parse_csv(data: bytes) -> str:
    """One line per row, `header: value` pairs joined with `; ` (a header-only file yields the header)."""
    rows = [r for r in csv.reader(io.StringIO(parse_text(data))) if any(c.strip() for c in r)]
    if len(rows) < 2:
        return "\n".join(", ".join(r) for r in rows)
    header = rows[0]
    lines = []
    for row in rows[1:]:
        pairs = [f"{h.strip()}: {v.strip()}" for h, v in zip(header, row) if v.strip()]
        lines.append("; ".join(pairs))
    return "\n".join(lines)


EXTRA_HINT = "pip install 'cozekit[emulator]'"


def _parser_module(module: str, package: str, kind: str) -> Any:
    """The optional document parser `module` (from the `emulator` extra); a `ParseError` naming the
    extra when it is not installed (the `testing` extra leaves document parsers out)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ParseError(f"reading {kind} files needs the {package} package: {EXTRA_HINT}") from None


def parse_pdf(data: bytes) -> str:
    pypdf = _parser_module("pypdf", "pypdf", "PDF")

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (pypdf.errors.PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ParseError(f"the PDF cannot be read: {exc}") from None
    return "\n\n".join(p.strip() for p in pages if p.strip())


def parse_docx(data: bytes) -> str:
    docx = _parser_module("docx", "python-docx", "DOCX")

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParseError(f"the DOCX cannot be read: {exc}") from None
    parts: List[str] = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(p for p in parts if p.strip())


def parse_doc(data: bytes) -> str:
    """Legacy `.doc` is a binary format no small library reads; a DOCX misnamed `.doc` still works."""
    if data[:4] == b"PK\x03\x04":
        return parse_docx(data)
    raise ParseError("legacy .doc files are not supported by the emulator; upload the document as docx")


class _HTMLText(html.parser.HTMLParser):
    SKIP = ("script", "style", "head")
    BLOCK = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article")

    def __init__(self) -> None:
        super().__init__()
        self.parts: List[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def parse_html(data: bytes) -> str:
    parser = _HTMLText()
    parser.feed(parse_text(data))
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


PARSERS: Dict[str, Callable[[bytes], str]] = {
    "txt": parse_text,
    "md": parse_text,
    "markdown": parse_text,
    "csv": parse_csv,
    "pdf": parse_pdf,
    "docx": parse_docx,
    "doc": parse_doc,
    "html": parse_html,
    "htm": parse_html,
}


def parse_document(data: bytes, file_type: str) -> str:
    """The document's text; `ParseError` when it cannot be read or holds no text."""
    parser = PARSERS.get(file_type.lower().lstrip("."))
    if parser is None:
        raise ParseError(f"file type {file_type!r} is not supported")
    text = parser(data)
    if not text.strip():
        raise ParseError("the document contains no text")
    return text
