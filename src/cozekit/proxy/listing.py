"""An end user's conversations, newest first: Coze lists a bot's conversations, the proxy keeps the user's.

Coze cannot filter by `meta_data`, so each allow-listed bot's list is read newest first (at most
`max_scan` conversations a bot) and only the ones the proxy made for this user are kept. Pages are
keyset-paged by an opaque cursor (`created_at.id` of the last one shown), so new conversations do not
shift later pages.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from .._client import AsyncCoze
from ..types import Conversation

__all__ = ["Key", "Mine", "cursor_of", "parse_cursor", "user_conversations"]

Key = Tuple[int, int, str]
"""Sort key, newest largest: created_at, then the id (ids are numbers, compared by length then digits)."""


def key_of(conversation: Conversation) -> Key:
    return (conversation.created_at or 0, len(conversation.id), conversation.id)


def cursor_of(conversation: Conversation) -> str:
    return f"{conversation.created_at or 0}.{conversation.id}"


def parse_cursor(cursor: str) -> Optional[Key]:
    """The key a cursor stands for, or None if it is not one."""
    created, _, conversation_id = cursor.partition(".")
    if not created.isdigit() or not conversation_id or len(cursor) > 128:
        return None
    return (int(created), len(conversation_id), conversation_id)


class Mine:
    """Whether a listed conversation is one the proxy made for `user` with that bot."""

    def __init__(self, user: str, user_key: str, bot_key: str) -> None:
        self.user, self.user_key, self.bot_key = user, user_key, bot_key

    def __call__(self, conversation: Conversation, bot_id: str) -> bool:
        meta = conversation.meta_data
        return meta.get(self.user_key) == self.user and meta.get(self.bot_key) == bot_id


async def _from_bot(
    client: AsyncCoze,
    bot_id: str,
    mine: Mine,
    before: Optional[Key],
    want: int,
    max_scan: int,
) -> List[Conversation]:
    """This bot's newest `want` conversations of the user older than `before`, plus any that tie with
    the oldest of them (so merging several bots by key loses none)."""
    kept: List[Conversation] = []
    floor: Optional[int] = None  # once `want` are kept: the oldest created_at among them
    scanned = 0
    pager = client.conversations.list(bot_id=bot_id, page_size=50, sort_order="DESC")
    async for page in pager.iter_pages():
        for conversation in page.items:
            scanned += 1
            created = conversation.created_at or 0
            if floor is not None and created < floor:
                return kept
            if mine(conversation, bot_id) and (before is None or key_of(conversation) < before):
                kept.append(conversation)
                if floor is None and len(kept) >= want:
                    floor = min(c.created_at or 0 for c in kept)
            if scanned >= max_scan:
                return kept
    return kept


async def user_conversations(
    client: AsyncCoze,
    bots: Iterable[str],
    mine: Mine,
    *,
    limit: int,
    before: Optional[Key],
    max_scan: int,
) -> Tuple[List[Tuple[str, Conversation]], Optional[str]]:
    """`([(bot_id, conversation)], next_cursor)`: the user's newest `limit` conversations with `bots`
    older than `before` (a parsed cursor); `next_cursor` is None when there are no more (within the scan)."""
    found: List[Tuple[str, Conversation]] = []
    for bot_id in sorted(bots):
        found += [(bot_id, c) for c in await _from_bot(client, bot_id, mine, before, limit + 1, max_scan)]
    found.sort(key=lambda item: key_of(item[1]), reverse=True)
    shown = found[:limit]
    more = len(found) > limit and bool(shown)
    return shown, (cursor_of(shown[-1][1]) if more else None)
