"""Live broadcasts (`GET /v1/audio/live/{live_id}`): an RTC app and its streams, the original and one
per translation. Each account's own; made through the control plane (the emulator has no RTC)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend
from ..core.errors import bad_request, not_found

KIND = "audio_live"
LIVE_TYPES = ("origin", "translation")
DEFAULT_STREAMS = [
    {"name": "Original", "live_type": "origin"},
    {"name": "English", "live_type": "translation"},
]


class LiveBackend(Backend):
    def create(
        self,
        account: Account,
        *,
        app_id: Optional[str] = None,
        streams: Optional[List[Dict[str, Any]]] = None,
        live_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        infos = []
        for stream in DEFAULT_STREAMS if streams is None else streams:
            live_type = stream.get("live_type")
            if live_type not in LIVE_TYPES:
                raise bad_request("live_type must be origin or translation")
            if not stream.get("name"):
                raise bad_request("each stream needs a name")
            stream_id = str(stream.get("stream_id") or self.ids.next())
            infos.append({"stream_id": stream_id, "name": str(stream["name"]), "live_type": live_type})
        live = {
            "id": live_id or self.ids.next(),
            "app_id": app_id or f"rtc_app_{self.ids.next()}",
            "stream_infos": infos,
        }
        self.store.upsert(KIND, live, owner=account.user_id)
        return live

    def retrieve(self, account: Account, live_id: str) -> Dict[str, Any]:
        live = self.store.get(KIND, live_id, owner=account.user_id)
        if live is None:
            raise not_found("live_id", live_id)
        return {"app_id": live["app_id"], "stream_infos": live["stream_infos"]}
