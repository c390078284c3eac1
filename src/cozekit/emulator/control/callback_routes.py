"""Control plane for callbacks: deleting a bot (which Coze reports as `bot.deleted`), raising billing
events, and the log of every delivery."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ..admin.api_apps import EVENT_TYPES
from ..core.errors import bad_request, not_found
from ..routing import IdStr, ok, per_worker, state_of
from ..seed import TOKEN

router = APIRouter(prefix="/_emulator", tags=["control plane"])

BILLING_EVENTS = ("benefit.usage", "benefit.plugin.scale.requested", "benefit.plugin.scale.expired")


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_type: str
    event: Dict[str, Any] = {}
    token: Optional[str] = None
    """Whose callback apps hear it (the dev account by default)."""


def _billing_defaults(event_type: str, account_id: str, workspace_id: str) -> Dict[str, Any]:
    now = int(time.time())
    if event_type == "benefit.usage":
        return {
            "id": str(now * 1000),
            "consume_time": now,
            "record_root_id": "",
            "connector_id": "1024",
            "connector_uid": "",
            "device_id": "",
            "custom_consumer": "",
            "space_id": workspace_id,
            "root_entity_type": 1,
            "root_entity_id": "",
            "change_balance": "0",
            "balance_type": 2,
            "resource_type": 1,
            "resource_id": "",
            "cost_account_id": account_id,
            "model_id": "",
            "model_input_token": 0,
            "model_output_token": 0,
            "tts_char_num": 0,
            "tts_count": 0,
            "asr_audio_length": 0,
            "rtc_duration": 0,
            "rtc_begin_time": 0,
            "rtc_end_time": 0,
        }
    applicant = {"user_id": int(account_id), "user_name": ""}
    if event_type == "benefit.plugin.scale.requested":
        return {
            "apply_id": str(now * 1000),
            "begin_at": now,
            "end_at": now + 30 * 86400,
            "resource_id": "",
            "usage_in_30d": 0,
            "applicant_info": applicant,
            "extension_type": "QPS",
            "origin_capacity": 0,
            "target_capacity": 0,
        }
    return {
        "apply_id": str(now * 1000),
        "resource_id": "",
        "applicant_info": applicant,
        "extension_type": "QPS",
        "expired_capacity": 0,
        "current_capacity": 0,
    }


@router.delete("/bots/{bot_id}", summary="Delete a bot (as in the Coze UI): callback apps hear bot.deleted")
def delete_bot(request: Request, bot_id: IdStr) -> Response:
    state = state_of(request)
    bot = state.bots.delete(bot_id)
    if bot is None:
        raise not_found("bot_id", bot_id)
    deliveries = state.callbacks.bot_event(bot, "bot.deleted", [])
    return ok(request, {"deliveries": deliveries})


@router.post("/callbacks/events", summary="Raise a billing event (benefit.*) for an account's callback apps")
def raise_event(request: Request, body: EventIn) -> Response:
    state = state_of(request)
    if body.event_type not in BILLING_EVENTS:
        raise bad_request(f"event_type must be one of {', '.join(BILLING_EVENTS)}")
    account = state.accounts.authenticate(body.token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    workspace_id = state.accounts.workspace_ids(account)[0]
    event = {**_billing_defaults(body.event_type, account.user_id, workspace_id), **body.event}
    apps = [a for a in state.api_apps.subscribers(account.user_id) if a["app_type"] == "normal"]
    deliveries = state.callbacks.emit(apps, body.event_type, event, account.user_id)
    return ok(request, {"deliveries": deliveries})


@router.get(
    "/callbacks/deliveries",
    summary="Every callback delivery: payload, attempts, status",
    dependencies=[Depends(per_worker)],
)
async def deliveries(
    request: Request,
    api_app_id: Optional[str] = Query(None),
    event_type: Optional[str] = Query(None),
    wait: bool = Query(False, description="First wait (up to 10 s) for deliveries in flight"),
) -> Response:
    state = state_of(request)
    if event_type is not None and event_type not in EVENT_TYPES:
        raise bad_request(f"unknown event_type {event_type}")
    if wait:
        await asyncio.to_thread(state.callbacks.wait)
    return ok(request, state.callbacks.log(api_app_id, event_type))
