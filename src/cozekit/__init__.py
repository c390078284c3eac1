"""cozekit: a Python SDK for the Coze OpenAPI, with a local Coze emulator.

>>> from cozekit import Coze, TokenAuth, COZE_CN_BASE_URL
>>> coze = Coze(auth=TokenAuth("pat_..."), base_url=COZE_CN_BASE_URL)
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__
from .auth import __all__ as _auth_all
from .types import __all__ as _types_all

if TYPE_CHECKING:
    from ._abort import (
        AbortController,
        AbortSignal,
    )
    from ._auth import (
        Auth,
        TokenAuth,
    )
    from ._client import (
        AsyncCoze,
        Coze,
    )
    from ._constants import (
        COZE_CN_BASE_URL,
        COZE_COM_BASE_URL,
    )
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APITimeoutError,
        APIUserAbortError,
        AuthenticationError,
        BadRequestError,
        ChatFailedError,
        ChatStreamError,
        ConflictError,
        CozeAPIError,
        CozeError,
        CozeInvalidEventError,
        GatewayError,
        IncompleteStreamError,
        InternalServerError,
        NotFoundError,
        OAuthError,
        PermissionDeniedError,
        RateLimitError,
        RequestTimeoutError,
        ServerError,
        UnprocessableEntityError,
    )
    from ._models import (
        CozeModel,
        ListResponse,
        OpenEnum,
        ResponseInfo,
    )
    from ._request import (
        CallOptions,
    )
    from ._retries import (
        RetryPolicy,
    )
    from ._streaming import (
        AsyncStream,
        ServerSentEvent,
        Stream,
    )
    from ._types import (
        NOT_GIVEN,
        NotGiven,
    )
    from .auth import *  # noqa: F403  (every OAuth flow and self-refreshing auth)
    from .lib.dataset_wait import (
        DocumentProcessingError,
        DocumentProcessingTimeoutError,
    )
    from .pagination import (
        AsyncPager,
        Page,
        SyncPager,
    )
    from .types import *  # noqa: F403  (cozepy exports its models at the top level too)

# Everything is imported on first use (PEP 562): `import cozekit` loads neither httpx nor pydantic.
_EXPORTS = {
    "._abort": (
        "AbortController",
        "AbortSignal",
    ),
    "._auth": (
        "Auth",
        "TokenAuth",
    ),
    "._client": (
        "AsyncCoze",
        "Coze",
    ),
    "._constants": (
        "COZE_CN_BASE_URL",
        "COZE_COM_BASE_URL",
    ),
    "._exceptions": (
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
    ),
    "._models": (
        "CozeModel",
        "ListResponse",
        "OpenEnum",
        "ResponseInfo",
    ),
    "._request": ("CallOptions",),
    "._retries": ("RetryPolicy",),
    "._streaming": (
        "AsyncStream",
        "ServerSentEvent",
        "Stream",
    ),
    "._types": (
        "NOT_GIVEN",
        "NotGiven",
    ),
    ".lib.dataset_wait": (
        "DocumentProcessingError",
        "DocumentProcessingTimeoutError",
    ),
    ".pagination": (
        "AsyncPager",
        "Page",
        "SyncPager",
    ),
    ".types": tuple(_types_all),
    ".auth": tuple(_auth_all),
}

__all__ = [
    "COZE_CN_BASE_URL",
    "COZE_COM_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "APIUserAbortError",
    "AbortController",
    "AbortSignal",
    "AsyncCoze",
    "AsyncPager",
    "AsyncStream",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "CallOptions",
    "ChatFailedError",
    "ChatStreamError",
    "ConflictError",
    "Coze",
    "CozeAPIError",
    "CozeError",
    "CozeInvalidEventError",
    "CozeModel",
    "DocumentProcessingError",
    "DocumentProcessingTimeoutError",
    "GatewayError",
    "IncompleteStreamError",
    "InternalServerError",
    "ListResponse",
    "NotFoundError",
    "NotGiven",
    "OAuthError",
    "OpenEnum",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ResponseInfo",
    "RetryPolicy",
    "ServerError",
    "ServerSentEvent",
    "Stream",
    "SyncPager",
    "TokenAuth",
    "UnprocessableEntityError",
    "__version__",
]
__all__ += _types_all
__all__ += _auth_all

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), public_module="cozekit")
