"""The error tree. Every error raised for a Coze answer carries `code`, `msg`, `logid`, the HTTP status,
`debug_url` when present and the raw body.

    CozeError
    ├── CozeAPIError (alias APIError): Coze answered with an error
    │   ├── BadRequestError            HTTP 400, code 4000
    │   ├── AuthenticationError        HTTP 401, code 4100, 700012006
    │   ├── PermissionDeniedError      HTTP 403, code 4101
    │   ├── NotFoundError              HTTP 404, code 4200
    │   ├── RequestTimeoutError        HTTP 408
    │   ├── ConflictError              HTTP 409
    │   ├── UnprocessableEntityError   HTTP 422
    │   ├── RateLimitError             HTTP 429, codes 4008, 4009, 4020
    │   ├── ServerError                HTTP >= 500
    │   │   ├── InternalServerError    HTTP 500
    │   │   └── GatewayError           HTTP 502
    │   ├── ChatFailedError            a chat ended `failed` (its `last_error`)
    │   ├── ChatStreamError            a chat stream's `error` event (code without a class above)
    │   └── OAuthError                 an OAuth endpoint's `error_code`
    ├── APIConnectionError: no answer (connection refused, reset...)
    │   ├── APITimeoutError
    │   └── IncompleteStreamError      an event stream ended or broke before its last event
    ├── APIUserAbortError: the call was aborted (`AbortController.abort()`, `stream.close()`)
    ├── CozeInvalidEventError: a stream sent something that is not a valid event
    └── APIResponseValidationError: an answer that does not have the declared shape
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "APIUserAbortError",
    "AuthenticationError",
    "BadRequestError",
    "ChatFailedError",
    "ChatStreamError",
    "ConflictError",
    "CozeAPIError",
    "CozeError",
    "CozeInvalidEventError",
    "GatewayError",
    "IncompleteStreamError",
    "InternalServerError",
    "NotFoundError",
    "OAuthError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "UnprocessableEntityError",
]


class CozeError(Exception):
    """Base of every error cozekit raises."""


class CozeAPIError(CozeError):
    """Coze answered, and the answer is an error.

    `code` and `msg` are Coze's business code and message (the HTTP status when the body has none),
    `logid` the `x-tt-logid` to quote to Coze support.
    """

    code: int
    msg: str
    logid: str
    status_code: Optional[int]
    debug_url: Optional[str]
    body: Any

    def __init__(
        self,
        code: Optional[int] = None,
        msg: str = "",
        logid: Optional[str] = None,
        debug_url: Optional[str] = None,
        *,
        status_code: Optional[int] = None,
        body: Any = None,
        response: Optional[httpx.Response] = None,
        hint: str = "",
    ) -> None:
        self.code = code if code is not None else (status_code or 0)
        self.msg = msg
        self.logid = logid or ""
        self.debug_url = debug_url
        self.status_code = status_code
        self.body = body
        self.response = response
        self.hint = hint
        super().__init__(self._describe())

    def _describe(self) -> str:
        parts = [f"code: {self.code}, msg: {self.msg}"]
        if self.status_code is not None and self.status_code != 200:
            parts.append(f"status: {self.status_code}")
        if self.logid:
            parts.append(f"logid: {self.logid}")
        if self.debug_url:
            parts.append(f"debug_url: {self.debug_url}")
        text = ", ".join(parts)
        return f"{text}. {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, msg={self.msg!r}, logid={self.logid!r})"


APIError = CozeAPIError


class BadRequestError(CozeAPIError):
    """The request was rejected as invalid (HTTP 400, code 4000)."""


class AuthenticationError(CozeAPIError):
    """The token is missing, invalid or expired (HTTP 401, code 4100)."""


class PermissionDeniedError(CozeAPIError):
    """The token may not act on this resource (HTTP 403, code 4101)."""


class NotFoundError(CozeAPIError):
    """The resource does not exist (HTTP 404, code 4200)."""


class RequestTimeoutError(CozeAPIError):
    """The server timed the request out (HTTP 408)."""


class ConflictError(CozeAPIError):
    """HTTP 409."""


class UnprocessableEntityError(CozeAPIError):
    """HTTP 422."""


class RateLimitError(CozeAPIError):
    """Too many requests (HTTP 429, codes 4008, 4009, 4020)."""


class ServerError(CozeAPIError):
    """The server failed (HTTP >= 500)."""


class InternalServerError(ServerError):
    """HTTP 500."""


class GatewayError(ServerError):
    """HTTP 502: a proxy in front of Coze failed."""


class ChatFailedError(CozeAPIError):
    """A chat ended with status `failed`; `code`/`msg` are its `last_error`, `chat` the chat object."""

    chat: Any = None


class ChatStreamError(CozeAPIError):
    """A chat (or chatflow) stream sent an `error` event whose code has no more specific class (a code
    that has one, e.g. 4200, raises that class: `NotFoundError`)."""


class OAuthError(CozeAPIError):
    """An OAuth endpoint refused; `error_code` is its string code (e.g. `invalid_grant`)."""

    @property
    def error_code(self) -> str:
        if isinstance(self.body, dict):
            value = self.body.get("error_code") or self.body.get("error")
            if isinstance(value, str):
                return value
        return self.msg


class APIConnectionError(CozeError):
    """No (complete) answer arrived: the connection failed or broke. `logid` is set when the response
    headers had arrived (the connection broke while the body was read)."""

    def __init__(
        self, message: str = "Connection error.", *, request: Optional[httpx.Request] = None, logid: str = ""
    ) -> None:
        if logid and "logid" not in message:
            message = f"{message} (logid: {logid})"
        super().__init__(message)
        self.request = request
        self.logid = logid


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(
        self, message: str = "Request timed out.", *, request: Optional[httpx.Request] = None, logid: str = ""
    ) -> None:
        super().__init__(message, request=request, logid=logid)


class IncompleteStreamError(APIConnectionError):
    """An event stream ended (or its connection broke) before its last event. `last_event` is the name
    of the last event received (None if there was none); the cause, if any, is chained."""

    def __init__(self, message: str, *, last_event: Optional[str] = None, logid: str = "") -> None:
        super().__init__(message, logid=logid)
        self.last_event = last_event


class APIUserAbortError(CozeError):
    """The call or stream was aborted by the caller (`AbortController.abort()`, or `stream.close()` from
    another thread while it was read). `reason` is what `abort()` was given."""

    def __init__(
        self, message: str = "the request was aborted", *, reason: Any = None, logid: str = ""
    ) -> None:
        if logid:
            message = f"{message} (logid: {logid})"
        super().__init__(message)
        self.reason = reason
        self.logid = logid


class CozeInvalidEventError(CozeError):
    """A stream carried an event that could not be understood."""

    def __init__(self, field: str = "", data: str = "", logid: str = "") -> None:
        self.field = field
        self.data = data
        self.logid = logid
        super().__init__(f"invalid event, field: {field}, data: {data[:200]}, logid: {logid}")


class APIResponseValidationError(CozeError):
    """A response did not have the shape this endpoint declares: one with no usable shape, or (with
    strict validation) any field that does not validate. `field` names the first bad field's path,
    `errors` lists pydantic's errors."""

    def __init__(
        self,
        message: str,
        *,
        body: Any = None,
        logid: str = "",
        status_code: Optional[int] = None,
        field: str = "",
    ) -> None:
        self.body = body
        self.logid = logid
        self.status_code = status_code
        self.field = field
        self.errors: List[Any] = []
        super().__init__(f"{message} (logid: {logid})" if logid else message)


_BY_STATUS: Dict[int, Type[CozeAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: InternalServerError,
    502: GatewayError,
}

_BY_CODE: Dict[int, Type[CozeAPIError]] = {
    4000: BadRequestError,
    4100: AuthenticationError,
    700012006: AuthenticationError,
    4101: PermissionDeniedError,
    4200: NotFoundError,
    4008: RateLimitError,
    4009: RateLimitError,
    4020: RateLimitError,
}

AUTH_CODES = frozenset({4100, 4101, 700012006})
RETRYABLE_CODES = frozenset({4009, 4020})
"""HTTP-200 business codes worth retrying: system overload and RPM limits (not 4008, a daily quota)."""


def describe_exception(exc: BaseException) -> str:
    """An exception as text that is never empty: `ReadError: peer closed`, or just `ReadError` when
    its message is empty (httpx raises some with none)."""
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def error_class(status_code: Optional[int], code: Optional[int]) -> Type[CozeAPIError]:
    """The class for an error answer: the business code decides, then the HTTP status."""
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if status_code is not None:
        if status_code in _BY_STATUS:
            return _BY_STATUS[status_code]
        if status_code >= 500:
            return ServerError
    return CozeAPIError
