"""A benefit counter bumped by several requests at once, on SQLite and PostgreSQL: every use counts."""

from __future__ import annotations

from typing import Any

from ..races import race

ROUNDS = 15


def test_uses_counted_at_once_all_count(engine_state: Any) -> None:
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    commerce = engine_state.commerce
    for _ in range(ROUNDS):
        race(*[lambda: commerce.count_use(account, "plugin")] * 3)
    assert commerce.usage(account, "plugin") == 3 * ROUNDS
