"""Split text into slices the way a chunk strategy asks (Coze Studio's defaults for automatic mode)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Dict, List, Optional

AUTO_SEPARATOR = "\n"
AUTO_MAX_CHARS = 800
AUTO_OVERLAP_PERCENT = 10
MIN_TOKENS, MAX_TOKENS = 100, 2000

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SPACES = re.compile(r"[ \t\u3000]+")
_NEWLINES = re.compile(r"\n{2,}")


@dataclasses.dataclass(frozen=True)
class ChunkRule:
    """A parsed `chunk_strategy`: lengths count characters, overlap is a percentage of `max_chars`."""

    separator: str = AUTO_SEPARATOR
    max_chars: int = AUTO_MAX_CHARS
    overlap_percent: int = AUTO_OVERLAP_PERCENT
    remove_extra_spaces: bool = False
    remove_urls_emails: bool = False

    @property
    def overlap(self) -> int:
        return self.max_chars * self.overlap_percent // 100


class ChunkStrategyError(ValueError):
    """A chunk strategy Coze rejects (the message goes to the caller)."""


def rule_from_strategy(strategy: Optional[Dict[str, Any]]) -> ChunkRule:
    """Validate `chunk_strategy` (chunk_type 0 auto, 1 custom) and turn it into a `ChunkRule`.

    Custom strategies may carry Coze Studio's `overlap` (percent, 0-90); the OpenAPI has no such field,
    so it defaults to 0 there.
    """
    strategy = strategy or {}
    chunk_type = strategy.get("chunk_type") or 0
    max_tokens = strategy.get("max_tokens")
    valid = isinstance(max_tokens, int) and not isinstance(max_tokens, bool)
    if max_tokens is not None and not (valid and MIN_TOKENS <= max_tokens <= MAX_TOKENS):
        raise ChunkStrategyError(f"chunk_strategy.max_tokens must be between {MIN_TOKENS} and {MAX_TOKENS}")
    if chunk_type == 0:
        return ChunkRule()
    if chunk_type != 1:
        raise ChunkStrategyError("chunk_strategy.chunk_type must be 0 (auto) or 1 (custom)")
    separator = strategy.get("separator")
    if not isinstance(separator, str) or not separator:
        raise ChunkStrategyError("chunk_strategy.separator is required when chunk_type is 1")
    if max_tokens is None:
        raise ChunkStrategyError("chunk_strategy.max_tokens is required when chunk_type is 1")
    overlap = strategy.get("overlap") or 0
    if not isinstance(overlap, int) or not 0 <= overlap <= 90:
        raise ChunkStrategyError("chunk_strategy.overlap must be a percentage between 0 and 90")
    return ChunkRule(
        separator=separator.replace("\\n", "\n"),
        max_chars=max_tokens,
        overlap_percent=overlap,
        remove_extra_spaces=bool(strategy.get("remove_extra_spaces")),
        remove_urls_emails=bool(strategy.get("remove_urls_emails")),
    )


def clean(text: str, rule: ChunkRule) -> str:
    if rule.remove_urls_emails:
        text = _EMAIL.sub("", _URL.sub("", text))
    if rule.remove_extra_spaces:
        text = _NEWLINES.sub("\n", _SPACES.sub(" ", text))
    return text.strip()


def _windows(piece: str, size: int, overlap: int) -> List[str]:
    """Hard-split a piece longer than `size` into windows that overlap by `overlap` characters."""
    step = max(1, size - overlap)
    out = []
    for start in range(0, len(piece), step):
        out.append(piece[start : start + size])
        if start + size >= len(piece):
            break
    return out


def chunk_text(text: str, rule: ChunkRule) -> List[str]:
    """Split at the separator, clean each piece, then pack pieces greedily into slices of at most
    `max_chars`; each new slice starts with the last `overlap` characters of the previous one."""
    pieces: List[str] = []
    for raw in text.split(rule.separator):
        piece = clean(raw, rule)
        if len(piece) > rule.max_chars:
            pieces.extend(_windows(piece, rule.max_chars, rule.overlap))
        elif piece:
            pieces.append(piece)
    chunks: List[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{rule.separator}{piece}" if current else piece
        if len(candidate) <= rule.max_chars:
            current = candidate
            continue
        if current:
            chunks.append(current)
        tail = current[len(current) - rule.overlap :] if rule.overlap and current else ""
        current = tail + piece if tail and len(tail) + len(piece) <= rule.max_chars else piece
    if current:
        chunks.append(current)
    return chunks
