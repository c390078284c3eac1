"""coze.files, .bots, .workspaces and .users against the emulator."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import cozekit
from cozekit import BotPromptInfo
from sync_or_async import Client, collect, run


async def test_upload_from_path_bytes_and_file_object(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello cozekit\n")
    from_path = await run(client.files.upload(file=path))
    assert from_path.file_name == "notes.txt"
    assert from_path.bytes == 14
    from_bytes = await run(client.files.upload(file=b"abc", file_name="abc.txt"))
    assert (from_bytes.file_name, from_bytes.bytes) == ("abc.txt", 3)
    handle = io.BytesIO(b"12345")
    handle.name = "digits.csv"
    from_object = await run(client.files.upload(file=handle))
    assert (from_object.file_name, from_object.bytes) == ("digits.csv", 5)
    assert not handle.closed
    fetched = await run(client.files.retrieve(file_id=from_path.id))
    assert fetched.id == from_path.id and fetched.bytes == 14


async def test_upload_refuses_empty_and_missing_files_before_io(client: Client, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="empty"):
        await run(client.files.upload(file=b"", file_name="x.txt"))
    with pytest.raises(FileNotFoundError):
        await run(client.files.upload(file=tmp_path / "missing.txt"))


async def test_bot_lifecycle(client: Client, coze_emulator: Any) -> None:
    ws = coze_emulator.workspace_id
    bot = await run(
        client.bots.create(workspace_id=ws, name="Helper", prompt_info=BotPromptInfo(prompt="Be brief."))
    )
    assert bot.bot_id
    await run(client.bots.update(bot_id=bot.bot_id, description="new description"))
    with pytest.raises(cozekit.CozeAPIError):  # the old endpoint only knows published bots
        await run(client.bots.retrieve(bot_id=bot.bot_id, use_api_version=1))
    draft = await run(client.bots.retrieve(bot_id=bot.bot_id, is_published=False))
    assert draft.description == "new description"
    assert draft.prompt_info is not None and draft.prompt_info.prompt == "Be brief."
    published = await run(client.bots.publish(bot_id=bot.bot_id))
    assert published.version
    online = await run(client.bots.retrieve(bot_id=bot.bot_id, use_api_version=1))
    assert online.bot_id == bot.bot_id and online.description == "new description"
    listed = await collect(client.bots.list(workspace_id=ws, page_size=1))
    assert bot.bot_id in {b.id for b in listed}
    versions = await collect(client.bots.list_versions(bot_id=bot.bot_id))
    assert versions and versions[0].version
    await run(client.bots.unpublish(bot_id=bot.bot_id, connector_id="1024"))
    old = await collect(client.bots.list(space_id=ws, use_api_version=1))
    assert bot.bot_id not in {b.bot_id for b in old}


async def test_bot_validation_before_io(client: Client) -> None:
    with pytest.raises(ValueError, match="1-20"):
        await run(client.bots.create(workspace_id="w", name="x" * 21))
    with pytest.raises(ValueError, match="workspace_id"):
        await run(client.bots.create(name="ok"))


async def test_workspaces_and_me(client: Client, coze_emulator: Any) -> None:
    workspaces = await collect(client.workspaces.list())
    assert coze_emulator.workspace_id in {w.id for w in workspaces}
    me = await run(client.users.me())
    assert me.user_id
    assert me.logid


async def test_bad_token_is_authentication_error(coze_emulator: Any) -> None:
    bad = cozekit.Coze(cozekit.TokenAuth("pat_wrong"), coze_emulator.base_url, max_retries=0)
    with pytest.raises(cozekit.AuthenticationError) as info:
        bad.users.me()
    assert info.value.code == 4100
    assert info.value.logid
    assert "pat_wrong" not in str(info.value)
