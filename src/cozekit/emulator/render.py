"""The one place an exception becomes an HTTP response: every failure leaves the emulator as a Coze
envelope (the table is `core/errors.py`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .core.errors import PARAM_ERROR_MSG, CozeErrors, EmulatorError, bad_request, envelope_body


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
        if exc.status_code == 404:
            err = CozeErrors.RESOURCE_NOT_FOUND("Not Found", http_status=404)
        else:
            err = CozeErrors.PARAM_ERROR(str(exc.detail), http_status=exc.status_code)
        return render(request, err)

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
