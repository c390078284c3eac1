"""Running one test body with `Coze` and with `AsyncCoze`: the client factory, `run` and `collect`.

Import it by name (`from sync_or_async import ...`); pytest puts `tests/` on the path for the test packages.
"""

from __future__ import annotations

import inspect
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, List, Union

from cozekit import AsyncCoze, Coze, RetryPolicy, TokenAuth

NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)
"""Retries without sleeping, so fault tests stay fast."""

Client = Union[Coze, AsyncCoze]
MODES = ["sync", "async"]


@asynccontextmanager
async def open_client(mode: str, base_url: str, token: str, **options: Any) -> AsyncIterator[Client]:
    """A `Coze` (mode "sync") or `AsyncCoze` for `base_url`, closed afterwards."""
    options.setdefault("retry_policy", NO_WAIT)
    if mode == "sync":
        with Coze(TokenAuth(token), base_url, **options) as sync:
            yield sync
    else:
        async with AsyncCoze(TokenAuth(token), base_url, **options) as asyn:
            yield asyn


async def run(result: Any) -> Any:
    """The value of a sync call, or of an awaited async one."""
    return await result if inspect.isawaitable(result) else result


async def collect(items: Any) -> List[Any]:
    """Every item of a pager or stream, sync or async (an async stream still to be awaited included)."""
    if inspect.isawaitable(items) and not hasattr(items, "__aiter__"):
        items = await items
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)
