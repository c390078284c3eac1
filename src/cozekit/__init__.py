"""cozekit: a Python SDK for the Coze OpenAPI, with a local Coze emulator.

>>> from cozekit import Coze, TokenAuth, COZE_CN_BASE_URL
>>> coze = Coze(auth=TokenAuth("pat_..."), base_url=COZE_CN_BASE_URL)
"""

import contextlib

from ._auth import Auth, TokenAuth
from ._client import AsyncCoze, Coze
from ._constants import COZE_CN_BASE_URL, COZE_COM_BASE_URL
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChatFailedError,
    ConflictError,
    CozeAPIError,
    CozeError,
    CozeInvalidEventError,
    GatewayError,
    InternalServerError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    UnprocessableEntityError,
)
from ._models import CozeModel, ListResponse, OpenEnum, ResponseInfo
from ._request import CallOptions
from ._retries import RetryPolicy
from ._streaming import AsyncStream, ServerSentEvent, Stream
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__
from .auth import *  # noqa: F403  (every OAuth flow and self-refreshing auth)
from .auth import __all__ as _auth_all
from .lib.dataset_wait import DocumentProcessingError, DocumentProcessingTimeoutError
from .pagination import AsyncPager, Page, SyncPager
from .types import *  # noqa: F403  (cozepy exports its models at the top level too)
from .types import __all__ as _types_all

__all__ = [
    "COZE_CN_BASE_URL",
    "COZE_COM_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncCoze",
    "AsyncPager",
    "AsyncStream",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "CallOptions",
    "ChatFailedError",
    "ConflictError",
    "Coze",
    "CozeAPIError",
    "CozeError",
    "CozeInvalidEventError",
    "CozeModel",
    "DocumentProcessingError",
    "DocumentProcessingTimeoutError",
    "GatewayError",
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

for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("cozekit._"):
        with contextlib.suppress(AttributeError, TypeError):
            _obj.__module__ = "cozekit"
del _name, _obj
