"""`coze.audio.live`: a simultaneous-interpretation live broadcast and its streams."""

from __future__ import annotations

from typing_extensions import Unpack

from ..._parsing import model
from ..._paths import path
from ..._request import CallOptions, RequestOptions, get
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...types.live import LiveInfo

__all__ = ["AsyncLive", "Live"]


def _retrieve(live_id: str, options: CallOptions) -> RequestOptions:
    return get(path("/v1/audio/live/{live_id}", live_id=live_id)).with_call_options(options)


class Live(SyncAPIResource):
    def retrieve(self, *, live_id: str, **options: Unpack[CallOptions]) -> LiveInfo:
        """The broadcast's RTC `app_id` and its streams: the original and each translation."""
        return self._client.request(_retrieve(live_id, options), model(LiveInfo))


class AsyncLive(AsyncAPIResource):
    async def retrieve(self, *, live_id: str, **options: Unpack[CallOptions]) -> LiveInfo:
        return await self._client.request(_retrieve(live_id, options), model(LiveInfo))
