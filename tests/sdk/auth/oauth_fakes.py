"""Coze's OAuth endpoints played on the fake server, a fake clock, and helpers shared by the auth tests."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any, Callable, Dict, List, Optional, Union

import httpx

from cozekit import RetryPolicy
from fake_server import FakeServer

BASE = "http://coze.test"
CLIENT_ID = "1234567890.app.coze"
CLIENT_SECRET = "sec_SUPERSECRETclientsecret"
KEY_ID = "kid_fingerprint_abc"
NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)

Reply = Union[httpx.Response, Callable[[httpx.Request], httpx.Response]]


def oauth_error(code: str, message: str = "", status: int = 400, style: str = "both") -> httpx.Response:
    """An OAuth error body as the docs show it (`error_code`/`error_message`), as the device page shows it
    (`error`/`error_description`), or both (what the emulator is asked to send)."""
    body: Dict[str, Any] = {}
    if style in ("docs", "both"):
        body.update(error_code=code, error_message=message)
    if style in ("device", "both"):
        body.update(error=code, error_description=message)
    return httpx.Response(status, json=body, headers={"x-tt-logid": "logid-oauth"})


class OAuthServer(FakeServer):
    """Plays Coze's OAuth endpoints on the fake server. Each token answer is a fresh `czu_<n>`/`rt_<n>` pair
    expiring `lifetime` seconds after `now()`; `replies` (popped first, for any path) override answers in
    order, `api_replies` the answers of the API (`/v1/...`); `delay` holds every answer back."""

    def __init__(self, now: Callable[[], float] = time.time, lifetime: int = 900) -> None:
        super().__init__(default=self._route)
        self.now = now
        self.lifetime = lifetime
        self.api_replies: List[Reply] = []
        self.issued: List[str] = []
        self.delay = 0.0
        self._counter = itertools.count(1)

    # -- inspection -----------------------------------------------------------------------------------
    def token_requests(self) -> List[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/token")]

    def api_requests(self) -> List[httpx.Request]:
        return [r for r in self.requests if r.url.path.startswith("/v1/")]

    @staticmethod
    def body(request: httpx.Request) -> Any:  # type: ignore[override]
        return json.loads(request.content)

    # -- answering ------------------------------------------------------------------------------------
    def token(self) -> httpx.Response:
        n = next(self._counter)
        access = f"czu_access{n}"
        self.issued.append(access)
        body = {
            "access_token": access,
            "expires_in": int(self.now()) + self.lifetime,
            "refresh_token": f"rt_refresh{n}",
            "token_type": "Bearer",
        }
        return httpx.Response(200, json=body, headers={"x-tt-logid": f"logid-token-{n}"})

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/v1/"):
            if self.api_replies:
                return _answer(self.api_replies.pop(0), request)
            data = {"user_id": "u1", "user_name": "n", "nick_name": "n", "avatar_url": ""}
            return httpx.Response(200, json={"code": 0, "msg": "", "data": data})
        if path.endswith("/device/code"):
            return httpx.Response(
                200,
                json={
                    "device_code": "dev_SECRETdevicecode",
                    "user_code": "WDJB-MJHT",
                    "verification_uri": "https://www.coze.test/device",
                    "expires_in": 1800,
                    "interval": 5,
                },
            )
        if path.endswith("/token"):
            return self.token()
        return httpx.Response(404, json={"code": 4200, "msg": "not found"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            time.sleep(self.delay)
        return super().__call__(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        return super().__call__(request)

    def sync_client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle_async))


def _answer(reply: Reply, request: httpx.Request) -> httpx.Response:
    return reply(request) if callable(reply) else reply


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def bearer(request: httpx.Request) -> Optional[str]:
    value = request.headers.get("authorization")
    if value is None:
        return None
    assert value.startswith("Bearer ")
    return value[len("Bearer ") :]
