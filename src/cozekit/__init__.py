"""cozekit: a Python SDK for the Coze OpenAPI, with a local Coze emulator.

>>> from cozekit import Coze, TokenAuth, COZE_CN_BASE_URL
>>> coze = Coze(auth=TokenAuth("pat_..."), base_url=COZE_CN_BASE_URL)
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import VERSION, __version__
from .auth import __all__ as _auth_all
from .types import __all__ as _types_all

if TYPE_CHECKING:
    from ._abort import (
        AbortController,
        AbortSignal,
    )
    from ._client import (
        AsyncCoze,
        Coze,
    )
    from ._compat import (
        AsyncHTTPClient,
        FileHTTPResponse,
        SyncHTTPClient,
    )
    from ._constants import (
        COZE_CN_BASE_URL,
        COZE_COM_BASE_URL,
        DEFAULT_CONNECTION_LIMITS,
        DEFAULT_TIMEOUT,
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
    from .log import setup_logging
    from .pagination import (
        AsyncLastIDPaged,
        AsyncNumberPaged,
        AsyncPagedBase,
        AsyncPager,
        LastIDPaged,
        LastIDPagedResponse,
        NumberPaged,
        NumberPagedResponse,
        Page,
        SyncPager,
    )
    from .resources.datasets._process import (
        DocumentProcessingError,
        DocumentProcessingTimeoutError,
    )
    from .types import *  # noqa: F403  (cozepy exports its models at the top level too)
    from .websockets import (
        AsyncWebsocketsAudioSpeechClient,
        AsyncWebsocketsAudioSpeechEventHandler,
        AsyncWebsocketsAudioTranscriptionsClient,
        AsyncWebsocketsAudioTranscriptionsEventHandler,
        AsyncWebsocketsChatClient,
        AsyncWebsocketsChatEventHandler,
        WebsocketsAudioSpeechClient,
        WebsocketsAudioSpeechEventHandler,
        WebsocketsAudioTranscriptionsClient,
        WebsocketsAudioTranscriptionsEventHandler,
        WebsocketsChatClient,
        WebsocketsChatEventHandler,
    )

# Everything is imported on first use (PEP 562): `import cozekit` loads neither httpx nor pydantic.
_WEBSOCKETS = (
    "AsyncWebsocketsAudioSpeechClient",
    "AsyncWebsocketsAudioSpeechEventHandler",
    "AsyncWebsocketsAudioTranscriptionsClient",
    "AsyncWebsocketsAudioTranscriptionsEventHandler",
    "AsyncWebsocketsChatClient",
    "AsyncWebsocketsChatEventHandler",
    "WebsocketsAudioSpeechClient",
    "WebsocketsAudioSpeechEventHandler",
    "WebsocketsAudioTranscriptionsClient",
    "WebsocketsAudioTranscriptionsEventHandler",
    "WebsocketsChatClient",
    "WebsocketsChatEventHandler",
)
_PAGERS = (
    "AsyncLastIDPaged",
    "AsyncNumberPaged",
    "AsyncPagedBase",
    "AsyncPager",
    "LastIDPaged",
    "LastIDPagedResponse",
    "NumberPaged",
    "NumberPagedResponse",
    "Page",
    "SyncPager",
)
_auth_names = tuple(name for name in _auth_all if not name.startswith("COZE_"))

_EXPORTS = {
    "._abort": (
        "AbortController",
        "AbortSignal",
    ),
    "._client": (
        "AsyncCoze",
        "Coze",
    ),
    "._compat": (
        "AsyncHTTPClient",
        "FileHTTPResponse",
        "SyncHTTPClient",
    ),
    "._constants": (
        "COZE_CN_BASE_URL",
        "COZE_COM_BASE_URL",
        "DEFAULT_CONNECTION_LIMITS",
        "DEFAULT_TIMEOUT",
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
    ".resources.datasets._process": (
        "DocumentProcessingError",
        "DocumentProcessingTimeoutError",
    ),
    ".log": ("setup_logging",),
    ".pagination": _PAGERS,
    ".types": tuple(_types_all),
    ".auth": _auth_names,
    ".websockets": _WEBSOCKETS,
}

__all__ = [
    "COZE_CN_BASE_URL",
    "COZE_COM_BASE_URL",
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "VERSION",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "APIUserAbortError",
    "AbortController",
    "AbortSignal",
    "AsyncCoze",
    "AsyncHTTPClient",
    "AsyncLastIDPaged",
    "AsyncNumberPaged",
    "AsyncPagedBase",
    "AsyncPager",
    "AsyncStream",
    "AsyncWebsocketsAudioSpeechClient",
    "AsyncWebsocketsAudioSpeechEventHandler",
    "AsyncWebsocketsAudioTranscriptionsClient",
    "AsyncWebsocketsAudioTranscriptionsEventHandler",
    "AsyncWebsocketsChatClient",
    "AsyncWebsocketsChatEventHandler",
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
    "FileHTTPResponse",
    "GatewayError",
    "IncompleteStreamError",
    "InternalServerError",
    "LastIDPaged",
    "LastIDPagedResponse",
    "ListResponse",
    "NotFoundError",
    "NotGiven",
    "NumberPaged",
    "NumberPagedResponse",
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
    "SyncHTTPClient",
    "SyncPager",
    "UnprocessableEntityError",
    "WebsocketsAudioSpeechClient",
    "WebsocketsAudioSpeechEventHandler",
    "WebsocketsAudioTranscriptionsClient",
    "WebsocketsAudioTranscriptionsEventHandler",
    "WebsocketsChatClient",
    "WebsocketsChatEventHandler",
    "__version__",
    "setup_logging",
]
__all__ += _types_all
__all__ += _auth_names

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), public_module="cozekit")
