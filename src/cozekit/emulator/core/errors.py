"""The Coze errors the emulator answers with, in one table, and the one exception type that carries them.

Pure Python (no HTTP framework): backends raise `CozeErrors.<NAME>(...)`; `render.py` turns the
exception into the Coze envelope `{code, msg, detail: {logid}}` on the wire.

    raise CozeErrors.CHAT_NOT_FOUND(chat_id=chat_id)        # the table's message, filled in
    raise CozeErrors.PARAM_ERROR("page_size must be 1-50")  # the same code, this message
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, Optional

PARAM_ERROR_MSG = "Request parameter error"
AUTH_INVALID_MSG = "authentication is invalid"
NO_PERMISSION = (
    "Your token does not have permission to access resource. "
    "Please verify whether the resource ID or token is correct."
)
"""Coze's 4101 message."""
INVALID_UNICODE_MSG = f"{PARAM_ERROR_MSG}: a lone surrogate (\\ud800-\\udfff) is not Unicode"


class EmulatorError(Exception):
    """A Coze business error: `code` and `msg` go in the body, `http_status` on the response."""

    def __init__(self, code: int, msg: str, http_status: int = 200, headers: Optional[Dict[str, str]] = None):
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.headers = headers or {}


@dataclasses.dataclass(frozen=True)
class CozeError:
    """One row of the table: the Coze code, its default message (a `str.format` template when it names
    fields) and the HTTP status it is sent with. Calling it makes the exception to raise."""

    code: int
    msg: str
    http_status: int = 200

    def __call__(
        self,
        msg: Optional[str] = None,
        *,
        http_status: Optional[int] = None,
        headers: Optional[Dict[str, str]] = None,
        **fields: Any,
    ) -> EmulatorError:
        text = msg if msg is not None else self.msg.format(**fields) if fields else self.msg
        status = self.http_status if http_status is None else http_status
        return EmulatorError(self.code, text, status, headers)


class CozeErrors:
    """Every Coze error the emulator raises, by name (doc page coze_error_codes and the endpoint pages)."""

    AUDIO_TEXT_MISMATCH = CozeError(1109, "WERError: the audio does not match the text")
    TEXT_TOO_LONG = CozeError(3010, "the text exceeds {limit} bytes")
    PARAM_ERROR = CozeError(4000, PARAM_ERROR_MSG)
    MALFORMED_BODY = CozeError(4000, INVALID_UNICODE_MSG, http_status=400)
    """A body that cannot be read at all (bad JSON, invalid Unicode)."""
    BODY_TOO_LARGE = CozeError(4000, "request body too large", http_status=413)
    CHAT_NOT_FOUND = CozeError(4001, "Invalid chat: chat_id {chat_id} not found")
    CONVERSATION_NOT_FOUND = CozeError(
        4002, "invalid conversation: conversation_id {conversation_id} not found"
    )
    INVALID_META_DATA = CozeError(4003, "invalid meta_data")
    TOO_MANY_ADDITIONAL_MESSAGES = CozeError(4004, "additional_messages allows at most {limit} messages")
    INVALID_MESSAGE = CozeError(4005, "invalid message: {detail}")
    BOT_NOT_FOUND = CozeError(4006, "invalid bot: bot_id {bot_id} not found")
    STREAM_NEEDS_HISTORY = CozeError(4007, "stream=false only allowed when auto_save_history=true")
    RATE_LIMITED = CozeError(4009, "system rate limit reached, please retry later", http_status=429)
    BOT_NOT_PUBLISHED_TO_CHANNEL = CozeError(
        4015, "The bot_id {bot_id} has not been published to the channel {channel}."
    )
    CHAT_IN_PROGRESS = CozeError(4016, "a chat is already in progress in this conversation")
    UNAUTHENTICATED = CozeError(4100, AUTH_INVALID_MSG, http_status=401)
    """Sent with HTTP 401 (as the SDKs' issue reports show Coze does)."""
    CONTROL_TOKEN_REQUIRED = CozeError(
        4100, "control plane: missing or wrong X-Cozekit-Control-Token", http_status=401
    )
    NO_PERMISSION = CozeError(4101, NO_PERMISSION)
    """The token may not touch this resource (or not from this workspace)."""
    CONTROL_PLANE_REFUSED = CozeError(4101, "control plane refused: {why}", http_status=403)
    """A control-plane request from a browser page or an unknown host name."""
    CHAT_NOT_CANCELABLE = CozeError(4104, "chat in status {status} cannot be canceled")
    RESOURCE_NOT_FOUND = CozeError(4200, "Requested resource {what}={id} does not exist")
    """A resource that does not exist, or belongs to someone else."""
    ALREADY_MEMBER = CozeError(4201, "user {user_id} is already a member of the {group}")
    FILE_MISSING = CozeError(4300, "the uploaded file is empty")
    TOO_MANY_FILES = CozeError(4301, "only one file per upload, got {count}")
    FILE_TOO_LARGE = CozeError(4302, "file size exceeds the limit of {limit} bytes")
    FILE_TYPE_UNSUPPORTED = CozeError(4303, "file type {ext!r} is not supported")
    FILE_NOT_FOUND = CozeError(4304, "invalid file: file_id {file_id} not found")
    EXECUTION_NOT_FOUND = CozeError(4314, "execute record {execute_id} not found")
    EXECUTION_FINISHED = CozeError(4315, "the workflow execution has already finished")
    MODEL_ERROR = CozeError(4013, "model error")
    """The OpenAI-compatible model the emulator was pointed at failed."""
    INTERNAL_ERROR = CozeError(5000, "internal error")
    SERVER_ERROR = CozeError(5000, "internal server error", http_status=500)
    WORKFLOW_NODE_FAILED = CozeError(720701013, "node failed")
    """A workflow node failed (Coze's workflow execution error seen in the wild)."""
    PREMIUM_REQUIRED = CozeError(
        6003,
        "Workflow execution with is_async=true is a premium feature available only to Coze Professional"
        " users",
    )
    ENTERPRISE_MEMBER_LIMIT = CozeError(777074011, "an enterprise has at most {limit} members")
    """An enterprise at its member limit."""
    LAST_SUPER_ADMIN = CozeError(777074044, "an organization needs another super admin first")
    """Removing (or demoting) an organization's only super admin."""


def bad_request(msg: str = PARAM_ERROR_MSG) -> EmulatorError:
    """Coze 4000, the generic parameter error."""
    return CozeErrors.PARAM_ERROR(msg)


def malformed_body(msg: str = INVALID_UNICODE_MSG) -> EmulatorError:
    """Coze 4000 with HTTP 400: a body that cannot be read at all (bad JSON, invalid Unicode)."""
    return CozeErrors.MALFORMED_BODY(msg)


def callback_url_refused(why: str) -> EmulatorError:
    """Coze 4000: a `callback_url` that is not allowed or did not answer the URL-verification challenge."""
    return CozeErrors.PARAM_ERROR(f"{PARAM_ERROR_MSG}: callback_url: {why}")


def unknown_field(name: str) -> EmulatorError:
    """Coze 4000 in `strict_requests` mode: a JSON body field the endpoint does not know."""
    return CozeErrors.PARAM_ERROR(
        f"{PARAM_ERROR_MSG}: unknown field {name!r} (the emulator's strict_requests)"
    )


def forbidden(msg: str = NO_PERMISSION) -> EmulatorError:
    """Coze 4101: the token may not touch this resource (or not from this workspace)."""
    return CozeErrors.NO_PERMISSION(msg)


def control_plane_refused(why: str) -> EmulatorError:
    """Coze 4101 with HTTP 403: a control-plane request from a browser page or an unknown host name."""
    return CozeErrors.CONTROL_PLANE_REFUSED(why=why)


def control_token_required() -> EmulatorError:
    """Coze 4100 with HTTP 401: the control token is missing or wrong."""
    return CozeErrors.CONTROL_TOKEN_REQUIRED()


def not_found(what: str, id: str) -> EmulatorError:
    """Coze 4200 for a resource that does not exist, or belongs to someone else."""
    return CozeErrors.RESOURCE_NOT_FOUND(what=what, id=id)


def unauthenticated() -> EmulatorError:
    """Coze 4100, sent with HTTP 401 (as the SDKs' issue reports show Coze does)."""
    return CozeErrors.UNAUTHENTICATED()


def envelope_body(code: int, msg: str, logid: str, **extra: Any) -> Dict[str, Any]:
    """The Coze envelope: `{code, msg, ...extra, detail: {logid}}`."""
    body: Dict[str, Any] = {"code": code, "msg": msg}
    body.update(extra)
    body["detail"] = {"logid": logid}
    return body


def envelope_bytes(code: int, msg: str, logid: str) -> bytes:
    return json.dumps(envelope_body(code, msg, logid), ensure_ascii=False, separators=(",", ":")).encode()
