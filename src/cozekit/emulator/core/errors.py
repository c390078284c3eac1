"""One error type and one renderer: every failure leaves the emulator as a Coze envelope."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def bad_request(msg: str = PARAM_ERROR_MSG) -> EmulatorError:
    """Coze 4000, the generic parameter error."""
    return EmulatorError(4000, msg)


def malformed_body(msg: str = INVALID_UNICODE_MSG) -> EmulatorError:
    """Coze 4000 with HTTP 400: a body that cannot be read at all (bad JSON, invalid Unicode)."""
    return EmulatorError(4000, msg, http_status=400)


def callback_url_refused(why: str) -> EmulatorError:
    """Coze 4000: a `callback_url` that is not allowed or did not answer the URL-verification challenge."""
    return EmulatorError(4000, f"{PARAM_ERROR_MSG}: callback_url: {why}")


def unknown_field(name: str) -> EmulatorError:
    """Coze 4000 in `strict_requests` mode: a JSON body field the endpoint does not know."""
    return EmulatorError(4000, f"{PARAM_ERROR_MSG}: unknown field {name!r} (the emulator's strict_requests)")


def forbidden(msg: str = NO_PERMISSION) -> EmulatorError:
    """Coze 4101: the token may not touch this resource (or not from this workspace)."""
    return EmulatorError(4101, msg)


def control_refused(why: str) -> EmulatorError:
    """Coze 4101 with HTTP 403: a control-plane request from a browser page or an unknown host name."""
    return EmulatorError(4101, f"control plane refused: {why}", http_status=403)


def control_unauthenticated() -> EmulatorError:
    """Coze 4100 with HTTP 401: the control token is missing or wrong."""
    return EmulatorError(4100, "control plane: missing or wrong X-Cozekit-Control-Token", http_status=401)


def not_found(what: str, id: str) -> EmulatorError:
    """Coze 4200 for a resource that does not exist, or belongs to someone else."""
    return EmulatorError(4200, f"Requested resource {what}={id} does not exist")


def unauthenticated() -> EmulatorError:
    """Coze 4100, sent with HTTP 401 (protocol.md §14 #7)."""
    return EmulatorError(4100, AUTH_INVALID_MSG, http_status=401)


def envelope_body(code: int, msg: str, logid: str, **extra: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {"code": code, "msg": msg}
    body.update(extra)
    body["detail"] = {"logid": logid}
    return body


def envelope_bytes(code: int, msg: str, logid: str) -> bytes:
    return json.dumps(envelope_body(code, msg, logid), ensure_ascii=False, separators=(",", ":")).encode()


def logid_of(request: Request) -> str:
    return str(getattr(request.state, "logid", ""))


def render(request: Request, err: EmulatorError) -> JSONResponse:
    return JSONResponse(
        envelope_body(err.code, err.msg, logid_of(request)), status_code=err.http_status, headers=err.headers
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception the app can raise through `render`."""

    async def on_emulator_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, EmulatorError)
        return render(request, exc)

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return render(request, bad_request(_describe(exc)))

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = 4200 if exc.status_code == 404 else 4000
        msg = "Not Found" if exc.status_code == 404 else str(exc.detail)
        return render(request, EmulatorError(code, msg, http_status=exc.status_code))

    app.add_exception_handler(EmulatorError, on_emulator_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return f"{PARAM_ERROR_MSG}: " + "; ".join(parts) if parts else PARAM_ERROR_MSG
