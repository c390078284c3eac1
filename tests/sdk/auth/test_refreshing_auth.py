"""Self-refreshing auths: caching with an injected clock, invalidate after 401/4100, single-flight
under real concurrency (threads and asyncio), refresh-token rotation and stores, and the pipeline."""

from __future__ import annotations

import asyncio
import threading
from typing import List

import httpx
import pytest

from cozekit import (
    AsyncCoze,
    AsyncJWTAuth,
    AsyncJWTOAuthApp,
    AsyncOAuthRefreshAuth,
    AsyncPKCEOAuthApp,
    Coze,
    JWTAuth,
    JWTOAuthApp,
    MemoryTokenStore,
    OAuthError,
    OAuthRefreshAuth,
    OAuthToken,
    PKCEOAuthApp,
    WebOAuthApp,
)

from .oauth_fakes import (
    BASE,
    CLIENT_ID,
    CLIENT_SECRET,
    KEY_ID,
    NO_WAIT,
    FakeClock,
    OAuthServer,
    bearer,
    oauth_error,
)


def jwt_auth(server: OAuthServer, private_pem: str, clock: FakeClock, **kw: object) -> JWTAuth:
    server.now = clock
    app = JWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.sync_client())
    return JWTAuth(oauth_app=app, ttl=900, clock=clock, **kw)  # type: ignore[arg-type]


def ajwt_auth(server: OAuthServer, private_pem: str, clock: FakeClock) -> AsyncJWTAuth:
    server.now = clock
    app = AsyncJWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.async_client())
    return AsyncJWTAuth(oauth_app=app, ttl=900, clock=clock)


def first_token(clock: FakeClock, n: int = 0, lifetime: int = 900) -> OAuthToken:
    return OAuthToken(
        access_token=f"czu_start{n}", expires_in=int(clock()) + lifetime, refresh_token=f"rt_start{n}"
    )


# -- caching -------------------------------------------------------------------------------------------


def test_a_token_is_reused_until_shortly_before_expiry(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    auth = jwt_auth(server, private_pem, clock)
    assert auth.get_token() == "czu_access1"
    clock.advance(900 - 61)
    assert auth.get_token() == "czu_access1"
    assert len(server.token_requests()) == 1
    clock.advance(2)  # inside the 60 s leeway
    assert auth.get_token() == "czu_access2"
    assert len(server.token_requests()) == 2
    body = server.body(server.token_requests()[-1])
    assert body["duration_seconds"] == 900


def test_the_leeway_is_at_most_half_the_lifetime(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    server.lifetime = 30
    auth = jwt_auth(server, private_pem, clock)
    auth.get_token()
    clock.advance(14)
    auth.get_token()
    assert len(server.token_requests()) == 1
    clock.advance(2)
    auth.get_token()
    assert len(server.token_requests()) == 2


def test_a_duration_style_expires_in_is_read_as_a_duration(clock: FakeClock, server: OAuthServer) -> None:
    server.replies.append(
        httpx.Response(200, json={"access_token": "czu_d", "expires_in": 900, "refresh_token": "rt_d"})
    )
    app = PKCEOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())
    auth = OAuthRefreshAuth(app, first_token(clock, lifetime=-5), clock=clock)
    assert auth.get_token() == "czu_d"
    clock.advance(800)
    assert auth.get_token() == "czu_d"


def test_invalidate_forces_exactly_one_refresh(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    auth = jwt_auth(server, private_pem, clock)
    old = auth.get_token()
    assert auth.invalidate(old) is True
    assert auth.invalidate(old) is True  # a second 401 for the same token: still one refresh
    assert auth.get_token() == "czu_access2"
    assert auth.get_token() == "czu_access2"
    assert auth.invalidate(old) is True  # a late 401 for the old token leaves the new one alone
    assert auth.get_token() == "czu_access2"
    assert len(server.token_requests()) == 2


# -- the pipeline --------------------------------------------------------------------------------------


def test_coze_retries_once_with_a_new_token_after_4100(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    auth = jwt_auth(server, private_pem, clock)
    server.api_replies.append(httpx.Response(200, json={"code": 4100, "msg": "token expired"}))
    coze = Coze(auth, BASE, http_client=server.sync_client(), retry_policy=NO_WAIT)
    assert coze.users.me().user_id == "u1"
    assert [bearer(r) for r in server.api_requests()] == ["czu_access1", "czu_access2"]
    assert len(server.token_requests()) == 2


def test_a_second_rejection_is_raised_not_looped(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    auth = jwt_auth(server, private_pem, clock)
    rejected = httpx.Response(401, json={"code": 4100, "msg": "invalid token"})
    server.api_replies += [rejected, rejected]
    coze = Coze(auth, BASE, http_client=server.sync_client(), retry_policy=NO_WAIT)
    with pytest.raises(Exception) as info:
        coze.users.me()
    assert getattr(info.value, "code", None) == 4100
    assert len(server.api_requests()) == 2 and len(server.token_requests()) == 2


async def test_async_coze_retries_once_after_401(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    auth = ajwt_auth(server, private_pem, clock)
    server.api_replies.append(httpx.Response(401, json={"code": 4100, "msg": "expired"}))
    coze = AsyncCoze(auth, BASE, http_client=server.async_client(), retry_policy=NO_WAIT)
    assert (await coze.users.me()).user_id == "u1"
    assert [bearer(r) for r in server.api_requests()] == ["czu_access1", "czu_access2"]


async def test_a_sync_auth_works_with_async_coze_off_the_loop(
    server: OAuthServer, private_pem: str, clock: FakeClock
) -> None:
    auth = jwt_auth(server, private_pem, clock)
    loop_thread = threading.get_ident()
    fetch_threads: List[int] = []
    original = auth._fetch

    def spy() -> OAuthToken:
        fetch_threads.append(threading.get_ident())
        return original()

    auth._fetch = spy  # type: ignore[method-assign]
    coze = AsyncCoze(auth, BASE, http_client=server.async_client())
    await coze.users.me()
    assert fetch_threads and loop_thread not in fetch_threads


def test_an_async_auth_refuses_sync_use(server: OAuthServer, private_pem: str, clock: FakeClock) -> None:
    with pytest.raises(TypeError, match="AsyncCoze"):
        ajwt_auth(server, private_pem, clock).get_token()


# -- single flight -------------------------------------------------------------------------------------


def test_single_flight_with_100_threads(server: OAuthServer, private_pem: str) -> None:
    server.delay = 0.05  # hold the token endpoint so every thread arrives while the first fetch runs
    app = JWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.sync_client())
    auth = JWTAuth(oauth_app=app)
    barrier = threading.Barrier(100)
    results: List[str] = []
    errors: List[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(auth.get_token())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == ["czu_access1"] * 100
    assert len(server.token_requests()) == 1


def test_single_flight_with_100_threads_through_coze(server: OAuthServer, clock: FakeClock) -> None:
    server.now = clock
    server.delay = 0.02
    app = WebOAuthApp(CLIENT_ID, CLIENT_SECRET, BASE, http_client=server.sync_client())
    auth = OAuthRefreshAuth(app, first_token(clock), clock=clock)
    clock.advance(899)  # the starting token is about to expire: every request needs the refresh
    coze = Coze(auth, BASE, http_client=server.sync_client())
    barrier = threading.Barrier(100)

    def worker() -> None:
        barrier.wait()
        coze.users.me()

    threads = [threading.Thread(target=worker) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.token_requests()) == 1
    assert {bearer(r) for r in server.api_requests()} == {"czu_access1"}
    assert len(server.api_requests()) == 100


async def test_single_flight_with_100_tasks(server: OAuthServer, private_pem: str) -> None:
    server.delay = 0.01
    app = AsyncJWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.async_client())
    auth = AsyncJWTAuth(oauth_app=app)
    tokens = await asyncio.gather(*(auth.aget_token() for _ in range(100)))
    assert set(tokens) == {"czu_access1"}
    assert len(server.token_requests()) == 1


async def test_single_flight_after_a_burst_of_401s(server: OAuthServer, clock: FakeClock) -> None:
    server.now = clock
    server.delay = 0.01
    app = AsyncPKCEOAuthApp(CLIENT_ID, BASE, http_client=server.async_client())
    auth = AsyncOAuthRefreshAuth(app, first_token(clock), clock=clock)
    server.api_replies += [httpx.Response(401, json={"code": 4100, "msg": "revoked"})] * 100
    coze = AsyncCoze(auth, BASE, http_client=server.async_client())
    users = await asyncio.gather(*(coze.users.me() for _ in range(100)))
    assert len(users) == 100
    assert len(server.token_requests()) == 1
    bearers = [bearer(r) for r in server.api_requests()]
    assert bearers.count("czu_start0") == 100 and bearers.count("czu_access1") == 100


async def test_the_async_lock_survives_a_new_event_loop(server: OAuthServer, private_pem: str) -> None:
    app = AsyncJWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.async_client())
    auth = AsyncJWTAuth(oauth_app=app)
    await auth.aget_token()
    auth.invalidate("czu_access1")

    def in_other_loop() -> str:
        return asyncio.run(auth.aget_token())

    assert await asyncio.to_thread(in_other_loop) == "czu_access2"


# -- refresh tokens ------------------------------------------------------------------------------------


def test_refresh_token_rotation_and_store(server: OAuthServer, clock: FakeClock) -> None:
    server.now = clock
    store = MemoryTokenStore()
    app = WebOAuthApp(CLIENT_ID, CLIENT_SECRET, BASE, http_client=server.sync_client())
    auth = OAuthRefreshAuth(app, first_token(clock), store=store, clock=clock)
    assert auth.get_token() == "czu_start0"
    assert server.requests == []
    clock.advance(850)
    assert auth.get_token() == "czu_access1"
    clock.advance(850)
    assert auth.get_token() == "czu_access2"
    sent = [server.body(r)["refresh_token"] for r in server.token_requests()]
    assert sent == ["rt_start0", "rt_refresh1"]
    assert all(bearer(r) == CLIENT_SECRET for r in server.token_requests())
    saved = store.load(f"{CLIENT_ID}@{BASE}")
    assert saved is not None and saved.refresh_token == "rt_refresh2"


def test_the_first_token_can_come_from_a_store(server: OAuthServer, clock: FakeClock) -> None:
    store = MemoryTokenStore()
    store.save("me", first_token(clock, 7))
    app = PKCEOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())
    assert OAuthRefreshAuth(app, store=store, key="me", clock=clock).get_token() == "czu_start7"
    with pytest.raises(ValueError):
        OAuthRefreshAuth(app, store=store, key="nobody")
    with pytest.raises(ValueError, match="refresh_token"):
        OAuthRefreshAuth(app, OAuthToken(access_token="czs_x", expires_in=1))


def test_a_token_another_process_refreshed_is_picked_up(server: OAuthServer, clock: FakeClock) -> None:
    server.now = clock
    store = MemoryTokenStore()
    app = PKCEOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())
    auth = OAuthRefreshAuth(app, first_token(clock), store=store, key="k", clock=clock)
    clock.advance(850)
    store.save("k", first_token(clock, 9))  # the other process rotated the refresh token
    assert auth.get_token() == "czu_start9"
    assert server.requests == []


def test_a_failed_refresh_raises_and_is_retried_next_time(server: OAuthServer, clock: FakeClock) -> None:
    server.now = clock
    app = PKCEOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())
    auth = OAuthRefreshAuth(app, first_token(clock), clock=clock)
    clock.advance(899)
    server.replies.append(oauth_error("internal_error", "Service internal error.", 500))
    with pytest.raises(OAuthError):
        auth.get_token()
    assert auth.get_token() == "czu_access1"
