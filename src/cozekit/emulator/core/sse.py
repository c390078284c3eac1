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


async def drain_joined(queue: asyncio.Queue[Optional[bytes]]) -> AsyncIterator[bytes]:
    """`drain` for an HTTP stream: the frames queued by the time the stream runs go out joined, in one
    write (the bytes on the wire are the same; a client reads the frames alike)."""
    while True:
        item = await queue.get()
        if item is None:
            return
        if queue.empty():
            yield item
            continue
        frames = [item]
        while not queue.empty():
            item = queue.get_nowait()
            if item is None:
                yield b"".join(frames)
                return
            frames.append(item)
        yield b"".join(frames)
