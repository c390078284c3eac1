"""Authentication: the `Auth` interface every flow implements, and `TokenAuth` for fixed tokens.

The request pipeline asks `get_token()` (or `aget_token()`) before each request, and calls
`invalidate(token)` when Coze rejects a token: an auth that can refresh answers True, and the request
is retried once with a fresh token.
"""

from __future__ import annotations

import abc
import inspect
from typing import Any, Awaitable, Callable, Dict, Union

__all__ = ["AsyncAuth", "AsyncTokenAuth", "Auth", "SyncAuth", "TokenAuth"]

TokenProvider = Callable[[], Union[str, Awaitable[str]]]


class Auth(abc.ABC):
    """Base of every auth flow.

    A subclass implements `get_token` (and `aget_token` when fetching a token does I/O). A cozepy-style
    subclass that defines a `token` property (or an async `atoken` property) instead works too.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # cozepy's interface: `token` / `atoken` properties. Derive the methods the pipeline calls.
        if "token" in cls.__dict__ and "get_token" not in cls.__dict__:
            cls.get_token = _token_from_property  # type: ignore[method-assign]
        if "atoken" in cls.__dict__ and "aget_token" not in cls.__dict__:
            cls.aget_token = _atoken_from_property  # type: ignore[method-assign]
            if "token" not in cls.__dict__ and "get_token" not in cls.__dict__:
                cls.get_token = _async_only  # type: ignore[method-assign]

    @property
    def token_type(self) -> str:
        return "Bearer"

    @abc.abstractmethod
    def get_token(self) -> str:
        """The access token to send now (may block to fetch or refresh one)."""

    async def aget_token(self) -> str:
        """The async twin of `get_token`; override when fetching a token does I/O."""
        return self.get_token()

    @property
    def token(self) -> str:
        """The current access token (cozepy compatibility)."""
        return self.get_token()

    @property
    def atoken(self) -> Awaitable[str]:
        """`await auth.atoken`: the current access token (cozepy compatibility)."""
        return self.aget_token()

    def authentication(self, headers: Dict[str, str]) -> None:
        """Set the `Authorization` header in `headers` (cozepy compatibility)."""
        headers["Authorization"] = f"{self.token_type} {self.get_token()}"

    async def aauthentication(self, headers: Dict[str, str]) -> None:
        headers["Authorization"] = f"{self.token_type} {await self.aget_token()}"

    def invalidate(self, token: str) -> bool:
        """Coze rejected `token`. Return True if a new token may succeed (the request is retried once)."""
        return False

    async def ainvalidate(self, token: str) -> bool:
        return self.invalidate(token)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"


class SyncAuth(Auth):
    """Base of cozepy-style sync auths: implement the `token` property."""

    @property
    @abc.abstractmethod
    def token(self) -> str: ...

    def get_token(self) -> str:
        return self.token


class AsyncAuth(Auth):
    """Base of cozepy-style async auths (for `AsyncCoze`): implement the async `atoken` property."""

    @property
    @abc.abstractmethod
    async def atoken(self) -> str: ...

    def get_token(self) -> str:
        raise TypeError(f"{type(self).__name__} is an async auth: use it with AsyncCoze")

    async def aget_token(self) -> str:
        return await self.atoken


class TokenAuth(SyncAuth):
    """A personal access token, a service token, or a function that returns one before each request.

    >>> TokenAuth("pat_...")
    TokenAuth(<redacted>)
    >>> TokenAuth(lambda: vault.read("coze"))      # sync provider
    >>> TokenAuth(fetch_token_async)                 # async provider (AsyncCoze only)
    """

    def __init__(self, token: Union[str, TokenProvider]) -> None:
        if isinstance(token, str):
            if not token.strip():
                raise ValueError("TokenAuth needs a non-empty token")
        elif not callable(token):
            raise TypeError("TokenAuth takes a token string or a callable that returns one")
        self._token = token

    @property
    def token(self) -> str:
        return self.get_token()

    def get_token(self) -> str:
        if isinstance(self._token, str):
            return self._token
        value = self._token()
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()
            raise TypeError("an async token provider can only be used with AsyncCoze")
        return _checked(value)

    async def aget_token(self) -> str:
        if isinstance(self._token, str):
            return self._token
        value = self._token()
        if inspect.isawaitable(value):
            value = await value
        return _checked(value)


class AsyncTokenAuth(AsyncAuth):
    """A fixed token (or a sync or async function returning one) for `AsyncCoze`, under cozepy's name."""

    def __init__(self, token: Union[str, TokenProvider]) -> None:
        self._inner = TokenAuth(token)

    @property
    async def atoken(self) -> str:
        return await self._inner.aget_token()

    async def aget_token(self) -> str:
        return await self._inner.aget_token()


def _token_from_property(self: Auth) -> str:
    return self.token


async def _atoken_from_property(self: Auth) -> str:
    return await self.atoken


def _async_only(self: Auth) -> str:
    raise TypeError(f"{type(self).__name__} is an async auth: use it with AsyncCoze")


def _checked(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("the token provider returned no token")
    return value
