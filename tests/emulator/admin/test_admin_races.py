"""Admin records changed by several requests at once, on SQLite and PostgreSQL: every benefit use counts,
and a callback app's subscriptions and name changed at once are all kept."""

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


def test_subscriptions_changed_at_once_are_all_kept(engine_state: Any) -> None:
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    apps = engine_state.api_apps
    for n in range(ROUNDS):
        app_id = apps.create(account, "normal", "callbacks", None)["id"]
        race(
            lambda a=app_id: apps.subscribe(account, a, ["bot.published"]),
            lambda a=app_id: apps.subscribe(account, a, ["bot.deleted"]),
            lambda a=app_id, n=n: apps.update(account, a, f"renamed {n}", None),
        )
        stored = engine_state.store.get("api_app", app_id)
        assert sorted(stored["events"]) == ["bot.deleted", "bot.published"], stored
        assert stored["name"] == f"renamed {n}"
