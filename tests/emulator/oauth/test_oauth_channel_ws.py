"""A JWT channel token on the WebSocket endpoints, through cozekit (sync and async): like on REST, it may
chat (`/v1/chat`) with the bots of its scope only; another bot, a chatflow (`workflow_id`) and the speech
and transcription sockets get a 4101 `error` event after the handshake."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit import AsyncCoze, Coze, CozeAPIError
from cozekit.auth import AsyncJWTAuth, AsyncJWTOAuthApp, JWTAuth, JWTOAuthApp, Scope
from cozekit.websockets import WebsocketsOptions

FAST = WebsocketsOptions(connect_timeout=5, wait_timeout=10, close_timeout=2)
HELLO = {"role": "user", "content_type": "text", "content": "hello"}


def _keys(jwt_app: Dict[str, Any]) -> Any:
    return jwt_app["client_id"], jwt_app["private_key"], jwt_app["public_key_id"]


def _refused(client: Any) -> CozeAPIError:
    with client as session, pytest.raises(CozeAPIError) as err:
        session.wait(timeout=5)
    return err.value


async def _arefused(client: Any) -> CozeAPIError:
    async with client as session:
        with pytest.raises(CozeAPIError) as err:
            await session.wait(timeout=5)
    return err.value


def test_channel_token_chats_over_the_socket_with_its_bots_only(
    base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any
) -> None:
    coze_emulator.control.configure(chunk_delay_ms=0)
    other_bot = coze_emulator.control.create_bot(name="Other")
    bot = coze_emulator.demo_bot_id
    app = JWTOAuthApp(*_keys(jwt_app), base_url=base_url)
    auth = JWTAuth(oauth_app=app, scope=Scope.build_bot_chat([bot]), session_name="viewer-1")
    with Coze(auth=auth, base_url=base_url) as channel:
        with channel.websockets.chat.create(bot_id=bot, options=FAST) as chat:
            chat.conversation_message_create(HELLO)
            chat.wait(timeout=10)  # the turn completes
        sockets = {
            "other bot": channel.websockets.chat.create(bot_id=other_bot, options=FAST),
            "chatflow": channel.websockets.chat.create(bot_id=bot, workflow_id="7000001", options=FAST),
            "speech": channel.websockets.audio.speech.create(options=FAST),
            "transcriptions": channel.websockets.audio.transcriptions.create(options=FAST),
        }
        codes = {name: _refused(client).code for name, client in sockets.items()}
    assert codes == dict.fromkeys(sockets, 4101)
    with Coze(auth=JWTAuth(oauth_app=app), base_url=base_url) as unscoped:
        with unscoped.websockets.chat.create(bot_id=other_bot, options=FAST) as chat:
            chat.wait(["chat.created"], timeout=5)
        with unscoped.websockets.audio.speech.create(options=FAST) as tts:
            tts.wait(["speech.created"], timeout=5)
    app.close()


async def test_async_channel_token_on_the_sockets(
    base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any
) -> None:
    coze_emulator.control.configure(chunk_delay_ms=0)
    other_bot = coze_emulator.control.create_bot(name="Other")
    bot = coze_emulator.demo_bot_id
    app = AsyncJWTOAuthApp(*_keys(jwt_app), base_url=base_url)
    auth = AsyncJWTAuth(oauth_app=app, scope=Scope.build_bot_chat([bot]))
    async with AsyncCoze(auth=auth, base_url=base_url) as channel:
        async with channel.websockets.chat.create(bot_id=bot, options=FAST) as chat:
            await chat.conversation_message_create(HELLO)
            await chat.wait(timeout=10)
        assert (await _arefused(channel.websockets.chat.create(bot_id=other_bot, options=FAST))).code == 4101
        assert (await _arefused(channel.websockets.audio.speech.create(options=FAST))).code == 4101
    await app.close()
