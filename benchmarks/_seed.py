"""Seeding many rows fast, before `cozekit serve` starts on the same data dir: through the emulator's
own backends, in a process of its own (`python -m benchmarks._seed conversations DATA_DIR 10,1000`),
which prints `{"10": bot_id, ...}` as its last line.

This is the only place the benchmark reaches inside the emulator. It uses the composition root's
public parts (`create_app(data_dir=...)`, `app.state.emulator`, its `accounts`, `bots` and
`conversations` backends) and accepts both plain and awaitable backend methods; a build where any of
that differs makes the process fail, and the benchmark then seeds over HTTP instead (slower, same rows).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import sys
from typing import Any, Dict, Iterator, List

BATCH = 2000


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@contextlib.contextmanager
def _batch(state: Any) -> Iterator[None]:
    """One transaction per batch when the store offers a synchronous one (much faster on SQLite)."""
    transaction = getattr(getattr(state, "store", None), "transaction", None)
    if transaction is None or inspect.iscoroutinefunction(transaction):
        yield
        return
    try:
        cm = transaction()
        entered = cm.__enter__
    except Exception:  # not a plain context manager in this build
        yield
        return
    entered()
    try:
        yield
    except BaseException:
        if not cm.__exit__(*sys.exc_info()):
            raise
    else:
        cm.__exit__(None, None, None)


async def conversations(data_dir: str, sizes: List[int]) -> Dict[str, str]:
    """A bot per size with that many conversations; {size: bot_id}."""
    from cozekit.emulator import create_app

    app = create_app(None, data_dir=data_dir)
    state = app.state.emulator
    info = state.info
    account = await _maybe(state.accounts.authenticate(info["token"]))
    if account is None:
        raise RuntimeError("the seeded token does not authenticate")
    bots: Dict[str, str] = {}
    for size in sizes:
        bot = await _maybe(state.bots.create(account, info["workspace_id"], {"name": f"bench {size}"}))
        bot_id = bot.get("bot_id") or bot.get("id") if isinstance(bot, dict) else bot  # an id, or a record
        for start in range(0, size, BATCH):
            with _batch(state):
                for _ in range(start, min(size, start + BATCH)):
                    await _maybe(state.conversations.create(account, bot_id=bot_id))
        bots[str(size)] = str(bot_id)
    close = getattr(getattr(state, "store", None), "close", None)
    if close is not None:
        await _maybe(close())
    return bots


if __name__ == "__main__":
    kind, data_dir, sizes = sys.argv[1:4]
    if kind != "conversations":
        raise SystemExit(f"unknown kind {kind!r}")
    print(json.dumps(asyncio.run(conversations(data_dir, [int(s) for s in sizes.split(",")]))))
