"""The loop guard (`core.loopguard`, `COZEKIT_EMULATOR_LOOP_GUARD=1`): a store call or a blob write, abort or
delete made on a thread running an event loop raises instead of blocking the loop; from a worker thread it
works. The suite runs every emulator with it on (tests/conftest.py), so the emulator tests fail wherever a
coroutine still reaches the database or writes a file on the loop; these tests pin that it fires, that it is
on for them, and that it is off unless asked for."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core import loopguard
from cozekit.emulator.core.blobs import DiskBlobStore
from cozekit.emulator.core.offload import OFFLOAD
from cozekit.emulator.core.store import Store


def test_the_suite_runs_the_emulator_with_the_guard_on(coze_emulator: ThreadedEmulator) -> None:
    assert os.environ[loopguard.ENV] == "1"
    state = coze_emulator.state
    assert state.store.loop_guard and state.blobs.loop_guard


async def test_a_store_call_on_the_loop_raises_and_in_a_thread_it_works() -> None:
    store = await asyncio.to_thread(Store, ":memory:")
    try:
        assert store.loop_guard
        with pytest.raises(loopguard.OnEventLoop, match="a store call on the event loop's thread"):
            store.get("bot", "1")
        with pytest.raises(loopguard.OnEventLoop):
            store.insert("bot", {"id": "1"}, owner="u")
        with pytest.raises(loopguard.OnEventLoop), store.transaction():
            pass  # pragma: no cover - refused on entry
        await OFFLOAD.run(lambda: store.insert("bot", {"id": "1", "name": "b"}, owner="u"))
        assert await asyncio.to_thread(store.get, "bot", "1") == {"id": "1", "name": "b"}
        assert await OFFLOAD.run(lambda: store.page("bot").items) == [{"id": "1", "name": "b"}]
    finally:
        store.close()


async def test_a_blob_write_on_the_loop_raises_and_in_a_thread_it_works(tmp_path: Path) -> None:
    blobs = DiskBlobStore(str(tmp_path))
    with pytest.raises(loopguard.OnEventLoop, match="a blob write"):
        blobs.put("file", "7001", b"bytes")
    with pytest.raises(loopguard.OnEventLoop):
        blobs.writer()
    writer = await asyncio.to_thread(blobs.writer)
    with pytest.raises(loopguard.OnEventLoop):
        writer.write(b"more")
    await asyncio.to_thread(writer.write, b"more")
    with pytest.raises(loopguard.OnEventLoop, match="a blob commit"):
        writer.commit("file", "7002")
    path = await asyncio.to_thread(writer.commit, "file", "7002")
    assert Path(path).read_bytes() == b"more"
    assert blobs.read("file", "7002") == b"more"  # reads are not guarded


async def test_a_blob_abort_or_delete_on_the_loop_raises_and_in_a_thread_it_works(tmp_path: Path) -> None:
    blobs = DiskBlobStore(str(tmp_path))
    writer = await asyncio.to_thread(blobs.writer)
    await asyncio.to_thread(writer.write, b"half")
    with pytest.raises(loopguard.OnEventLoop, match="a blob abort"):
        writer.abort()
    assert os.listdir(tmp_path / "tmp") == [os.path.basename(writer.temp_path)]  # refused: nothing done
    await OFFLOAD.run(writer.abort)
    assert os.listdir(tmp_path / "tmp") == []
    await asyncio.to_thread(blobs.put, "file", "7003", b"kept")
    with pytest.raises(loopguard.OnEventLoop, match="a blob delete"):
        blobs.delete("file", "7003")
    assert blobs.read("file", "7003") == b"kept"
    await OFFLOAD.run(blobs.delete, "file", "7003")
    assert blobs.read("file", "7003") is None


def test_the_guard_is_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(loopguard.ENV)
    store = Store(":memory:")
    blobs = DiskBlobStore(str(tmp_path))
    try:
        assert not store.loop_guard and not blobs.loop_guard

        async def on_the_loop() -> None:  # what production allows (the guard costs a check per call)
            store.insert("bot", {"id": "1"}, owner="u")
            blobs.put("file", "7001", b"x")

        asyncio.run(on_the_loop())
        assert store.get("bot", "1") == {"id": "1"} and blobs.read("file", "7001") == b"x"
    finally:
        store.close()


@pytest.mark.parametrize("value", ["1", "true", "YES"])
def test_the_switch_reads_common_spellings(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(loopguard.ENV, value)
    assert loopguard.enabled()
    monkeypatch.setenv(loopguard.ENV, "0")
    assert not loopguard.enabled()
