"""Receiving Coze callbacks (webhooks): check a request's signature, answer the URL challenge, parse events.

Coze signs each POST with the callback app's `verify_token`: `X-Coze-Signature` is the hex SHA-1 of
`X-Coze-Timestamp + X-Coze-Nonce + verify_token + raw body`. Framework-free: pass the raw body and the
headers (any mapping, header names in any case).

>>> result = handle(body, request.headers, verify_token)   # raises SignatureError when forged
>>> if result.challenge is None: process(result.event)
>>> return result.reply                                     # the JSON to answer with (HTTP 200)
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import hmac
import json
import time
from typing import Any, Dict, Mapping, Optional, Union

from pydantic import Field

from ._exceptions import CozeError
from ._models import CozeModel
from .types.api_app import APIAppEventType

__all__ = [
    "NONCE_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "APIAppEventType",
    "AuditStatus",
    "BenefitUsageEvent",
    "BotDeletedEvent",
    "BotPublishedEvent",
    "BotUnpublishedEvent",
    "CallbackEvent",
    "CallbackHeader",
    "CallbackResult",
    "PluginScaleExpiredEvent",
    "PluginScaleRequestedEvent",
    "SignatureError",
    "compute_signature",
    "handle",
    "parse_event",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Coze-Signature"
TIMESTAMP_HEADER = "X-Coze-Timestamp"
NONCE_HEADER = "X-Coze-Nonce"


class SignatureError(CozeError):
    """The callback request is not signed with the app's verify token (or is too old)."""


class AuditStatus(enum.IntEnum):
    """A channel's review result, answered to `bot.published` by connector callback apps as
    `{"audit": {"audit_status": ..., "reason": ...}}`."""

    REVIEWING = 1
    APPROVED = 2
    REJECTED = 3


class CallbackHeader(CozeModel):
    """The `header` of every callback."""

    event_type: APIAppEventType
    event_id: str
    """Unique per event: use it to drop duplicate deliveries."""
    created_at: int = 0
    """Milliseconds since the epoch."""
    coze_account_id: str = ""
    api_app_id: str = ""
    connector_id: Optional[str] = None
    """Channel callbacks only."""


class BotPublishedEvent(CozeModel):
    """`bot.published` (ids are integers on the wire, kept as sent)."""

    user_id_str: Union[int, str, None] = None
    user_name: Optional[str] = None
    bot_id_str: Union[int, str, None] = None
    bot_name: Optional[str] = None
    description: Optional[str] = None
    version: Optional[str] = None
    space_id: Optional[str] = None
    """Normal callbacks only."""
    connector_user_id: Optional[str] = None
    """Channel callbacks of a channel with user authorization only."""

    @property
    def bot_id(self) -> str:
        return "" if self.bot_id_str is None else str(self.bot_id_str)


class BotUnpublishedEvent(CozeModel):
    """`bot.unpublished`."""

    bot_id: str
    bot_name: Optional[str] = None
    description: Optional[str] = None
    space_id: Optional[str] = None
    connector_id: Optional[str] = None
    """The channel it was removed from."""


class BotDeletedEvent(CozeModel):
    """`bot.deleted`."""

    bot_id: str
    bot_name: Optional[str] = None
    description: Optional[str] = None
    space_id: Optional[str] = None


class BenefitUsageEvent(CozeModel):
    """`benefit.usage`: one billed consumption (the documented fields; others are kept as extras)."""

    id: Optional[str] = None
    consume_time: Optional[int] = None
    space_id: Optional[str] = None
    connector_id: Optional[str] = None
    root_entity_type: Optional[int] = None
    root_entity_id: Optional[str] = None
    change_balance: Optional[str] = None
    balance_type: Optional[int] = None
    resource_type: Optional[int] = None
    resource_id: Optional[str] = None
    model_id: Optional[str] = None
    model_input_token: Optional[int] = None
    model_output_token: Optional[int] = None


class ApplicantInfo(CozeModel):
    user_id: Union[int, str, None] = None
    user_name: Optional[str] = None


class PluginScaleRequestedEvent(CozeModel):
    """`benefit.plugin.scale.requested`."""

    apply_id: Optional[str] = None
    resource_id: Optional[str] = None
    begin_at: Optional[int] = None
    end_at: Optional[int] = None
    usage_in_30d: Optional[int] = None
    applicant_info: Optional[ApplicantInfo] = None
    extension_type: Optional[str] = None
    origin_capacity: Optional[int] = None
    target_capacity: Optional[int] = None


class PluginScaleExpiredEvent(CozeModel):
    """`benefit.plugin.scale.expired`."""

    apply_id: Optional[str] = None
    resource_id: Optional[str] = None
    applicant_info: Optional[ApplicantInfo] = None
    extension_type: Optional[str] = None
    expired_capacity: Optional[int] = None
    current_capacity: Optional[int] = None


EventBody = Union[
    Dict[str, Any],
    BotPublishedEvent,
    BotUnpublishedEvent,
    BotDeletedEvent,
    BenefitUsageEvent,
    PluginScaleRequestedEvent,
    PluginScaleExpiredEvent,
]
"""Tried left to right: `parse_event` builds the typed model, a plain dict stays a dict."""
_EVENT_MODELS: Dict[str, Any] = {
    APIAppEventType.BOT_PUBLISHED: BotPublishedEvent,
    APIAppEventType.BOT_UNPUBLISHED: BotUnpublishedEvent,
    APIAppEventType.BOT_DELETED: BotDeletedEvent,
    APIAppEventType.BENEFIT_USAGE: BenefitUsageEvent,
    APIAppEventType.BENEFIT_PLUGIN_SCALE_REQUESTED: PluginScaleRequestedEvent,
    APIAppEventType.BENEFIT_PLUGIN_SCALE_EXPIRED: PluginScaleExpiredEvent,
}


class CallbackEvent(CozeModel):
    """One callback: its header and its event, typed by `header.event_type` (a plain dict for event types
    this version does not know)."""

    header: CallbackHeader
    event: EventBody = Field(default_factory=dict, union_mode="left_to_right")

    @property
    def event_type(self) -> APIAppEventType:
        return self.header.event_type


@dataclasses.dataclass
class CallbackResult:
    """What `handle` made of a request: the URL challenge or an event, and the JSON to answer with."""

    challenge: Optional[str] = None
    event: Optional[CallbackEvent] = None
    reply: Dict[str, Any] = dataclasses.field(default_factory=dict)
    """The body to answer with (HTTP 200): the challenge echoed, or `{}` for an event."""


def compute_signature(timestamp: str, nonce: str, verify_token: str, body: Union[bytes, str]) -> str:
    """The signature Coze puts in `X-Coze-Signature` for these values."""
    raw = body.encode() if isinstance(body, str) else body
    return hashlib.sha1(timestamp.encode() + nonce.encode() + verify_token.encode() + raw).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        lower = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lower), None)
    return value or ""


def verify_signature(
    body: Union[bytes, str],
    headers: Mapping[str, str],
    verify_token: str,
    *,
    max_age: Optional[float] = None,
    now: Optional[float] = None,
) -> None:
    """Raise `SignatureError` unless `headers` carry Coze's signature of `body` (compared in constant
    time). With `max_age` (seconds), a timestamp older than that is refused too (replay protection)."""
    signature = _header(headers, SIGNATURE_HEADER)
    timestamp = _header(headers, TIMESTAMP_HEADER)
    nonce = _header(headers, NONCE_HEADER)
    if not (signature and timestamp and nonce):
        raise SignatureError("the callback request lacks X-Coze-Signature, X-Coze-Timestamp or X-Coze-Nonce")
    expected = compute_signature(timestamp, nonce, verify_token, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        raise SignatureError("the callback request's signature does not match")
    if max_age is not None:
        try:
            sent = float(timestamp)
        except ValueError:
            raise SignatureError("X-Coze-Timestamp is not a number") from None
        if sent > 1e11:  # milliseconds
            sent /= 1000
        if abs((time.time() if now is None else now) - sent) > max_age:
            raise SignatureError("the callback request is too old")


def _load(body: Union[bytes, str, Mapping[str, Any]]) -> Dict[str, Any]:
    if isinstance(body, Mapping):
        return dict(body)
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ValueError(f"a callback body is JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("a callback body is a JSON object")
    return data


def parse_event(body: Union[bytes, str, Mapping[str, Any]]) -> CallbackEvent:
    """Parse a callback body (raw or decoded) into a `CallbackEvent` with a typed `event`."""
    data = _load(body)
    header = CallbackHeader.model_validate(data.get("header") or {})
    raw_event = data.get("event") or {}
    model = _EVENT_MODELS.get(str(header.event_type))
    event = model.model_validate(raw_event) if model is not None else dict(raw_event)
    return CallbackEvent(header=header, event=event)


def handle(
    body: Union[bytes, str],
    headers: Mapping[str, str],
    verify_token: str,
    *,
    max_age: Optional[float] = None,
) -> CallbackResult:
    """Verify a callback request and read it: a URL challenge (answer `reply`, which echoes it) or an
    event (answer `reply`, an empty object, with HTTP 200). Raises `SignatureError` when forged."""
    verify_signature(body, headers, verify_token, max_age=max_age)
    data = _load(body)
    challenge = data.get("challenge")
    if isinstance(challenge, str) and "header" not in data:
        return CallbackResult(challenge=challenge, reply={"challenge": challenge})
    return CallbackResult(event=parse_event(data))
