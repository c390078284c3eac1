"""`Coze` and `AsyncCoze`: configuration, and one lazily built attribute per API noun."""

from __future__ import annotations

import copy
import warnings
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping, Optional, TypeVar, Union

import httpx

from ._auth import Auth, TokenAuth
from ._base_client import AsyncAPIClient, BaseClient, SyncAPIClient
from ._constants import (
    COZE_COM_BASE_URL,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RETRIES,
    ENV_API_BASE,
    ENV_API_TOKEN,
)
from ._env import env
from ._resource import AsyncAPIResource, SyncAPIResource
from ._retries import RetryPolicy
from ._types import NOT_GIVEN, NotGiven, Timeout

if TYPE_CHECKING:
    from .resources.api_apps import APIApps, AsyncAPIApps
    from .resources.apps import Apps, AsyncApps
    from .resources.audio import AsyncAudio, Audio
    from .resources.bots import AsyncBots, Bots
    from .resources.chat import AsyncChatResource, ChatResource
    from .resources.commerce import AsyncCommerce, Commerce
    from .resources.connectors import AsyncConnectors, Connectors
    from .resources.conversations import AsyncConversations, Conversations
    from .resources.datasets import AsyncDatasets, Datasets
    from .resources.enterprises import AsyncEnterprises, Enterprises
    from .resources.entities import AsyncEntities, Entities
    from .resources.files import AsyncFiles, Files
    from .resources.folders import AsyncFolders, Folders
    from .resources.knowledge import AsyncKnowledge, Knowledge
    from .resources.organizations import AsyncOrganizations, Organizations
    from .resources.plugins import AsyncPlugins, Plugins
    from .resources.stores import AsyncStores, Stores
    from .resources.templates import AsyncTemplates, Templates
    from .resources.users import AsyncUsers, Users
    from .resources.variables import AsyncVariables, Variables
    from .resources.workflows import AsyncWorkflows, Workflows
    from .resources.workspaces import AsyncWorkspaces, Workspaces
    from .websockets import AsyncWebsocketsClient, WebsocketsClient

__all__ = ["AsyncCoze", "Coze"]

_C = TypeVar("_C", bound=BaseClient)


def _resolve(auth: Optional[Auth], base_url: Optional[str]) -> tuple[Auth, str]:
    if auth is None:
        token = env(ENV_API_TOKEN)
        if token is None:
            raise ValueError(f"no credentials: pass auth=TokenAuth('pat_...') or set {ENV_API_TOKEN}")
        auth = TokenAuth(token)
    if base_url is None:
        base_url = env(ENV_API_BASE) or COZE_COM_BASE_URL
    return auth, base_url


def _with_options(client: _C, changes: Mapping[str, Any]) -> _C:
    """A copy of `client` with some settings changed, sharing its connection pool."""
    clone = copy.copy(client)
    clone.__dict__ = {
        k: v for k, v in client.__dict__.items() if not isinstance(v, (SyncAPIResource, AsyncAPIResource))
    }
    clone.__dict__["_owns_http"] = False
    for name, value in changes.items():
        if name == "default_headers":
            clone.__dict__["_default_headers"] = {**client._default_headers, **value}
        elif name == "default_query":
            clone.__dict__["_default_query"] = {**client._default_query, **value}
        elif name == "retry_policy":
            clone.__dict__["_retry_policy"] = value
        elif name == "auth":
            clone.__dict__["_auth"] = value
        elif name == "max_retries" and value < 0:
            raise ValueError("max_retries must be >= 0")
        else:
            clone.__dict__[name] = value
    return clone


class Coze(SyncAPIClient):
    """The synchronous client.

    >>> from cozekit import Coze, TokenAuth, COZE_CN_BASE_URL
    >>> coze = Coze(auth=TokenAuth("pat_..."), base_url=COZE_CN_BASE_URL)

    `auth` defaults to `TokenAuth($COZE_API_TOKEN)`, `base_url` to `$COZE_API_BASE`, then api.coze.com.
    Answers are read leniently (a field of an unexpected type is kept as sent; see
    `CozeModel.invalid_fields`); `strict_validation=True` (default: `$COZEKIT_STRICT_VALIDATION`) raises
    `APIResponseValidationError` instead.

    `max_connections` (default 1000) is how many requests and streams may be open at once without
    queueing: the pool opens up to that many connections and keeps up to 100 of them alive when idle
    (ignored with `http_client=`, whose pool is yours to size).
    """

    def __init__(
        self,
        auth: Optional[Auth] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        http_client: Optional[httpx.Client] = None,
        proxy: Optional[str] = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        retry_policy: Optional[RetryPolicy] = None,
        retry_non_idempotent: bool = False,
        strict_validation: Optional[bool] = None,
    ) -> None:
        auth, base_url = _resolve(auth, base_url)
        super().__init__(
            auth=auth,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            proxy=proxy,
            max_connections=max_connections,
            retry_policy=retry_policy,
            retry_non_idempotent=retry_non_idempotent,
            strict_validation=strict_validation,
        )

    def with_options(
        self,
        *,
        auth: Optional[Auth] = None,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: Optional[int] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        retry_policy: Optional[RetryPolicy] = None,
        retry_non_idempotent: Optional[bool] = None,
        strict_validation: Optional[bool] = None,
    ) -> Coze:
        """A client with some settings changed that shares this one's connections.

        >>> coze.with_options(timeout=5, max_retries=0).users.me()
        """
        return _with_options(self, _changes(locals()))

    @cached_property
    def chat(self) -> ChatResource:
        from .resources.chat import ChatResource  # lazy: loaded on first use

        return ChatResource(self)

    @cached_property
    def conversations(self) -> Conversations:
        from .resources.conversations import Conversations  # lazy: loaded on first use

        return Conversations(self)

    @cached_property
    def files(self) -> Files:
        from .resources.files import Files  # lazy: loaded on first use

        return Files(self)

    @cached_property
    def datasets(self) -> Datasets:
        from .resources.datasets import Datasets  # lazy: loaded on first use

        return Datasets(self)

    @cached_property
    def knowledge(self) -> Knowledge:
        """Deprecated (as in cozepy): `coze.knowledge.documents` is `coze.datasets.documents`."""
        from .resources.knowledge import DEPRECATION, Knowledge  # lazy: loaded on first use

        warnings.warn(DEPRECATION, DeprecationWarning, stacklevel=2)
        return Knowledge(self)

    @cached_property
    def bots(self) -> Bots:
        from .resources.bots import Bots  # lazy: loaded on first use

        return Bots(self)

    @cached_property
    def workspaces(self) -> Workspaces:
        from .resources.workspaces import Workspaces  # lazy: loaded on first use

        return Workspaces(self)

    @cached_property
    def users(self) -> Users:
        from .resources.users import Users  # lazy: loaded on first use

        return Users(self)

    @cached_property
    def audio(self) -> Audio:
        from .resources.audio import Audio  # lazy: loaded on first use

        return Audio(self)

    @cached_property
    def websockets(self) -> WebsocketsClient:
        """Realtime voice: `.chat`, `.audio.speech`, `.audio.transcriptions`, `.audio.simult_interpretation`
        (host derived from base_url)."""
        from .websockets import WebsocketsClient  # lazy: loaded on first use

        return WebsocketsClient(self)

    @cached_property
    def workflows(self) -> Workflows:
        from .resources.workflows import Workflows  # lazy: loaded on first use

        return Workflows(self)

    @cached_property
    def commerce(self) -> Commerce:
        """Plan benefits, end-user bills and benefit limits."""
        from .resources.commerce import Commerce  # lazy: loaded on first use

        return Commerce(self)

    @cached_property
    def apps(self) -> Apps:
        from .resources.apps import Apps  # lazy: loaded on first use

        return Apps(self)

    @cached_property
    def folders(self) -> Folders:
        from .resources.folders import Folders  # lazy: loaded on first use

        return Folders(self)

    @cached_property
    def entities(self) -> Entities:
        """Copy tasks: `.copy_tasks` copies bots, apps and workflows."""
        from .resources.entities import Entities  # lazy: loaded on first use

        return Entities(self)

    @cached_property
    def variables(self) -> Variables:
        from .resources.variables import Variables  # lazy: loaded on first use

        return Variables(self)

    @cached_property
    def plugins(self) -> Plugins:
        from .resources.plugins import Plugins  # lazy: loaded on first use

        return Plugins(self)

    @cached_property
    def stores(self) -> Stores:
        """The plugin store: `.plugins` (paid plugins) and `.categories`."""
        from .resources.stores import Stores  # lazy: loaded on first use

        return Stores(self)

    @cached_property
    def templates(self) -> Templates:
        """Store templates: `.duplicate` copies one into a workspace."""
        from .resources.templates import Templates  # lazy: loaded on first use

        return Templates(self)

    @cached_property
    def api_apps(self) -> APIApps:
        """Callback apps and their event subscriptions (`.events`)."""
        from .resources.api_apps import APIApps  # lazy: loaded on first use

        return APIApps(self)

    @cached_property
    def organizations(self) -> Organizations:
        """An organization's settings and members (enterprise privileged-app tokens)."""
        from .resources.organizations import Organizations  # lazy: loaded on first use

        return Organizations(self)

    @cached_property
    def enterprises(self) -> Enterprises:
        """An enterprise's members and organizations (enterprise privileged-app tokens)."""
        from .resources.enterprises import Enterprises  # lazy: loaded on first use

        return Enterprises(self)

    @cached_property
    def connectors(self) -> Connectors:
        """Channels: install, device configs (`.user_configs`), bot review results (`.bots`)."""
        from .resources.connectors import Connectors  # lazy: loaded on first use

        return Connectors(self)


class AsyncCoze(AsyncAPIClient):
    """The asynchronous client; the same resources and methods as `Coze`, awaited."""

    def __init__(
        self,
        auth: Optional[Auth] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        http_client: Optional[httpx.AsyncClient] = None,
        proxy: Optional[str] = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        retry_policy: Optional[RetryPolicy] = None,
        retry_non_idempotent: bool = False,
        strict_validation: Optional[bool] = None,
    ) -> None:
        auth, base_url = _resolve(auth, base_url)
        super().__init__(
            auth=auth,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            proxy=proxy,
            max_connections=max_connections,
            retry_policy=retry_policy,
            retry_non_idempotent=retry_non_idempotent,
            strict_validation=strict_validation,
        )

    def with_options(
        self,
        *,
        auth: Optional[Auth] = None,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: Optional[int] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        retry_policy: Optional[RetryPolicy] = None,
        retry_non_idempotent: Optional[bool] = None,
        strict_validation: Optional[bool] = None,
    ) -> AsyncCoze:
        """A client with some settings changed that shares this one's connections."""
        return _with_options(self, _changes(locals()))

    @cached_property
    def chat(self) -> AsyncChatResource:
        from .resources.chat import AsyncChatResource  # lazy: loaded on first use

        return AsyncChatResource(self)

    @cached_property
    def conversations(self) -> AsyncConversations:
        from .resources.conversations import AsyncConversations  # lazy: loaded on first use

        return AsyncConversations(self)

    @cached_property
    def files(self) -> AsyncFiles:
        from .resources.files import AsyncFiles  # lazy: loaded on first use

        return AsyncFiles(self)

    @cached_property
    def datasets(self) -> AsyncDatasets:
        from .resources.datasets import AsyncDatasets  # lazy: loaded on first use

        return AsyncDatasets(self)

    @cached_property
    def knowledge(self) -> AsyncKnowledge:
        """Deprecated (as in cozepy): `coze.knowledge.documents` is `coze.datasets.documents`."""
        from .resources.knowledge import DEPRECATION, AsyncKnowledge  # lazy: loaded on first use

        warnings.warn(DEPRECATION, DeprecationWarning, stacklevel=2)
        return AsyncKnowledge(self)

    @cached_property
    def bots(self) -> AsyncBots:
        from .resources.bots import AsyncBots  # lazy: loaded on first use

        return AsyncBots(self)

    @cached_property
    def workspaces(self) -> AsyncWorkspaces:
        from .resources.workspaces import AsyncWorkspaces  # lazy: loaded on first use

        return AsyncWorkspaces(self)

    @cached_property
    def users(self) -> AsyncUsers:
        from .resources.users import AsyncUsers  # lazy: loaded on first use

        return AsyncUsers(self)

    @cached_property
    def audio(self) -> AsyncAudio:
        from .resources.audio import AsyncAudio  # lazy: loaded on first use

        return AsyncAudio(self)

    @cached_property
    def websockets(self) -> AsyncWebsocketsClient:
        from .websockets import AsyncWebsocketsClient  # lazy: loaded on first use

        return AsyncWebsocketsClient(self)

    @cached_property
    def workflows(self) -> AsyncWorkflows:
        from .resources.workflows import AsyncWorkflows  # lazy: loaded on first use

        return AsyncWorkflows(self)

    @cached_property
    def commerce(self) -> AsyncCommerce:
        from .resources.commerce import AsyncCommerce  # lazy: loaded on first use

        return AsyncCommerce(self)

    @cached_property
    def apps(self) -> AsyncApps:
        from .resources.apps import AsyncApps  # lazy: loaded on first use

        return AsyncApps(self)

    @cached_property
    def folders(self) -> AsyncFolders:
        from .resources.folders import AsyncFolders  # lazy: loaded on first use

        return AsyncFolders(self)

    @cached_property
    def entities(self) -> AsyncEntities:
        from .resources.entities import AsyncEntities  # lazy: loaded on first use

        return AsyncEntities(self)

    @cached_property
    def variables(self) -> AsyncVariables:
        from .resources.variables import AsyncVariables  # lazy: loaded on first use

        return AsyncVariables(self)

    @cached_property
    def plugins(self) -> AsyncPlugins:
        from .resources.plugins import AsyncPlugins  # lazy: loaded on first use

        return AsyncPlugins(self)

    @cached_property
    def stores(self) -> AsyncStores:
        from .resources.stores import AsyncStores  # lazy: loaded on first use

        return AsyncStores(self)

    @cached_property
    def templates(self) -> AsyncTemplates:
        """Store templates: `.duplicate` copies one into a workspace."""
        from .resources.templates import AsyncTemplates  # lazy: loaded on first use

        return AsyncTemplates(self)

    @cached_property
    def api_apps(self) -> AsyncAPIApps:
        from .resources.api_apps import AsyncAPIApps  # lazy: loaded on first use

        return AsyncAPIApps(self)

    @cached_property
    def organizations(self) -> AsyncOrganizations:
        from .resources.organizations import AsyncOrganizations  # lazy: loaded on first use

        return AsyncOrganizations(self)

    @cached_property
    def enterprises(self) -> AsyncEnterprises:
        from .resources.enterprises import AsyncEnterprises  # lazy: loaded on first use

        return AsyncEnterprises(self)

    @cached_property
    def connectors(self) -> AsyncConnectors:
        from .resources.connectors import AsyncConnectors  # lazy: loaded on first use

        return AsyncConnectors(self)


def _changes(arguments: Mapping[str, Any]) -> Mapping[str, Any]:
    return {
        k: v for k, v in arguments.items() if k != "self" and v is not None and not isinstance(v, NotGiven)
    }
