"""Chat-stream framing, exactly as the chat_v3 doc page's examples: `event:<name>\\ndata:<json>\\n\\n`,
nothing else."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Optional

EVENT_STREAM = "text/event-stream"
DONE = "done"


def frame(event: str, data: Any) -> bytes:
    """One event: a single `event:` line and a single-line `data:` JSON, then a blank line."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event:{event}\ndata:{payload}\n\n".encode()


DONE_FRAME = frame(DONE, "[DONE]")


async def drain(queue: asyncio.Queue[Optional[bytes]]) -> AsyncIterator[bytes]:
    """Yield frames from a chat run until it signals the end with None."""
    while True:
        item = await queue.get()
        if item is None:
            return
        yield item
