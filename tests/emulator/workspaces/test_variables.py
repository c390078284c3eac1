"""User variables through the SDK against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import CozeAPIError, NotFoundError
from sync_or_async import run

from .conftest import Clients


async def test_set_then_read_per_end_user(client: Any, coze_emulator: Any) -> None:
    bot = coze_emulator.demo_bot_id
    await run(
        client.variables.update(
            connector_uid="u1",
            bot_id=bot,
            data=[{"keyword": "name", "value": "Wang"}, {"keyword": "age", "value": "18"}],
        )
    )
    values = await run(client.variables.retrieve(connector_uid="u1", bot_id=bot))
    assert sorted((v.keyword, v.value) for v in values) == [("age", "18"), ("name", "Wang")]
    assert all(v.create_time > 0 and v.update_time >= v.create_time for v in values)

    only = await run(client.variables.retrieve(connector_uid="u1", bot_id=bot, keywords=["age", "unknown"]))
    assert [(v.keyword, v.value) for v in only] == [("age", "18")]

    assert list(await run(client.variables.retrieve(connector_uid="u2", bot_id=bot))) == []
    assert (
        list(await run(client.variables.retrieve(connector_uid="u1", bot_id=bot, connector_id="999"))) == []
    )


async def test_a_new_value_keeps_the_first_set_time(client: Any, coze_emulator: Any) -> None:
    bot = coze_emulator.demo_bot_id
    await run(
        client.variables.update(connector_uid="u1", bot_id=bot, data=[{"keyword": "name", "value": "A"}])
    )
    first = (await run(client.variables.retrieve(connector_uid="u1", bot_id=bot)))[0]
    await run(
        client.variables.update(connector_uid="u1", bot_id=bot, data=[{"keyword": "name", "value": "B"}])
    )
    second = (await run(client.variables.retrieve(connector_uid="u1", bot_id=bot)))[0]
    assert (second.value, second.create_time) == ("B", first.create_time)


async def test_an_unpublished_or_unknown_bot_is_refused(client: Any, coze_emulator: Any) -> None:
    draft = coze_emulator.control.create_bot(name="draft", published=False)
    with pytest.raises(CozeAPIError) as caught:
        await run(
            client.variables.update(connector_uid="u1", bot_id=draft, data=[{"keyword": "k", "value": "v"}])
        )
    assert caught.value.code == 4015
    with pytest.raises(NotFoundError):
        await run(client.variables.retrieve(connector_uid="u1", bot_id="404"))
    with pytest.raises(NotFoundError):
        await run(client.variables.retrieve(connector_uid="u1", app_id="404"))


async def test_another_account_cannot_read_the_bot_s_variables(clients: Clients, coze_emulator: Any) -> None:
    stranger = clients.make(coze_emulator.control.create_account("eve")["token"])
    with pytest.raises(NotFoundError):
        await run(stranger.variables.retrieve(connector_uid="u1", bot_id=coze_emulator.demo_bot_id))
