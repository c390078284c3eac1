"""The device flow end to end: pending, slow_down, approval, denial, expiry; sync and async."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import httpx
import pytest

from cozekit import Coze, TokenAuth
from cozekit._exceptions import OAuthError
from cozekit.auth import AsyncDeviceOAuthApp, CozePKCEAuthError, CozePKCEAuthErrorType, DeviceOAuthApp
from cozekit.emulator.control.oauth_client import OAuthControl

from .headless_browser import decide


def _app(
    base_url: str, device_app: Dict[str, Any], oauth: OAuthControl, slept: List[float]
) -> DeviceOAuthApp:
    app = DeviceOAuthApp(device_app["client_id"], base_url=base_url)

    def sleep(seconds: float) -> None:  # waiting is moving the emulator's clock
        slept.append(seconds)
        oauth.advance_clock(seconds)

    app._sleep = sleep  # type: ignore[method-assign]
    return app


def test_device_flow_pending_then_approved(
    base_url: str, device_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    slept: List[float] = []
    app = _app(base_url, device_app, oauth, slept)
    code = app.get_device_code()
    assert code.interval == 5 and code.expires_in == 300
    assert code.verification_url == f"{code.verification_uri}?user_code={code.user_code}"
    assert code.verification_uri.startswith(base_url)
    with pytest.raises(CozePKCEAuthError) as pending:
        app.get_access_token(code)
    assert pending.value.error == CozePKCEAuthErrorType.AUTHORIZATION_PENDING
    assert pending.value.status_code == 400
    assert [d["user_code"] for d in oauth.pending_devices(device_app["client_id"])] == [code.user_code]
    oauth.advance_clock(5)  # the user takes a while; the next poll is on time

    def approve_on_second_sleep(seconds: float) -> None:
        slept.append(seconds)
        oauth.advance_clock(seconds)
        if len(slept) == 2:
            oauth.approve_device(code.user_code)

    app._sleep = approve_on_second_sleep  # type: ignore[method-assign]
    token = app.get_access_token(code, poll=True)
    assert slept == [5, 5]  # a poller on the server's interval is never told to slow down
    assert token.access_token.startswith("czu_")
    with Coze(auth=TokenAuth(token.access_token), base_url=base_url) as coze:
        assert coze.users.me().user_id
    assert app.refresh_access_token(token.refresh_token).access_token != token.access_token
    with pytest.raises(OAuthError):  # the device code was used up
        app.get_access_token(code)
    app.close()


def test_slow_down_adds_five_seconds_to_the_interval(
    base_url: str, device_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = DeviceOAuthApp(device_app["client_id"], base_url=base_url)
    code = app.get_device_code()

    def poll_after(seconds: float) -> CozePKCEAuthErrorType:
        oauth.advance_clock(seconds)
        with pytest.raises(CozePKCEAuthError) as err:
            app.get_access_token(code)
        return err.value.error

    pending, slow = CozePKCEAuthErrorType.AUTHORIZATION_PENDING, CozePKCEAuthErrorType.SLOW_DOWN
    assert poll_after(0) == pending
    assert poll_after(0) == slow  # the interval is now 10 s
    assert poll_after(5) == slow  # 5 s is no longer enough: 15 s
    assert poll_after(15) == pending
    assert poll_after(10) == slow  # the longer interval stays: 20 s
    assert poll_after(20) == pending
    app.close()


def test_a_fast_poller_is_slowed_down_up_to_thirty_seconds(
    base_url: str, device_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    slept: List[float] = []
    app = _app(base_url, device_app, oauth, slept)
    code = app.get_device_code()
    eager = code.model_copy(update={"interval": 1})  # a client ignoring the server's 5 s
    polls = 0

    def sleep(seconds: float) -> None:
        nonlocal polls
        slept.append(seconds)
        oauth.advance_clock(seconds)
        polls += 1
        if seconds == 30 and polls == 8:
            oauth.approve_device(code.user_code)

    app._sleep = sleep  # type: ignore[method-assign]
    token = app.get_access_token(eager, poll=True)
    # +5 s per slow_down on both sides; both stop at 30 s, where the poller is slow enough
    assert slept == [1, 6, 11, 16, 21, 26, 30, 30]
    assert token.access_token.startswith("czu_")
    app.close()


def test_a_long_interval_is_honoured(base_url: str, oauth: OAuthControl) -> None:
    slow = oauth.create_app("device", interval=40)
    slept: List[float] = []
    app = _app(base_url, slow, oauth, slept)
    code = app.get_device_code()

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        oauth.advance_clock(seconds)
        if len(slept) == 2:
            oauth.approve_device(code.user_code)

    app._sleep = sleep  # type: ignore[method-assign]
    assert app.get_access_token(code, poll=True).access_token
    assert slept == [40, 40]  # never polled early, so never told to slow down
    app.close()


def test_interval_is_configurable_per_app(base_url: str, coze_emulator: Any) -> None:
    oauth = coze_emulator.control.oauth
    quick = oauth.create_app("device", interval=1, device_code_ttl=60)
    app = DeviceOAuthApp(quick["client_id"], base_url=base_url)
    code = app.get_device_code()
    assert (code.interval, code.expires_in) == (1, 60)
    oauth.update_app(quick["client_id"], interval=2)
    assert app.get_device_code().interval == 2
    app.close()


def test_denied_and_expired(base_url: str, device_app: Dict[str, Any], oauth: OAuthControl) -> None:
    slept: List[float] = []
    app = _app(base_url, device_app, oauth, slept)
    denied = app.get_device_code()
    oauth.deny_device(denied.user_code)
    with pytest.raises(CozePKCEAuthError) as no:
        app.get_access_token(denied, poll=True)
    assert no.value.error == CozePKCEAuthErrorType.ACCESS_DENIED and slept == []
    late = app.get_device_code()
    with pytest.raises(CozePKCEAuthError) as expired:
        app.get_access_token(late, poll=True)  # nobody approves: the clock runs past 300 s
    assert expired.value.error == CozePKCEAuthErrorType.EXPIRED_TOKEN
    assert sum(slept) >= 300
    with pytest.raises(RuntimeError):  # too late to approve
        oauth.approve_device(late.user_code)
    app.close()


async def test_async_device_flow(base_url: str, device_app: Dict[str, Any], oauth: OAuthControl) -> None:
    app = AsyncDeviceOAuthApp(device_app["client_id"], base_url=base_url)
    code = await app.get_device_code()
    slept: List[float] = []

    async def sleep(seconds: float) -> None:  # the poller awaits; the approver below runs meanwhile
        slept.append(seconds)
        await asyncio.to_thread(oauth.advance_clock, seconds)
        await asyncio.sleep(0.01)

    async def user_approves() -> None:  # another task on the same loop
        async with httpx.AsyncClient(base_url=base_url) as http:
            while len(slept) < 2:
                await asyncio.sleep(0.005)
            answer = await http.post(f"/_emulator/oauth/devices/{code.user_code}/approve", json={})
            assert answer.json()["code"] == 0

    app._sleep = sleep  # type: ignore[method-assign]
    token, _ = await asyncio.wait_for(
        asyncio.gather(app.get_access_token(code, poll=True), user_approves()), timeout=20
    )
    assert token.refresh_token and slept[:2] == [5, 5]
    again = await app.refresh_access_token(token.refresh_token)
    assert again.access_token.startswith("czu_")
    denied = await app.get_device_code()
    oauth.deny_device(denied.user_code)
    with pytest.raises(CozePKCEAuthError) as no:
        await app.get_access_token(denied, poll=True)
    assert no.value.error == CozePKCEAuthErrorType.ACCESS_DENIED
    late = await app.get_device_code()
    await asyncio.to_thread(oauth.advance_clock, 301)
    with pytest.raises(CozePKCEAuthError) as expired:
        await app.get_access_token(late, poll=True)
    assert expired.value.error == CozePKCEAuthErrorType.EXPIRED_TOKEN
    await app.close()


def test_device_page_and_workspace_codes(
    base_url: str, device_app: Dict[str, Any], oauth: OAuthControl, coze_emulator: Any
) -> None:
    app = DeviceOAuthApp(device_app["client_id"], base_url=base_url)
    code = app.get_device_code(workspace_id=coze_emulator.workspace_id)
    assert code.verification_url is not None
    page = decide(code.verification_url)  # the user approves in a browser
    assert page.status_code == 200 and "connected" in page.text
    assert app.get_access_token(code).access_token
    with pytest.raises(OAuthError) as missing:
        app.get_device_code(workspace_id="404")
    assert missing.value.error_code == "invalid_request"
    assert httpx.get(base_url + "/api/permission/oauth2/device/verify").status_code == 200
    app.close()


def test_wrong_app_types(base_url: str, web_app: Dict[str, Any]) -> None:
    app = DeviceOAuthApp(web_app["client_id"], base_url=base_url)
    with pytest.raises(OAuthError) as wrong:
        app.get_device_code()
    assert wrong.value.error_code == "access_deny" and "invalid app type" in wrong.value.msg
    with pytest.raises(OAuthError) as unknown:
        DeviceOAuthApp("missing.app.coze", base_url=base_url).get_device_code()
    assert unknown.value.status_code == 401
    app.close()
