"""`coze.audio.rooms`: create an RTC voice room with a bot (join credentials for the RTC SDK)."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from typing_extensions import Unpack

from ..._parsing import model
from ..._paths import require
from ..._request import CallOptions, RequestOptions, post
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...types.audio import CreateRoomResp, RoomConfig

__all__ = ["AsyncRooms", "Rooms"]

RoomConfigInput = Union[RoomConfig, Mapping[str, Any]]


def _create(
    bot_id: str,
    voice_id: Optional[str],
    conversation_id: Optional[str],
    uid: Optional[str],
    workflow_id: Optional[str],
    config: Optional[RoomConfigInput],
    options: CallOptions,
) -> RequestOptions:
    require(bot_id=bot_id)
    wire: Optional[Any] = None
    if config is not None:
        wire = RoomConfig.model_validate(config).model_dump(mode="json", exclude_none=True, by_alias=True)
    body = {
        "bot_id": bot_id,
        "voice_id": voice_id,
        "conversation_id": conversation_id,
        "uid": uid,
        "workflow_id": workflow_id,
        "config": wire,
    }
    return post("/v1/audio/rooms", body).with_call_options(options)


class Rooms(SyncAPIResource):
    def create(
        self,
        *,
        bot_id: str,
        voice_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        uid: Optional[str] = None,
        workflow_id: Optional[str] = None,
        config: Optional[RoomConfigInput] = None,
        **options: Unpack[CallOptions],
    ) -> CreateRoomResp:
        opts = _create(bot_id, voice_id, conversation_id, uid, workflow_id, config, options)
        return self._client.request(opts, model(CreateRoomResp))


class AsyncRooms(AsyncAPIResource):
    async def create(
        self,
        *,
        bot_id: str,
        voice_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        uid: Optional[str] = None,
        workflow_id: Optional[str] = None,
        config: Optional[RoomConfigInput] = None,
        **options: Unpack[CallOptions],
    ) -> CreateRoomResp:
        opts = _create(bot_id, voice_id, conversation_id, uid, workflow_id, config, options)
        return await self._client.request(opts, model(CreateRoomResp))
