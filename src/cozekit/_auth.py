"""Authentication: the `Auth` interface every flow implements, and `TokenAuth` for fixed tokens.

The request pipeline asks `get_token()` (or `aget_token()`) before each request, and calls
`invalidate(token)` when Coze rejects a token: an auth that can refresh answers True, and the request
is retried once with a fresh token.
"""

from __future__ import annotations

import abc
import inspect
from typing import Awaitable, Callable, Union

__all__ = ["Auth", "TokenAuth"]

TokenProvider = Callable[[], Union[str, Awaitable[str]]]


class Auth(abc.ABC):
    """Base of every auth flow."""

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

    def invalidate(self, token: str) -> bool:
        """Coze rejected `token`. Return True if a new token may succeed (the request is retried once)."""
        return False

    async def ainvalidate(self, token: str) -> bool:
        return self.invalidate(token)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"


class TokenAuth(Auth):
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


def _checked(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("the token provider returned no token")
    return value
