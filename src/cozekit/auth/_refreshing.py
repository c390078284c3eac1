"""Auth objects that fetch and refresh their own tokens.

A token is reused until `leeway` seconds before it expires (at most half its lifetime). Fetching is
single-flight: concurrent requests that find no fresh token wait for one fetch (a `threading.Lock` in the
sync classes, an `asyncio.Lock` in the async ones). After Coze rejects a token (4100/401) the pipeline
calls `invalidate`, which marks that token stale so the retry fetches a new one.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import threading
import time
from typing import Callable, Optional, Tuple

from .._auth import Auth
from ..types.oauth import OAuthToken

__all__ = ["AsyncRefreshingAuth", "Clock", "RefreshingAuth", "TokenCache"]

log = logging.getLogger("cozekit")

Clock = Callable[[], float]
DEFAULT_LEEWAY = 60.0
_DURATION_LIMIT = 1_000_000_000
"""An `expires_in` below this is read as a duration in seconds, not a Unix time (lenient servers)."""


class TokenCache:
    """The current token and until when it counts as fresh. Pure bookkeeping, no locking."""

    def __init__(self, leeway: float = DEFAULT_LEEWAY, clock: Clock = time.time) -> None:
        if leeway < 0:
            raise ValueError("leeway must be >= 0")
        self.leeway = leeway
        self.clock = clock
        self.token: Optional[OAuthToken] = None
        self.expires_at = 0.0
        self._fresh_until = 0.0

    def current(self) -> Optional[str]:
        """The access token if it is still fresh, else None."""
        token = self.token
        if token is not None and self.clock() < self._fresh_until:
            return token.access_token
        return None

    def accept(self, token: OAuthToken) -> None:
        now = self.clock()
        expires_at = float(token.expires_in)
        if expires_at < _DURATION_LIMIT:
            expires_at += now
        margin = min(self.leeway, max(expires_at - now, 0.0) / 2)
        self.token = token
        self.expires_at = expires_at
        self._fresh_until = expires_at - margin

    def invalidate(self, access_token: str) -> None:
        """Coze rejected `access_token`: stop using it (a token fetched since is kept)."""
        if self.token is not None and self.token.access_token == access_token:
            self._fresh_until = 0.0


class _Refreshing(Auth):
    def __init__(self, leeway: float, clock: Clock) -> None:
        self._cache = TokenCache(leeway, clock)

    @property
    def oauth_token(self) -> Optional[OAuthToken]:
        """The last token fetched (or loaded), fresh or not."""
        return self._cache.token

    def _can_refresh(self) -> bool:
        return True

    def invalidate(self, token: str) -> bool:
        self._cache.invalidate(token)
        return self._can_refresh()

    def _accept(self, token: OAuthToken) -> str:
        self._cache.accept(token)
        self._on_new_token(token)
        return token.access_token

    def _on_new_token(self, token: OAuthToken) -> None:
        """Hook: called with every newly fetched token (e.g. to save it)."""


class RefreshingAuth(_Refreshing):
    """Base of the sync self-refreshing auths; subclasses implement `_fetch`."""

    def __init__(self, leeway: float = DEFAULT_LEEWAY, clock: Clock = time.time) -> None:
        super().__init__(leeway, clock)
        self._lock = threading.Lock()

    @abc.abstractmethod
    def _fetch(self) -> OAuthToken:
        """Get a new token from Coze."""

    def get_token(self) -> str:
        token = self._cache.current()
        if token is not None:
            return token
        with self._lock:
            token = self._cache.current()
            if token is not None:
                return token
            log.debug("%s: fetching a new access token", type(self).__name__)
            return self._accept(self._fetch())

    async def aget_token(self) -> str:
        """Usable with `AsyncCoze` too: a fetch runs in a worker thread, never on the event loop."""
        token = self._cache.current()
        if token is not None:
            return token
        return await asyncio.to_thread(self.get_token)


class AsyncRefreshingAuth(_Refreshing):
    """Base of the async self-refreshing auths (for `AsyncCoze`); subclasses implement `_afetch`."""

    def __init__(self, leeway: float = DEFAULT_LEEWAY, clock: Clock = time.time) -> None:
        super().__init__(leeway, clock)
        self._lock_for: Optional[Tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = None

    @abc.abstractmethod
    async def _afetch(self) -> OAuthToken:
        """Get a new token from Coze."""

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock_for is None or self._lock_for[0] is not loop:
            self._lock_for = (loop, asyncio.Lock())
        return self._lock_for[1]

    def get_token(self) -> str:
        token = self._cache.current()
        if token is not None:
            return token
        raise TypeError(f"{type(self).__name__} fetches tokens asynchronously: use it with AsyncCoze")

    async def aget_token(self) -> str:
        token = self._cache.current()
        if token is not None:
            return token
        async with self._lock():
            token = self._cache.current()
            if token is not None:
                return token
            log.debug("%s: fetching a new access token", type(self).__name__)
            return self._accept(await self._afetch())
