"""Unknown request fields: ignored as Coze ignores them but recorded; refused (4000, naming the field) with
`strict_requests`, which this suite's emulator runs with (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import BadRequestError
from sync_or_async import MODES, open_client, run


@pytest.mark.parametrize("mode", MODES)
async def test_strict_mode_refuses_a_field_the_endpoint_does_not_know(mode: str, coze_emulator: Any) -> None:
    assert coze_emulator.control.configure()["strict_requests"] is True
    async with open_client(mode, coze_emulator.base_url, coze_emulator.token) as client:
        with pytest.raises(BadRequestError) as err:
            await run(
                client.bots.create(
                    workspace_id=coze_emulator.workspace_id, name="Typo", extra_body={"descriptoin": "x"}
                )
            )
        assert err.value.code == 4000 and "'descriptoin'" in err.value.msg
        # Nothing was created; the same call without the typo passes.
        bot = await run(client.bots.create(workspace_id=coze_emulator.workspace_id, name="Typo"))
        assert bot.bot_id
    assert coze_emulator.control.unknown_fields() == [
        {"method": "POST", "path": "/v1/bot/create", "field": "descriptoin", "count": 1}
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_without_strict_mode_unknown_fields_are_ignored_and_reported(
    mode: str, coze_emulator: Any
) -> None:
    coze_emulator.control.configure(strict_requests=False)
    async with open_client(mode, coze_emulator.base_url, coze_emulator.token) as client:
        bot = await run(
            client.bots.create(
                workspace_id=coze_emulator.workspace_id,
                name="Lenient",
                extra_body={"descriptoin": "x", "colour": "red"},
            )
        )
        info = await run(client.bots.retrieve(bot_id=bot.bot_id, is_published=False))
        assert (info.name, info.description) == ("Lenient", "")
        await run(client.conversations.create(extra_body={"colour": "red"}))
    assert coze_emulator.control.unknown_fields() == [
        {"method": "POST", "path": "/v1/bot/create", "field": "colour", "count": 1},
        {"method": "POST", "path": "/v1/bot/create", "field": "descriptoin", "count": 1},
        {"method": "POST", "path": "/v1/conversation/create", "field": "colour", "count": 1},
    ]
    coze_emulator.control.reset()
    assert coze_emulator.control.unknown_fields() == []
    assert coze_emulator.control.configure()["strict_requests"] is True  # back to the default


def test_fields_official_clients_send_beyond_the_docs_pass_strict_mode(coze_emulator: Any) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {coze_emulator.token}"}
    with httpx.Client(base_url=coze_emulator.base_url, headers=headers) as http:
        # @coze/api's variables.update sends {bot_id, data} (no connector_id / connector_uid).
        body = {"bot_id": coze_emulator.demo_bot_id, "data": [{"keyword": "city", "value": "Nanjing"}]}
        answer = http.put("/v1/variables", json=body).json()
        assert answer["code"] == 0, answer
