"""Unknown request fields: ignored as Coze ignores them but recorded; refused (4000, naming the field) with
`strict_requests`, which this suite's emulator runs with (tests/conftest.py)."""

from __future__ import annotations

import json
from typing import Any, Dict

import httpx
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


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/bots/{bot}/unpublish", {"bot_id": "{bot}", "connector_id": "1024"}),  # cozepy
        ("POST", "/v1/audio/voiceprint_groups", {"name": "g", "coze_account_id": "1"}),  # @coze/api
        ("POST", "/v1/audio/rooms", {"bot_id": "{bot}", "connector_id": "1024"}),  # @coze/api
        ("PUT", "/v1/variables", {"bot_id": "{bot}", "data": [{"keyword": "city", "value": "Nanjing"}]}),
        (
            "POST",
            "/v3/chat",
            {
                "bot_id": "{bot}",
                "user_id": "u",
                "stream": False,
                "shortcut_command": {"command_id": "1", "parameters": {}},  # @coze/api
                "additional_messages": [{"role": "user", "content": "hi", "content_type": "text"}],
            },
        ),
    ],
)
def test_fields_official_clients_send_beyond_the_docs_pass_strict_mode(
    coze_emulator: Any, method: str, path: str, body: Dict[str, Any]
) -> None:
    bot = coze_emulator.demo_bot_id
    headers = {"Authorization": f"Bearer {coze_emulator.token}"}
    filled = json.loads(json.dumps(body).replace("{bot}", bot))
    with httpx.Client(base_url=coze_emulator.base_url, headers=headers) as http:
        answer = http.request(method, path.replace("{bot}", bot), json=filled).json()
    assert answer["code"] == 0, answer
    assert coze_emulator.control.unknown_fields() == []  # known, so not reported either


def test_submit_tool_outputs_accepts_auto_save_history_as_coze_api_sends_it(coze_emulator: Any) -> None:
    tool = {"name": "get_weather", "description": "weather", "parameters": {}}
    bot = coze_emulator.control.create_bot(name="Tools", local_tools=[tool])
    coze_emulator.control.script(
        bot, {"tool_calls": [{"name": "get_weather", "arguments": {}}]}, {"text": "ok"}
    )
    headers = {"Authorization": f"Bearer {coze_emulator.token}"}
    with httpx.Client(base_url=coze_emulator.base_url, headers=headers) as http:
        message = {"role": "user", "content": "weather?", "content_type": "text"}
        chat = http.post(
            "/v3/chat",
            json={"bot_id": bot, "user_id": "u", "stream": False, "additional_messages": [message]},
        ).json()["data"]
        for _ in range(200):  # hang guard only
            chat = http.post(
                "/v3/chat/retrieve",
                params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
            ).json()["data"]
            if chat["status"] != "in_progress":
                break
        call = chat["required_action"]["submit_tool_outputs"]["tool_calls"][0]
        answer = http.post(
            "/v3/chat/submit_tool_outputs",
            params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
            json={
                "tool_outputs": [{"tool_call_id": call["id"], "output": "sunny"}],
                "stream": False,
                "auto_save_history": True,
            },
        ).json()
    assert answer["code"] == 0, answer
