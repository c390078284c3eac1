"""Token stores: round trips, file permissions, atomic replacement, damaged files."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from cozekit import FileTokenStore, MemoryTokenStore, OAuthToken, TokenStore

TOKEN = OAuthToken(
    access_token="czu_STORED", expires_in=1_900_000_000, refresh_token="rt_STORED", token_type="Bearer"
)


@pytest.mark.parametrize("make", [lambda p: MemoryTokenStore(), lambda p: FileTokenStore(p / "t.json")])
def test_round_trip(tmp_path: Path, make: object) -> None:
    store: TokenStore = make(tmp_path)  # type: ignore[operator]
    assert store.load("a") is None and store.keys() == []
    store.save("a", TOKEN)
    store.save("b", TOKEN.model_copy(update={"access_token": "czu_B"}))
    loaded = store.load("a")
    assert loaded is not None and loaded.model_dump() == TOKEN.model_dump()
    assert store.load("b").access_token == "czu_B"  # type: ignore[union-attr]
    assert store.keys() == ["a", "b"]
    store.delete("a")
    store.delete("a")
    assert store.load("a") is None and store.load("b") is not None
    assert store.keys() == ["b"]


def test_file_store_survives_a_new_instance(tmp_path: Path) -> None:
    FileTokenStore(tmp_path / "t.json").save("k", TOKEN)
    assert FileTokenStore(str(tmp_path / "t.json")).load("k") == TOKEN


def test_file_is_private_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "tokens.json"
    store = FileTokenStore(path)
    store.save("k", TOKEN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    inode = path.stat().st_ino
    store.save("k", TOKEN.model_copy(update={"access_token": "czu_NEW"}))
    assert path.stat().st_ino != inode  # a new file renamed over the old one, never rewritten in place
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(os.listdir(path.parent)) == ["tokens.json"]  # no temporary files left behind
    assert json.loads(path.read_text())["k"]["access_token"] == "czu_NEW"


def test_an_existing_world_readable_file_becomes_private(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{}")
    path.chmod(0o644)
    FileTokenStore(path).save("k", TOKEN)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.json"
    store = FileTokenStore(path)
    store.save("k", TOKEN)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        store.save("k", TOKEN.model_copy(update={"access_token": "czu_LOST"}))
    assert store.load("k") == TOKEN
    assert sorted(os.listdir(tmp_path)) == ["t.json"]


def test_damaged_files_read_as_empty_without_quoting_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"k": {"access_token": "czu_HALF"')
    caplog.set_level(logging.DEBUG)
    assert FileTokenStore(path).load("k") is None
    path.write_text(json.dumps({"k": {"access_token": "czu_NOEXPIRY"}}))
    assert FileTokenStore(path).load("k") is None
    assert "czu_" not in caplog.text


def test_store_reprs_hold_no_tokens(tmp_path: Path) -> None:
    memory, file = MemoryTokenStore(), FileTokenStore(tmp_path / "t.json")
    for store in (memory, file):
        store.save("k", TOKEN)
        assert "STORED" not in repr(store) and "STORED" not in str(store)
