"""cozekit: a Python SDK for the Coze OpenAPI, with a local Coze emulator.

>>> from cozekit import Coze, TokenAuth, COZE_CN_BASE_URL
>>> coze = Coze(auth=TokenAuth("pat_..."), base_url=COZE_CN_BASE_URL)
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import VERSION as VERSION
from ._version import __version__ as __version__

if TYPE_CHECKING:
    # (isort would split the `X as X` re-exports into a statement each)
    # isort: off
    from ._abort import (
        AbortController as AbortController,
        AbortSignal as AbortSignal,
    )
    from ._client import (
        AsyncCoze as AsyncCoze,
        Coze as Coze,
    )
    from ._compat import (
        AsyncHTTPClient as AsyncHTTPClient,
        FileHTTPResponse as FileHTTPResponse,
        SyncHTTPClient as SyncHTTPClient,
    )
    from ._constants import (
        COZE_CN_BASE_URL as COZE_CN_BASE_URL,
        COZE_COM_BASE_URL as COZE_COM_BASE_URL,
        DEFAULT_CONNECTION_LIMITS as DEFAULT_CONNECTION_LIMITS,
        DEFAULT_TIMEOUT as DEFAULT_TIMEOUT,
    )
    from ._exceptions import (
        APIConnectionError as APIConnectionError,
        APIError as APIError,
        APIResponseValidationError as APIResponseValidationError,
        APITimeoutError as APITimeoutError,
        APIUserAbortError as APIUserAbortError,
        AuthenticationError as AuthenticationError,
        BadRequestError as BadRequestError,
        ChatFailedError as ChatFailedError,
        ChatStreamError as ChatStreamError,
        ConflictError as ConflictError,
        CozeAPIError as CozeAPIError,
        CozeError as CozeError,
        CozeInvalidEventError as CozeInvalidEventError,
        GatewayError as GatewayError,
        IncompleteStreamError as IncompleteStreamError,
        InternalServerError as InternalServerError,
        NotFoundError as NotFoundError,
        OAuthError as OAuthError,
        PermissionDeniedError as PermissionDeniedError,
        RateLimitError as RateLimitError,
        RequestTimeoutError as RequestTimeoutError,
        ServerError as ServerError,
        UnprocessableEntityError as UnprocessableEntityError,
    )
    from ._models import (
        CozeModel as CozeModel,
        ListResponse as ListResponse,
        OpenEnum as OpenEnum,
        ResponseInfo as ResponseInfo,
    )
    from ._request import (
        CallOptions as CallOptions,
    )
    from ._retries import (
        RetryPolicy as RetryPolicy,
    )
    from ._streaming import (
        AsyncStream as AsyncStream,
        ServerSentEvent as ServerSentEvent,
        Stream as Stream,
    )
    from ._types import (
        NOT_GIVEN as NOT_GIVEN,
        NotGiven as NotGiven,
    )
    from .auth import *  # noqa: F403  (every OAuth flow and self-refreshing auth)
    from .log import setup_logging as setup_logging
    from .pagination import (
        AsyncLastIDPaged as AsyncLastIDPaged,
        AsyncNumberPaged as AsyncNumberPaged,
        AsyncPagedBase as AsyncPagedBase,
        AsyncPager as AsyncPager,
        LastIDPaged as LastIDPaged,
        LastIDPagedResponse as LastIDPagedResponse,
        NumberPaged as NumberPaged,
        NumberPagedResponse as NumberPagedResponse,
        Page as Page,
        SyncPager as SyncPager,
    )
    from .resources.datasets._process import (
        DocumentProcessingError as DocumentProcessingError,
        DocumentProcessingTimeoutError as DocumentProcessingTimeoutError,
    )
    from .types import *  # noqa: F403  (cozepy exports its models at the top level too)
    from .websockets import (
        AsyncWebsocketsAudioSpeechClient as AsyncWebsocketsAudioSpeechClient,
        AsyncWebsocketsAudioSpeechEventHandler as AsyncWebsocketsAudioSpeechEventHandler,
        AsyncWebsocketsAudioTranscriptionsClient as AsyncWebsocketsAudioTranscriptionsClient,
        AsyncWebsocketsAudioTranscriptionsEventHandler as AsyncWebsocketsAudioTranscriptionsEventHandler,
        AsyncWebsocketsChatClient as AsyncWebsocketsChatClient,
        AsyncWebsocketsChatEventHandler as AsyncWebsocketsChatEventHandler,
        WebsocketsAudioSpeechClient as WebsocketsAudioSpeechClient,
        WebsocketsAudioSpeechEventHandler as WebsocketsAudioSpeechEventHandler,
        WebsocketsAudioTranscriptionsClient as WebsocketsAudioTranscriptionsClient,
        WebsocketsAudioTranscriptionsEventHandler as WebsocketsAudioTranscriptionsEventHandler,
        WebsocketsChatClient as WebsocketsChatClient,
        WebsocketsChatEventHandler as WebsocketsChatEventHandler,
    )

# Everything is imported on first use (PEP 562): `import cozekit` loads neither httpx nor pydantic.
# lazy exports: written by scripts/lazy_exports.py from the TYPE_CHECKING imports; do not edit
_EXPORTS = {
    "AbortController": "._abort",
    "AbortSignal": "._abort",
    "AsyncCoze": "._client",
    "Coze": "._client",
    "AsyncHTTPClient": "._compat",
    "FileHTTPResponse": "._compat",
    "SyncHTTPClient": "._compat",
    "COZE_CN_BASE_URL": "._constants",
    "COZE_COM_BASE_URL": "._constants",
    "DEFAULT_CONNECTION_LIMITS": "._constants",
    "DEFAULT_TIMEOUT": "._constants",
    "APIConnectionError": "._exceptions",
    "APIError": "._exceptions",
    "APIResponseValidationError": "._exceptions",
    "APITimeoutError": "._exceptions",
    "APIUserAbortError": "._exceptions",
    "AuthenticationError": "._exceptions",
    "BadRequestError": "._exceptions",
    "ChatFailedError": "._exceptions",
    "ChatStreamError": "._exceptions",
    "ConflictError": "._exceptions",
    "CozeAPIError": "._exceptions",
    "CozeError": "._exceptions",
    "CozeInvalidEventError": "._exceptions",
    "GatewayError": "._exceptions",
    "IncompleteStreamError": "._exceptions",
    "InternalServerError": "._exceptions",
    "NotFoundError": "._exceptions",
    "OAuthError": "._exceptions",
    "PermissionDeniedError": "._exceptions",
    "RateLimitError": "._exceptions",
    "RequestTimeoutError": "._exceptions",
    "ServerError": "._exceptions",
    "UnprocessableEntityError": "._exceptions",
    "CozeModel": "._models",
    "ListResponse": "._models",
    "OpenEnum": "._models",
    "ResponseInfo": "._models",
    "CallOptions": "._request",
    "RetryPolicy": "._retries",
    "AsyncStream": "._streaming",
    "ServerSentEvent": "._streaming",
    "Stream": "._streaming",
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
    "setup_logging": ".log",
    "AsyncLastIDPaged": ".pagination",
    "AsyncNumberPaged": ".pagination",
    "AsyncPagedBase": ".pagination",
    "AsyncPager": ".pagination",
    "LastIDPaged": ".pagination",
    "LastIDPagedResponse": ".pagination",
    "NumberPaged": ".pagination",
    "NumberPagedResponse": ".pagination",
    "Page": ".pagination",
    "SyncPager": ".pagination",
    "DocumentProcessingError": ".resources.datasets._process",
    "DocumentProcessingTimeoutError": ".resources.datasets._process",
    "AsyncWebsocketsAudioSpeechClient": ".websockets",
    "AsyncWebsocketsAudioSpeechEventHandler": ".websockets",
    "AsyncWebsocketsAudioTranscriptionsClient": ".websockets",
    "AsyncWebsocketsAudioTranscriptionsEventHandler": ".websockets",
    "AsyncWebsocketsChatClient": ".websockets",
    "AsyncWebsocketsChatEventHandler": ".websockets",
    "WebsocketsAudioSpeechClient": ".websockets",
    "WebsocketsAudioSpeechEventHandler": ".websockets",
    "WebsocketsAudioTranscriptionsClient": ".websockets",
    "WebsocketsAudioTranscriptionsEventHandler": ".websockets",
    "WebsocketsChatClient": ".websockets",
    "WebsocketsChatEventHandler": ".websockets",
}
_PACKAGES = (".auth", ".types")  # lazy packages whose names this one exports too
# end of lazy exports

if not TYPE_CHECKING:
    __getattr__, __dir__, _names = lazy_exports(
        __name__, _EXPORTS, globals(), packages=_PACKAGES, public_module="cozekit"
    )
    __all__ = ["VERSION", "__version__", *_names]
