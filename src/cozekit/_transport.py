"""The connection pool of a client cozekit creates, and how it is sized.

Every request goes through `httpx.Client.send` / `httpx.AsyncClient.send` (one send path: redirects,
proxies from the environment and the hooks of a client you pass are httpx's). What a client cozekit
creates chooses is its transport, httpx's extension point:

- its pool holds up to `max_connections` connections (1000 by default, cozepy's limit), so that as many
  requests and streams may be in flight at once without queueing: httpcore hands queued requests to
  connections by scanning every queued request against every connection, and with httpx's default
  pool (100) a burst of 1,000 streams spent most of its time there (and closed an idle connection for
  nearly every request, its keep-alive limit being 20);
- it keeps up to `KEEPALIVE` of them alive when idle (all of them in a smaller pool): httpcore checks
  every idle connection (a readability poll) on every request and every response, so thousands of idle
  connections cost more than reopening some (measured with 300 streams at once: keeping 100 alive took
  0.65x the client CPU and 0.4x the wall time of keeping all 300 or 1000);
- the sync transport (`SyncTransport`) is httpx's public transport interface over an httpcore pool made
  with httpcore's public `network_backend=` argument, a backend that lets an abort wake a call blocked
  waiting for its response headers (`_abort.watch_thread`). The async one is httpx's own
  `AsyncHTTPTransport` (an async call is cancelled instead).
"""

from __future__ import annotations

from typing import Dict, Iterator, NoReturn, Type, cast

import httpcore
import httpx

from ._abort import TrackingBackend
from ._constants import DEFAULT_MAX_CONNECTIONS

__all__ = ["DEFAULT_MAX_CONNECTIONS", "SyncTransport", "async_transport", "pool_limits"]

KEEPALIVE = 100
"""Idle connections a pool keeps at most (cozepy's limit; see the module's doc)."""
KEEPALIVE_EXPIRY = 5.0
"""Seconds an idle connection stays open (httpx's default)."""


def pool_limits(max_connections: int) -> httpx.Limits:
    """Up to `max_connections` connections, up to `KEEPALIVE` of them kept open idle."""
    if max_connections < 1:
        raise ValueError("max_connections must be >= 1")
    return httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=min(max_connections, KEEPALIVE),
        keepalive_expiry=KEEPALIVE_EXPIRY,
    )


_ERRORS: Dict[Type[Exception], Type[httpx.TransportError]] = {
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
}
"""httpcore's errors and the httpx errors a transport raises for them (the most specific class wins)."""


def _reraise(exc: Exception) -> NoReturn:
    """Raise the httpx error for an httpcore one, or `exc` itself."""
    for cls in type(exc).__mro__:
        target = _ERRORS.get(cls)
        if target is not None:
            raise target(str(exc)) from exc
    raise exc


class _Body(httpx.SyncByteStream):
    """An httpcore response body as httpx reads it: its errors are httpx's."""

    __slots__ = ("_stream",)

    def __init__(self, stream: Iterator[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except Exception as exc:
            _reraise(exc)

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            try:
                close()
            except Exception as exc:
                _reraise(exc)


class SyncTransport(httpx.BaseTransport):
    """HTTP/1.1 over an httpcore pool whose reads an abort can wake (see the module's doc)."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._connections = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=True),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=TrackingBackend(httpcore.SyncBackend()),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = self._connections.handle_request(core)
        except Exception as exc:
            _reraise(exc)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(cast(Iterator[bytes], response.stream)),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._connections.close()


def async_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """The transport of an `AsyncCoze` that creates its client: httpx's own, sized by `limits`."""
    return httpx.AsyncHTTPTransport(limits=limits, trust_env=True)
