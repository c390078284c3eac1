"""Every documented OAuth error (the official `oauth_code`, `oauth_jwt` and `oauth_device_code` pages) as
the emulator answers it, and as the SDK raises it, sync and async: HTTP status plus `error`, `error_code`,
`error_message` and `error_description`."""

from __future__ import annotations

from typing import Any, Dict

import httpx
import pytest

from cozekit._exceptions import OAuthError
from cozekit.auth import (
    AsyncDeviceOAuthApp,
    AsyncWebOAuthApp,
    CozePKCEAuthError,
    DeviceOAuthApp,
    WebOAuthApp,
)
from cozekit.emulator.control.oauth_client import OAuthControl

from .headless_browser import REDIRECT

TOKEN = "/api/permission/oauth2/token"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _body(answer: httpx.Response, status: int, error: str) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error", "error_code", "error_message", "error_description"}
    assert body["error"] == body["error_code"] == error
    assert body["error_message"] == body["error_description"]
    return str(body["error_message"])


def test_errors_of_the_token_endpoint(base_url: str, web_app: Dict[str, Any], oauth: OAuthControl) -> None:
    with httpx.Client(base_url=base_url) as http:
        grant = {
            "grant_type": "authorization_code",
            "client_id": web_app["client_id"],
            "redirect_uri": REDIRECT,
        }
        secret = {"Authorization": "Bearer " + web_app["client_secret"]}
        bad_code = http.post(TOKEN, json={**grant, "code": "code_nope"}, headers=secret)
        assert _body(bad_code, 400, "invalid_request") == "invalid request: code"
        wrong_secret = http.post(TOKEN, json={**grant, "code": "x"}, headers={"Authorization": "Bearer no"})
        _body(wrong_secret, 401, "invalid_client")
        unknown = http.post(TOKEN, json={**grant, "client_id": "nope.app.coze"})
        _body(unknown, 401, "invalid_client")
        password = http.post(TOKEN, json={"grant_type": "password"})
        assert _body(password, 400, "unsupported_grant_type") == "not supported grant type: password"
        not_json = http.post(TOKEN, content=b"{", headers={"content-type": "application/json"})
        _body(not_json, 400, "invalid_request")
        wrong_type = http.post(TOKEN, json={"grant_type": DEVICE_GRANT, "client_id": web_app["client_id"]})
        assert _body(wrong_type, 400, "access_deny") == "invalid app type"
        oauth.update_app(web_app["client_id"], disabled=True)
        off = http.post(TOKEN, json={**grant, "code": "x"}, headers=secret)
        assert "is currently deactivated by the owner" in _body(off, 400, "access_deny")
        oauth.fail_next("internal_error")
        assert _body(http.post(TOKEN, json=grant), 500, "internal_error") == "Service internal error."
        assert http.post(TOKEN, json={"grant_type": "password"}).status_code == 400  # armed once only


def test_device_errors(base_url: str, device_app: Dict[str, Any], oauth: OAuthControl) -> None:
    with httpx.Client(base_url=base_url) as http:
        code = http.post("/api/permission/oauth2/device/code", json={"client_id": device_app["client_id"]})
        poll = {"grant_type": DEVICE_GRANT, "client_id": device_app["client_id"], **code.json()}
        _body(http.post(TOKEN, json=poll), 400, "authorization_pending")
        _body(http.post(TOKEN, json=poll), 400, "slow_down")
        oauth.deny_device(code.json()["user_code"])
        oauth.advance_clock(30)
        _body(http.post(TOKEN, json=poll), 400, "access_denied")
        oauth.advance_clock(300)
        _body(http.post(TOKEN, json=poll), 400, "expired_token")


def test_consent_page_errors(base_url: str, web_app: Dict[str, Any]) -> None:
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    nobody = httpx.get(app.get_oauth_url(REDIRECT) + "&user_id=404404")
    assert nobody.status_code == 400 and "login session invalid" in nobody.text
    bad_type = httpx.get(app.get_oauth_url(REDIRECT).replace("response_type=code", "response_type=token"))
    assert bad_type.status_code == 400 and "invalid request: response_type" in bad_type.text
    app.close()


ARMED = [
    ("invalid_request", 400),
    ("invalid_client", 401),
    ("unsupported_grant_type", 400),
    ("access_deny", 400),
    ("internal_error", 500),
]


@pytest.mark.parametrize("error,status", ARMED)
def test_the_sdk_raises_each_error(
    base_url: str, web_app: Dict[str, Any], oauth: OAuthControl, error: str, status: int
) -> None:
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    oauth.fail_next(error, "told to fail")
    with pytest.raises(OAuthError) as raised:
        app.get_access_token(REDIRECT, "code_x")
    assert (raised.value.error_code, raised.value.status_code) == (error, status)
    assert "told to fail" in str(raised.value) and raised.value.logid
    app.close()


@pytest.mark.parametrize("error,status", ARMED)
async def test_the_async_sdk_raises_each_error(
    base_url: str, web_app: Dict[str, Any], oauth: OAuthControl, error: str, status: int
) -> None:
    app = AsyncWebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    oauth.fail_next(error)
    with pytest.raises(OAuthError) as raised:
        await app.refresh_access_token("rt_x")
    assert (raised.value.error_code, raised.value.status_code) == (error, status)
    await app.close()


@pytest.mark.parametrize("error", ["authorization_pending", "slow_down", "access_denied", "expired_token"])
async def test_device_errors_become_pkce_auth_errors(
    base_url: str, device_app: Dict[str, Any], oauth: OAuthControl, error: str
) -> None:
    sync_app = DeviceOAuthApp(device_app["client_id"], base_url=base_url)
    async_app = AsyncDeviceOAuthApp(device_app["client_id"], base_url=base_url)
    oauth.fail_next(error, times=2)
    with pytest.raises(CozePKCEAuthError) as raised:
        sync_app.get_access_token("dev_x")
    assert raised.value.error.value == error
    with pytest.raises(CozePKCEAuthError) as araised:
        await async_app.get_access_token("dev_x")
    assert araised.value.error.value == error
    sync_app.close()
    await async_app.close()


def test_an_unexpected_failure_is_internal_error_without_details(
    base_url: str,
    pkce_app: Dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from cozekit.emulator.oauth.backend import OAuthBackend

    def broken(self: Any, app: Any, refresh_token: str) -> Dict[str, Any]:
        raise RuntimeError(f"store down while looking up {refresh_token}")

    monkeypatch.setattr(OAuthBackend, "refresh", broken)  # the emulator runs in this process
    secret = "rt_" + "s" * 40
    body = {"grant_type": "refresh_token", "client_id": pkce_app["client_id"], "refresh_token": secret}
    answer = httpx.post(base_url + TOKEN, json=body)
    assert _body(answer, 500, "internal_error") == "Service internal error."
    assert "oauth: /api/permission/oauth2/token failed: RuntimeError" in caplog.text
    assert secret not in caplog.text + answer.text
