"""The one request pipeline.

`BaseClient` holds every decision: building the request, unwrapping the declared envelope, mapping
errors, retries and auth refresh. They are written once, as a generator (`_flow`) that yields the I/O it
needs (a token, a send, a read, a sleep) and gets the results back. `SyncAPIClient` and `AsyncAPIClient`
only perform that I/O. The same runners perform multi-step flows (`run_flow`, `iter_flow`; see
`_flow.py`), whose `Call` steps are whole requests.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import platform
import sys
import time
from dataclasses import dataclass
from functools import partial
from types import TracebackType
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Dict,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from urllib.parse import urlsplit

import httpx

from ._abort import AbortSignal, cancel_on_abort, interrupt, watch_thread
from ._auth import Auth
from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, RETRY_COUNT_HEADER
from ._env import strict_from_env
from ._envelope import error_from_body, logid_of, unwrap
from ._exceptions import (
    AUTH_CODES,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    CozeAPIError,
    CozeError,
    describe_exception,
)
from ._flow import Call, Consume, Emit, Flow, Invoke, Sleep, invoke_async, invoke_sync
from ._request import RequestOptions
from ._response import ResponseInfo, aclose_response, close_response
from ._retries import RetryPolicy
from ._streaming import AsyncBinaryResponse, AsyncStream, BinaryResponse, EventDecoder, Stream
from ._transport import DEFAULT_MAX_CONNECTIONS, SyncTransport, async_transport, pool_limits
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._version import __version__

__all__ = ["AsyncAPIClient", "BaseClient", "SyncAPIClient"]

log = logging.getLogger("cozekit")

_T = TypeVar("_T")
_S = TypeVar("_S", Stream[Any], AsyncStream[Any])
_Http = TypeVar("_Http", httpx.Client, httpx.AsyncClient)
Parser = Callable[[Any, ResponseInfo], _T]


@dataclass(frozen=True)
class _Token:
    pass


_TOKEN = _Token()


@dataclass(frozen=True)
class _Read:
    response: httpx.Response


@dataclass(frozen=True)
class _Invalidate:
    token: str


@dataclass(frozen=True)
class _Opened:
    """The flow's result for a stream: the open response, handed to a Stream."""

    response: httpx.Response


_Action = Union[_Token, httpx.Request, _Read, Sleep, _Invalidate, Call, Consume, Invoke, Emit]
"""A step of the request flow; an `httpx.Request` step is sent (the response's body left unread)."""
_Flow = Generator[_Action, Any, Any]


def _platform_headers() -> Dict[str, str]:
    lang_version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    os_name = platform.system().lower() or "unknown"
    os_version = platform.release().lower() or "unknown"
    return {
        "User-Agent": f"cozekit/{__version__} python/{lang_version} {os_name}/{os_version}",
        "X-Coze-Client-User-Agent": json.dumps(
            {
                "version": __version__,
                "lang": "python",
                "lang_version": lang_version,
                "os_name": os_name,
                "os_version": os_version,
            },
            separators=(",", ":"),
        ),
    }


_PLATFORM_HEADERS = _platform_headers()

_REGION_HINTS = {
    "api.coze.com": "This request went to api.coze.com (coze.com). A token issued by coze.cn only works on "
    "api.coze.cn: pass base_url=COZE_CN_BASE_URL.",
    "api.coze.cn": "This request went to api.coze.cn (coze.cn). A token issued by coze.com only works on "
    "api.coze.com: pass base_url=COZE_COM_BASE_URL.",
}


def _is_event_stream(response: httpx.Response) -> bool:
    return "text/event-stream" in response.headers.get("content-type", "")


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _keeps_open(opts: RequestOptions, response: httpx.Response) -> bool:
    """A successful stream request whose body is read by the caller: SSE, or binary that is not JSON."""
    if not (opts.stream and response.is_success):
        return False
    if opts.envelope.kind == "binary":
        return not _is_json(response)
    return _is_event_stream(response)


class BaseClient:
    """Configuration and the pure request flow shared by `Coze` and `AsyncCoze`."""

    def __init__(
        self,
        *,
        auth: Optional[Auth],
        base_url: str,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, Any]] = None,
        retry_policy: Optional[RetryPolicy] = None,
        retry_non_idempotent: bool = False,
        strict_validation: Optional[bool] = None,
    ) -> None:
        if auth is not None and not isinstance(auth, Auth):
            raise TypeError(f"auth must be an Auth (e.g. TokenAuth(...)), got {type(auth).__name__}")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self._auth = auth
        self.base_url = base_url.rstrip("/")
        self.timeout: Timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
        self.max_retries = max_retries
        self._default_headers: Dict[str, str] = dict(default_headers or {})
        self._default_query: Dict[str, Any] = dict(default_query or {})
        self._retry_policy = retry_policy or RetryPolicy()
        self.retry_non_idempotent = retry_non_idempotent
        self.strict_validation = strict_from_env() if strict_validation is None else strict_validation
        """Raise `APIResponseValidationError` for any answer that does not validate, instead of reading
        it leniently (default: `$COZEKIT_STRICT_VALIDATION`)."""
        self._region_hint = _REGION_HINTS.get(parts.hostname or "", "")
        self._builds_requests = False
        """True when requests are built here rather than by `http.build_request` (see `_direct_request`)."""
        self._timeout_extension: Optional[Tuple[Timeout, Dict[str, Optional[float]]]] = None

    def _own_http(
        self,
        http_client: Optional[_Http],
        http_class: Type[_Http],
        transport: Callable[[httpx.Limits], Any],
        proxy: Optional[str],
        max_connections: int,
    ) -> _Http:
        """The caller's httpx client (then not closed here, and requests are built by it), else one made
        here with a pool of `max_connections` (`transport` over it unless a proxy is set)."""
        if http_client is not None and proxy is not None:
            raise ValueError(
                f"pass proxy= or http_client=, not both (set the proxy on your httpx.{http_class.__name__})"
            )
        self._owns_http = http_client is None
        self._builds_requests = http_client is None
        limits = pool_limits(max_connections)
        if http_client is not None:
            return http_client
        return http_class(
            timeout=self.timeout,
            proxy=proxy,
            follow_redirects=True,
            trust_env=True,
            limits=limits,  # for the transports httpx makes for proxies
            transport=transport(limits) if proxy is None else None,
        )

    @property
    def auth(self) -> Optional[Auth]:
        return self._auth

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self._auth!r})"

    # -- building ---------------------------------------------------------------------------------------

    def _build_request(
        self,
        http: Union[httpx.Client, httpx.AsyncClient],
        opts: RequestOptions,
        token: Optional[str],
        retries: int,
    ) -> httpx.Request:
        headers: Dict[str, str] = {**_PLATFORM_HEADERS, **self._default_headers}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(opts.headers)
        if retries:
            headers[RETRY_COUNT_HEADER] = str(retries)
        params = {**self._default_query, **(opts.params or {})}
        url = opts.path if opts.path.startswith(("http://", "https://")) else self.base_url + opts.path
        timeout = self.timeout if isinstance(opts.timeout, NotGiven) else opts.timeout
        if self._builds_requests:
            return self._direct_request(http, opts, url, params, headers, timeout)
        return http.build_request(
            opts.method,
            url,
            params={k: _query_value(v) for k, v in params.items() if v is not None} or None,
            content=_content(opts, isinstance(http, httpx.AsyncClient)),
            json=opts.json,
            data=opts.data,
            files=opts.files,
            headers=headers,
            timeout=timeout,
        )

    def _direct_request(
        self,
        http: Union[httpx.Client, httpx.AsyncClient],
        opts: RequestOptions,
        url: str,
        params: Dict[str, Any],
        headers: Dict[str, str],
        timeout: Timeout,
    ) -> httpx.Request:
        """What `http.build_request` makes for a client we created ourselves (no cookies, no default
        query, our own headers over httpx's defaults), without its URL merging and re-parsing: the
        public `httpx.Request`, sent by `http.send` like any other."""
        query = {k: _query_value(v) for k, v in params.items() if v is not None}
        if query:
            url = url.split("?", 1)[0] + "?" + str(httpx.QueryParams(query))  # params replace, as in httpx
        merged = httpx.Headers(http.headers)
        merged.update(headers)
        cached = self._timeout_extension
        if cached is not None and cached[0] is timeout:
            extensions = cached[1]
        else:
            extensions = httpx.Timeout(timeout).as_dict()
            self._timeout_extension = (timeout, extensions)
        return httpx.Request(
            opts.method,
            url,
            content=_content(opts, isinstance(http, httpx.AsyncClient)),
            json=opts.json,
            data=opts.data,
            files=opts.files,
            headers=merged,
            extensions={"timeout": extensions},
        )

    # -- reading ----------------------------------------------------------------------------------------

    def _parse_response(self, opts: RequestOptions, response: httpx.Response, parse: Parser[_T]) -> _T:
        info = ResponseInfo.from_httpx(response, self.strict_validation)
        if opts.envelope.kind == "binary" and response.is_success and not _is_json(response):
            return parse(response.content, info)
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            if not response.is_success:
                raise error_from_body(response.status_code, response.headers, None, response.text) from None
            raise APIResponseValidationError(
                f"expected JSON from {opts.method} {opts.path}, got {response.headers.get('content-type')!r}",
                body=response.text[:500],
                logid=logid_of(response.headers),
                status_code=response.status_code,
            ) from None
        payload = unwrap(opts.envelope, response.status_code, response.headers, body)
        if opts.stream:
            raise APIResponseValidationError(
                f"expected an event stream from {opts.path}",
                body=body,
                logid=logid_of(response.headers, body),
                status_code=response.status_code,
            )
        return parse(payload, info)

    def _open_stream(
        self,
        kind: Type[_S],
        response: httpx.Response,
        decode: EventDecoder[Any],
        opts: RequestOptions,
        end_required: bool,
        ends_after: Collection[str],
    ) -> _S:
        """A `Stream` or `AsyncStream` over an open response, read as strictly as this client reads."""
        stream = kind(
            response, decode, end_required=end_required, ends_after=ends_after, abort_signal=opts.abort_signal
        )
        stream.response_info.strict = self.strict_validation
        return stream

    def _add_region_hint(self, err: CozeAPIError) -> None:
        if self._region_hint and (err.code in AUTH_CODES or err.status_code in (401, 403)):
            err.hint = self._region_hint
            err.args = (err._describe(),)

    # -- the flow ---------------------------------------------------------------------------------------

    def _flow(
        self, http: Union[httpx.Client, httpx.AsyncClient], opts: RequestOptions, parse: Parser[Any]
    ) -> _Flow:
        max_retries = self.max_retries if opts.max_retries is None else opts.max_retries
        idempotent = opts.is_idempotent or self.retry_non_idempotent
        retries = 0
        refreshed = False
        while True:
            token: Optional[str] = None
            if opts.authenticated and self._auth is not None:
                token = yield _TOKEN
            request = self._build_request(http, opts, token, retries)
            started = time.monotonic()
            log.debug("request: %s %s (attempt %d)", opts.method, opts.path, retries + 1)
            logid = ""
            try:
                response = yield request
                if not _keeps_open(opts, response):
                    logid = logid_of(response.headers)  # the headers came: an error below names it
                    yield _Read(response)
            except httpx.RequestError as exc:
                delay = self._retry_policy.decide(
                    retries_taken=retries, max_retries=max_retries, idempotent=idempotent, exc=exc
                )
                log.debug("%s %s failed: %s; retry in %s", opts.method, opts.path, type(exc).__name__, delay)
                if delay is None:
                    raise _connection_error(exc, request, logid) from exc
                yield Sleep(delay)
                retries += 1
                continue
            log.debug(
                "response: %s %s -> %d logid=%s in %.1fms",
                opts.method,
                opts.path,
                response.status_code,
                response.headers.get("x-tt-logid", ""),
                (time.monotonic() - started) * 1000,
            )
            if _keeps_open(opts, response):
                return _Opened(response)
            try:
                return self._parse_response(opts, response, parse)
            except CozeAPIError as err:
                is_auth = err.code in AUTH_CODES or err.status_code == 401
                if is_auth and token is not None and not refreshed:
                    refreshed = True
                    if (yield _Invalidate(token)):
                        continue
                delay = self._retry_policy.decide(
                    retries_taken=retries,
                    max_retries=max_retries,
                    idempotent=idempotent,
                    status_code=response.status_code,
                    code=err.code,
                    headers=response.headers,
                )
                if delay is None:
                    err.response = response
                    self._add_region_hint(err)
                    raise
                log.debug("%s %s -> code %s; retry in %.2fs", opts.method, opts.path, err.code, delay)
                yield Sleep(delay)
                retries += 1


def _connection_error(exc: httpx.RequestError, request: httpx.Request, logid: str) -> APIConnectionError:
    """The error for a request that got no complete answer; it names the cause even when httpx's
    message is empty, and the logid when the response headers had arrived."""
    if isinstance(exc, httpx.TimeoutException):
        text = f"Request timed out ({describe_exception(exc)})."
        return APITimeoutError(text, request=request, logid=logid)
    return APIConnectionError(f"Connection error: {describe_exception(exc)}", request=request, logid=logid)


def _content(opts: RequestOptions, for_async: bool) -> Any:
    """The raw body for one attempt: a fresh iterator each time, async for an async client."""
    if opts.content is None or isinstance(opts.content, bytes):
        return opts.content
    chunks = opts.content()
    return _aiter_chunks(chunks) if for_async else chunks


async def _aiter_chunks(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class SyncAPIClient(BaseClient):
    """Performs the flow's I/O with an `httpx.Client`."""

    def __init__(
        self,
        *,
        http_client: Optional[httpx.Client] = None,
        proxy: Optional[str] = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self._http = self._own_http(http_client, httpx.Client, SyncTransport, proxy, max_connections)

    def request(self, opts: RequestOptions, parse: Parser[_T]) -> _T:
        result = self._run(self._flow(self._http, opts, parse), opts.abort_signal)
        assert not isinstance(result, _Opened)
        return result  # type: ignore[no-any-return]

    def stream(
        self,
        opts: RequestOptions,
        decode: EventDecoder[_T],
        *,
        end_required: bool = True,
        ends_after: Collection[str] = (),
    ) -> Stream[_T]:
        """Send a stream request; `ends_after`: events after which the body may end without the event
        that `decode` stops at (`done`)."""
        result = self._run(self._flow(self._http, opts, _never), opts.abort_signal)
        return self._open_stream(Stream, result.response, decode, opts, end_required, ends_after)

    def stream_bytes(self, opts: RequestOptions) -> BinaryResponse:
        """Send a `stream=True, envelope=BINARY` request; the body stays unread until the caller reads it."""
        result = self._run(self._flow(self._http, opts, _never), opts.abort_signal)
        return BinaryResponse(result.response, abort_signal=opts.abort_signal)

    def run_flow(self, flow: Flow[_T], sleep: Optional[Callable[[float], None]] = None) -> _T:
        """Run a multi-step flow (see `_flow.py`): each `Call` is a whole request, each `Consume` a whole
        stream. `sleep` replaces the client's own wait for the flow's `Sleep` steps (an app's clock)."""
        if sleep is None:
            return self._run(flow)  # type: ignore[no-any-return]

        def perform(action: _Action) -> Any:
            return sleep(action.seconds) if isinstance(action, Sleep) else self._perform(action)

        return self._run(flow, perform=perform)  # type: ignore[no-any-return]

    def iter_flow(self, flow: Flow[Any]) -> Iterator[Any]:
        """Run a flow that hands items to its caller (`Emit` steps): each is yielded as it is emitted; the
        flow goes on when the next item is asked for, and is closed when the iteration stops."""
        try:
            while True:
                paused = self._run(flow)
                if not isinstance(paused, Emit):
                    return
                yield paused.item
        finally:
            flow.close()

    def _run(
        self,
        flow: _Flow,
        signal: Optional[AbortSignal] = None,
        perform: Optional[Callable[[_Action], Any]] = None,
    ) -> Any:
        value: Any = None
        error: Optional[Exception] = None
        if perform is None and signal is not None:
            perform = partial(self._perform_abortable, signal=signal)
        while True:
            try:
                action = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                if signal is not None and signal.aborted:
                    _close_result(stop.value)
                    raise _abort_error(signal, stop.value) from None
                return stop.value
            if isinstance(action, Emit):
                return action  # the flow pauses here; running it again resumes it (see iter_flow)
            value, error = None, None
            try:
                value = self._perform(action) if perform is None else perform(action)
            except Exception as exc:
                error = exc

    def _perform_abortable(self, action: _Action, signal: AbortSignal) -> Any:
        """`_perform` for a call that may be aborted: checked before each step, a body read is woken
        (its socket shut down), a retry's sleep cut short."""
        if signal.aborted:
            if isinstance(action, _Read):
                close_response(action.response)
            raise signal.error(_logid_of_action(action))
        if isinstance(action, httpx.Request):
            with watch_thread(signal):
                try:
                    return self._perform(action)
                except (httpx.HTTPError, httpx.StreamError) as exc:
                    if signal.aborted:
                        raise signal.error() from exc
                    raise
        if isinstance(action, Sleep):
            if signal.wait(action.seconds):
                raise signal.error()
            return None
        if isinstance(action, _Read):
            unsubscribe = signal.subscribe(lambda: interrupt(action.response))
            try:
                return self._perform(action)
            except (httpx.HTTPError, httpx.StreamError) as exc:
                if signal.aborted:
                    raise signal.error(logid_of(action.response.headers)) from exc
                raise
            finally:
                unsubscribe()
        return self._perform(action)

    def _perform(self, action: _Action) -> Any:
        if isinstance(action, _Token):
            assert self._auth is not None
            return self._auth.get_token()
        if isinstance(action, httpx.Request):
            return self._http.send(action, stream=True)
        if isinstance(action, _Read):
            try:
                return action.response.read()
            finally:
                close_response(action.response)
        if isinstance(action, Sleep):
            self._sleep(action.seconds)
            return None
        if isinstance(action, Call):
            return self.request(action.options, action.parse)
        if isinstance(action, Consume):
            with self.stream(action.options, action.decode) as events:
                for event in events:
                    if action.on_event is not None:
                        action.on_event(event)
                    action.take(event)
            return None
        if isinstance(action, Invoke):
            return invoke_sync(action)
        assert self._auth is not None and isinstance(action, _Invalidate)
        return self._auth.invalidate(action.token)

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: _SelfSync) -> _SelfSync:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """Performs the flow's I/O with an `httpx.AsyncClient`."""

    def __init__(
        self,
        *,
        http_client: Optional[httpx.AsyncClient] = None,
        proxy: Optional[str] = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        self._http = self._own_http(http_client, httpx.AsyncClient, async_transport, proxy, max_connections)

    async def request(self, opts: RequestOptions, parse: Parser[_T]) -> _T:
        result = await self._run(self._flow(self._http, opts, parse), opts.abort_signal)
        assert not isinstance(result, _Opened)
        return result  # type: ignore[no-any-return]

    async def stream(
        self,
        opts: RequestOptions,
        decode: EventDecoder[_T],
        *,
        end_required: bool = True,
        ends_after: Collection[str] = (),
    ) -> AsyncStream[_T]:
        result = await self._run(self._flow(self._http, opts, _never), opts.abort_signal)
        return self._open_stream(AsyncStream, result.response, decode, opts, end_required, ends_after)

    async def stream_bytes(self, opts: RequestOptions) -> AsyncBinaryResponse:
        """The async twin of `SyncAPIClient.stream_bytes`."""
        result = await self._run(self._flow(self._http, opts, _never), opts.abort_signal)
        return AsyncBinaryResponse(result.response, abort_signal=opts.abort_signal)

    async def run_flow(
        self, flow: Flow[_T], sleep: Optional[Callable[[float], Awaitable[None]]] = None
    ) -> _T:
        """Run a multi-step flow (see `_flow.py`): each `Call` is a whole request, each `Consume` a whole
        stream. `sleep` replaces the client's own wait for the flow's `Sleep` steps (an app's clock)."""
        if sleep is None:
            return await self._run(flow)  # type: ignore[no-any-return]

        async def perform(action: _Action) -> Any:
            return await (sleep(action.seconds) if isinstance(action, Sleep) else self._perform(action))

        return await self._run(flow, perform=perform)  # type: ignore[no-any-return]

    async def iter_flow(self, flow: Flow[Any]) -> AsyncIterator[Any]:
        """The async twin of `SyncAPIClient.iter_flow`."""
        try:
            while True:
                paused = await self._run(flow)
                if not isinstance(paused, Emit):
                    return
                yield paused.item
        finally:
            flow.close()

    async def _run(
        self,
        flow: _Flow,
        signal: Optional[AbortSignal] = None,
        perform: Optional[Callable[[_Action], Awaitable[Any]]] = None,
    ) -> Any:
        value: Any = None
        error: Optional[Exception] = None
        if perform is None and signal is not None:
            perform = partial(self._perform_abortable, signal=signal)
        while True:
            try:
                action = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                if signal is not None and signal.aborted:
                    await _aclose_result(stop.value)
                    raise _abort_error(signal, stop.value) from None
                return stop.value
            if isinstance(action, Emit):
                return action  # the flow pauses here; running it again resumes it (see iter_flow)
            value, error = None, None
            try:
                # no bound method held per step: with a thousand requests in flight, every object a
                # waiting request holds is one more for the cyclic collector to promote and scan
                value = await (self._perform(action) if perform is None else perform(action))
            except Exception as exc:
                error = exc

    async def _perform_abortable(self, action: _Action, signal: AbortSignal) -> Any:
        """`_perform` cancelled when `signal` is aborted (from any task or thread)."""
        value: Any = None
        if not signal.aborted:
            with cancel_on_abort(signal) as scope:
                value = await self._perform(action)
            if not (scope.cancelled_caught or signal.aborted):
                return value
        if isinstance(action, _Read):  # not read, or its close cancelled too
            await aclose_response(action.response)
        if isinstance(value, httpx.Response):
            await aclose_response(value)
            raise signal.error(logid_of(value.headers))
        raise signal.error(_logid_of_action(action))

    def _perform(self, action: _Action) -> Awaitable[Any]:
        """The awaitable of one step. A send is httpx's own coroutine, not wrapped in one of ours: a
        request waiting for a connection holds one frame fewer."""
        if isinstance(action, httpx.Request):
            return self._http.send(action, stream=True)
        return self._perform_step(action)

    async def _perform_step(self, action: _Action) -> Any:
        if isinstance(action, _Token):
            assert self._auth is not None
            return await self._auth.aget_token()
        if isinstance(action, _Read):
            try:
                return await action.response.aread()
            finally:
                await aclose_response(action.response)
        if isinstance(action, Sleep):
            await self._sleep(action.seconds)
            return None
        if isinstance(action, Call):
            return await self.request(action.options, action.parse)
        if isinstance(action, Consume):
            async with await self.stream(action.options, action.decode) as events:
                async for event in events:
                    if action.on_event is not None:
                        seen = action.on_event(event)
                        if inspect.isawaitable(seen):
                            await seen
                    action.take(event)
            return None
        if isinstance(action, Invoke):
            return await invoke_async(action)
        assert self._auth is not None and isinstance(action, _Invalidate)
        return await self._auth.ainvalidate(action.token)

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        """Close the connection pool (only if this client created it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: _SelfAsync) -> _SelfAsync:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()


def _logid_of_action(action: _Action) -> str:
    return logid_of(action.response.headers) if isinstance(action, _Read) else ""


def _abort_error(signal: AbortSignal, result: Any) -> CozeError:
    logid = logid_of(result.response.headers) if isinstance(result, _Opened) else ""
    return signal.error(logid)


def _close_result(result: Any) -> None:
    if isinstance(result, _Opened):
        close_response(result.response)


async def _aclose_result(result: Any) -> None:
    if isinstance(result, _Opened):
        await aclose_response(result.response)


def _never(payload: Any, info: ResponseInfo) -> Any:
    raise AssertionError("a stream request returned no stream")


_SelfSync = TypeVar("_SelfSync", bound=SyncAPIClient)
_SelfAsync = TypeVar("_SelfAsync", bound=AsyncAPIClient)
