"""The JWT channel scenario: a token per device (`session_context.device_info`) and end user
(`session_name`), through cozekit's JWT apps against the emulator; sync and async."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit._exceptions import CozeAPIError
from cozekit.auth import AsyncJWTOAuthApp, JWTOAuthApp


def _device(device_id: str) -> Dict[str, Any]:
    return {"device_info": {"device_id": device_id, "custom_consumer": f"consumer-{device_id}"}}


def test_device_tokens_act_for_the_owner_and_keep_end_users_apart(
    base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any
) -> None:
    app = JWTOAuthApp(
        jwt_app["client_id"], jwt_app["private_key"], jwt_app["public_key_id"], base_url=base_url
    )
    speaker = app.get_access_token(ttl=600, session_name="speaker-1", session_context=_device("dev-1"))
    robot = app.get_access_token(ttl=600, session_name="robot-2", session_context=_device("dev-2"))
    assert speaker.access_token.startswith("czs_") and speaker.access_token != robot.access_token
    first = Coze(auth=TokenAuth(speaker.access_token), base_url=base_url)
    second = Coze(auth=TokenAuth(robot.access_token), base_url=base_url)
    with first, second:
        assert first.users.me().user_id == second.users.me().user_id == coze_emulator.user_id
        mine = first.conversations.create(bot_id=coze_emulator.demo_bot_id)
        assert first.conversations.retrieve(conversation_id=mine.id).id == mine.id
        with pytest.raises(CozeAPIError) as hidden:
            second.conversations.retrieve(conversation_id=mine.id)
        assert hidden.value.code == 4002
    app.close()


async def test_async_device_token(base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any) -> None:
    app = AsyncJWTOAuthApp(
        jwt_app["client_id"], jwt_app["private_key"], jwt_app["public_key_id"], base_url=base_url
    )
    token = await app.get_access_token(ttl=60, session_name="speaker-1", session_context=_device("dev-1"))
    async with AsyncCoze(auth=TokenAuth(token.access_token), base_url=base_url) as coze:
        assert (await coze.users.me()).user_id == coze_emulator.user_id
    await app.close()
