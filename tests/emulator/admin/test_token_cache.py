"""Authentication is cached per token for a moment; a token taken away is refused at once in the
process that took it, and within the documented bound in another process on the same database."""

from __future__ import annotations

from pathlib import Path
from typing import List

import httpx

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.admin.accounts import AccountsBackend, token_hash
from cozekit.emulator.core.ids import IdGenerator
from cozekit.emulator.core.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _backend(store: Store, clock: Clock) -> AccountsBackend:
    return AccountsBackend(store, IdGenerator(node=1), cache_seconds=5.0, clock=clock)


def test_a_token_is_remembered_then_read_again_after_the_bound(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "emulator.sqlite3"))
    clock = Clock()
    accounts = _backend(store, clock)
    made = accounts.create(name="ann")
    assert accounts.cached(made["token"]) is None  # never seen: it must be read
    account = accounts.authenticate(made["token"])
    assert account is not None and account.user_id == made["user_id"]
    assert accounts.cached(made["token"]) == account
    clock.now += 5.0
    assert accounts.cached(made["token"]) is None
    assert accounts.authenticate("pat_unknown") is None and accounts.cached("pat_unknown") is None
    store.close()


def test_a_token_deleted_in_this_process_is_refused_at_once(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "emulator.sqlite3"))
    accounts = _backend(store, Clock())
    made = accounts.create(name="ann")
    assert accounts.authenticate(made["token"]) is not None
    store.delete("token", token_hash(made["token"]))
    assert accounts.cached(made["token"]) is None
    assert accounts.authenticate(made["token"]) is None
    store.close()


def test_a_token_deleted_inside_a_transaction_is_refused_once_committed(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "emulator.sqlite3"))
    accounts = _backend(store, Clock())
    made = accounts.create(name="ann")
    assert accounts.authenticate(made["token"]) is not None
    with store.transaction():
        store.delete("token", token_hash(made["token"]))
        assert accounts.cached(made["token"]) is None
    assert accounts.cached(made["token"]) is None
    assert accounts.authenticate(made["token"]) is None
    store.close()


def test_another_workers_delete_wins_within_the_bound(tmp_path: Path) -> None:
    path = str(tmp_path / "emulator.sqlite3")
    mine, theirs = Store(path), Store(path)  # two workers on one database
    clock = Clock()
    accounts = _backend(mine, clock)
    made = accounts.create(name="ann")
    assert accounts.authenticate(made["token"]) is not None
    theirs.delete("token", token_hash(made["token"]))
    assert accounts.cached(made["token"]) is not None  # this process has not heard of it yet...
    clock.now += accounts.cache_seconds
    assert accounts.cached(made["token"]) is None  # ...and reads again once the bound has passed
    assert accounts.authenticate(made["token"]) is None
    mine.close()
    theirs.close()


def test_a_reset_forgets_the_accounts_it_wiped() -> None:
    with ThreadedEmulator() as emu:
        made = emu.control.create_account("mallory")
        headers = {"Authorization": f"Bearer {made['token']}"}
        codes: List[int] = []
        with httpx.Client(base_url=emu.base_url, headers=headers) as http:
            codes.append(http.get("/v1/users/me").json()["code"])
            emu.reset()
            codes.append(http.get("/v1/users/me").json()["code"])
        assert codes == [0, 4100]
