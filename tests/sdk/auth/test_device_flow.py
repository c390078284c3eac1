"""Device flow: the device-code request and every polling sequence, with injected sleeps."""

from __future__ import annotations

import asyncio
import time
from typing import List

import httpx
import pytest

from cozekit import (
    AsyncDeviceOAuthApp,
    CozePKCEAuthError,
    CozePKCEAuthErrorType,
    DeviceAuthCode,
    DeviceOAuthApp,
    OAuthError,
)

from .oauth_fakes import BASE, CLIENT_ID, NO_WAIT, OAuthServer, oauth_error

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class Sleeps:
    def __init__(self) -> None:
        self.calls: List[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def app(server: OAuthServer, sleeps: Sleeps) -> DeviceOAuthApp:
    device = DeviceOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client(), retry_policy=NO_WAIT)
    device._sleep = sleeps  # type: ignore[method-assign,assignment]
    return device


def aapp(server: OAuthServer, sleeps: Sleeps) -> AsyncDeviceOAuthApp:
    device = AsyncDeviceOAuthApp(CLIENT_ID, BASE, http_client=server.async_client(), retry_policy=NO_WAIT)
    device._sleep = sleeps.asleep  # type: ignore[method-assign,assignment]
    return device


def test_device_code_request_and_answer(server: OAuthServer) -> None:
    code = app(server, Sleeps()).get_device_code()
    (req,) = server.requests
    assert req.method == "POST" and req.url.path == "/api/permission/oauth2/device/code"
    assert "authorization" not in req.headers
    assert server.body(req) == {"client_id": CLIENT_ID}
    assert code.user_code == "WDJB-MJHT" and code.interval == 5 and code.expires_in == 1800
    assert code.device_code == "dev_SECRETdevicecode"
    assert code.verification_url == "https://www.coze.test/device?user_code=WDJB-MJHT"


def test_workspace_device_code(server: OAuthServer) -> None:
    app(server, Sleeps()).get_device_code(workspace_id="ws_1")
    assert server.requests[0].url.path == "/api/permission/oauth2/workspace_id/ws_1/device/code"


def test_a_numeric_user_code_is_accepted(server: OAuthServer) -> None:
    # the doc's table types user_code as Integer, its example as a string
    body = {"device_code": "d", "user_code": 123456, "verification_uri": "https://v"}
    server.replies.append(httpx.Response(200, json=body))
    code = app(server, Sleeps()).get_device_code()
    assert code.user_code == "123456" and code.interval == 5 and code.expires_in == 300
    assert code.verification_url == "https://v?user_code=123456"


def _poll_bodies(server: OAuthServer) -> None:
    for req in server.token_requests():
        assert "authorization" not in req.headers
        assert server.body(req) == {
            "grant_type": DEVICE_GRANT,
            "client_id": CLIENT_ID,
            "device_code": "dev_SECRETdevicecode",
        }


def test_pending_then_success(server: OAuthServer) -> None:
    sleeps = Sleeps()
    server.replies += [oauth_error("authorization_pending"), oauth_error("authorization_pending")]
    token = app(server, sleeps).get_access_token("dev_SECRETdevicecode", poll=True)
    assert token.access_token == "czu_access1"
    assert sleeps.calls == [5, 5]
    assert len(server.token_requests()) == 3
    _poll_bodies(server)


def test_slow_down_adds_five_seconds_up_to_thirty(server: OAuthServer) -> None:
    sleeps = Sleeps()
    server.replies += [oauth_error("slow_down")] * 7 + [oauth_error("authorization_pending")]
    app(server, sleeps).get_access_token("dev_SECRETdevicecode", poll=True)
    assert sleeps.calls == [10, 15, 20, 25, 30, 30, 30, 30]


def test_polling_starts_at_the_device_codes_interval(server: OAuthServer) -> None:
    sleeps = Sleeps()
    device = app(server, sleeps)
    code = DeviceAuthCode(device_code="dev_SECRETdevicecode", user_code="U", verification_uri="v", interval=8)
    server.replies += [oauth_error("authorization_pending"), oauth_error("slow_down", style="device")]
    device.get_access_token(code, poll=True)
    assert sleeps.calls == [8, 13]
    _poll_bodies(server)


def test_an_interval_over_thirty_seconds_is_kept(server: OAuthServer) -> None:
    sleeps = Sleeps()
    code = DeviceAuthCode(device_code="dev_SECRET", user_code="U", verification_uri="v", interval=45)
    server.replies += [oauth_error("authorization_pending"), oauth_error("slow_down")]
    app(server, sleeps).get_access_token(code, poll=True)
    assert sleeps.calls == [45, 45]


@pytest.mark.parametrize("code", ["access_denied", "expired_token"])
@pytest.mark.parametrize("style", ["docs", "device", "both"])
def test_denied_and_expired_stop_polling(server: OAuthServer, code: str, style: str) -> None:
    sleeps = Sleeps()
    server.replies += [oauth_error("authorization_pending"), oauth_error(code, "no", style=style)]
    with pytest.raises(CozePKCEAuthError) as info:
        app(server, sleeps).get_access_token("dev_SECRETdevicecode", poll=True)
    assert info.value.error == CozePKCEAuthErrorType(code)
    assert isinstance(info.value, OAuthError) and info.value.error_code == code
    assert info.value.logid == "logid-oauth"
    assert sleeps.calls == [5]
    assert "dev_SECRETdevicecode" not in str(info.value)


def test_without_poll_pending_is_raised(server: OAuthServer) -> None:
    server.replies.append(oauth_error("authorization_pending"))
    with pytest.raises(CozePKCEAuthError) as info:
        app(server, Sleeps()).get_access_token("dev_SECRETdevicecode")
    assert info.value.error == CozePKCEAuthErrorType.AUTHORIZATION_PENDING
    assert len(server.requests) == 1


def test_other_errors_are_not_device_errors(server: OAuthServer) -> None:
    server.replies.append(oauth_error("invalid_client", status=401))
    with pytest.raises(OAuthError) as info:
        app(server, Sleeps()).get_access_token("dev_SECRETdevicecode", poll=True)
    assert not isinstance(info.value, CozePKCEAuthError)
    assert info.value.error_code == "invalid_client"


def test_device_refresh_has_no_authorization(server: OAuthServer) -> None:
    app(server, Sleeps()).refresh_access_token("rt_1")
    (req,) = server.requests
    assert "authorization" not in req.headers
    assert server.body(req) == {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "refresh_token": "rt_1",
    }


async def test_async_polling_sequence(server: OAuthServer) -> None:
    sleeps = Sleeps()
    device = aapp(server, sleeps)
    code = await device.get_device_code()
    server.replies += [
        oauth_error("authorization_pending"),
        oauth_error("slow_down"),
        oauth_error("slow_down"),
    ]
    token = await device.get_access_token(code, poll=True)
    assert token.access_token == "czu_access1"
    assert sleeps.calls == [5, 10, 15]
    _poll_bodies(server)


async def test_async_polling_never_blocks_the_event_loop(
    server: OAuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_blocking_sleep(seconds: float) -> None:
        raise AssertionError("time.sleep called on the event loop")

    monkeypatch.setattr(time, "sleep", no_blocking_sleep)
    ticks: List[int] = []
    sleeps = Sleeps()
    server.replies += [oauth_error("authorization_pending")] * 5

    async def ticker() -> None:
        for i in range(100):
            ticks.append(i)
            await asyncio.sleep(0)

    device = aapp(server, sleeps)
    token, _ = await asyncio.gather(device.get_access_token("dev_SECRETdevicecode", poll=True), ticker())
    assert token.access_token == "czu_access1"
    assert len(sleeps.calls) == 5 and len(ticks) == 100


async def test_async_denied(server: OAuthServer) -> None:
    server.replies.append(oauth_error("access_denied"))
    with pytest.raises(CozePKCEAuthError) as info:
        await aapp(server, Sleeps()).get_access_token("dev_SECRETdevicecode", poll=True)
    assert info.value.error == CozePKCEAuthErrorType.ACCESS_DENIED


def test_the_default_sleeps_are_the_real_ones() -> None:
    assert DeviceOAuthApp(CLIENT_ID, BASE)._sleep is time.sleep
    assert AsyncDeviceOAuthApp(CLIENT_ID, BASE)._sleep is asyncio.sleep
