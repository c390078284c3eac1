"""No token, code, verifier, device code, client secret, JWT assertion or private key shows up in a log
line (SDK, emulator or CLI, at DEBUG), a repr or an error message, across every flow against the emulator."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

import httpx
import pytest
from typer.testing import CliRunner

from cozekit import Coze
from cozekit._exceptions import CozeError
from cozekit.auth import (
    DeviceOAuthApp,
    FileTokenStore,
    JWTAuth,
    JWTOAuthApp,
    OAuthRefreshAuth,
    PKCEOAuthApp,
    WebOAuthApp,
    gen_code_verifier,
)
from cozekit.cli import app as cli
from cozekit.emulator.control.oauth_client import OAuthControl

from .headless_browser import REDIRECT, consent, query


def _pem_lines(pem: str) -> List[str]:
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def test_no_secret_leaks_anywhere(
    base_url: str,
    web_app: Dict[str, Any],
    pkce_app: Dict[str, Any],
    device_app: Dict[str, Any],
    jwt_app: Dict[str, Any],
    oauth: OAuthControl,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: List[str] = [web_app["client_secret"], *_pem_lines(jwt_app["private_key"])]
    texts: List[str] = []

    def failure(call: Any) -> None:
        with pytest.raises(CozeError) as info:
            call()
        texts.extend([str(info.value), repr(info.value), *map(str, info.value.args)])

    web = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    code = query(consent(web.get_oauth_url(REDIRECT, state="s")))["code"]
    token = web.get_access_token(REDIRECT, code)
    secrets += [code, token.access_token, token.refresh_token or ""]
    failure(lambda: web.get_access_token(REDIRECT, code))  # used code
    failure(
        lambda: WebOAuthApp(web_app["client_id"], "sec_wrong", base_url=base_url).refresh_access_token(
            token.refresh_token or ""
        )
    )
    store = FileTokenStore(tmp_path / "t.json")
    auth = OAuthRefreshAuth(web, token, store=store)
    with Coze(auth=auth, base_url=base_url) as coze:
        oauth.advance_clock(901)
        coze.users.me()  # a 4100, a refresh, a retry
        assert auth.oauth_token is not None
        secrets += [auth.oauth_token.access_token, auth.oauth_token.refresh_token or ""]
        texts += [repr(coze), repr(auth), repr(auth.oauth_token), repr(store), repr(web)]
    failure(lambda: web.refresh_access_token(token.refresh_token or ""))  # rotated away

    pkce = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    verifier = gen_code_verifier()
    pcode = query(consent(pkce.get_oauth_url(REDIRECT, verifier)))["code"]
    failure(lambda: pkce.get_access_token(REDIRECT, pcode, gen_code_verifier()))
    secrets += [verifier, pcode]

    device = DeviceOAuthApp(device_app["client_id"], base_url=base_url)
    dcode = device.get_device_code()
    failure(lambda: device.get_access_token(dcode))  # pending
    oauth.approve_device(dcode.user_code)
    oauth.advance_clock(5)
    dtoken = device.get_access_token(dcode)
    secrets += [dcode.device_code, dtoken.access_token, dtoken.refresh_token or ""]
    texts += [repr(dcode), str(dcode), repr(dtoken), str(dtoken), repr(device)]

    key, kid = jwt_app["private_key"], jwt_app["public_key_id"]
    jwt_app_ = JWTOAuthApp(jwt_app["client_id"], key, kid, base_url=base_url)
    jauth = JWTAuth(oauth_app=jwt_app_, session_name="end-user-1")
    with Coze(auth=jauth, base_url=base_url) as coze:
        coze.users.me()
        secrets.append(jauth.get_token())
        texts += [repr(jauth), repr(jwt_app_), str(jwt_app_)]
    assertion = jwt_app_._assertion(None, None)
    secrets.append(assertion)
    headers = {"Authorization": f"Bearer {assertion}"}
    body = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"}
    for _ in range(2):  # the second is a replay
        texts.append(httpx.post(base_url + "/api/permission/oauth2/token", json=body, headers=headers).text)

    def approve(seconds: float) -> None:
        for pending in oauth.pending_devices():
            oauth.approve_device(pending["user_code"])

    monkeypatch.setattr(DeviceOAuthApp, "_sleep", staticmethod(approve))
    common = ["--base-url", base_url, "--token-file", str(tmp_path / "cli.json")]
    runs = [
        CliRunner().invoke(cli, ["login", "--client-id", device_app["client_id"], *common]),
        CliRunner().invoke(cli, ["whoami", *common]),
        CliRunner().invoke(cli, ["logout", *common]),
    ]
    assert [r.exit_code for r in runs] == [0, 0, 0], runs[0].output
    cli_token = FileTokenStore(tmp_path / "cli.json")
    texts += [r.output for r in runs]
    assert cli_token.keys() == []  # logged out again

    # httpcore's DEBUG trace prints raw response headers for every client in the process, including
    # the test's own "browser" receiving the consent redirect (with its code); Coze sends no secret there
    texts += [f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("httpcore")]
    assert "oauth: authorization_code grant issued" in caplog.text  # emulator logging was captured
    haystack = "\n".join(texts)
    leaked = [line for s in secrets if s for line in haystack.splitlines() if s in line]
    assert leaked == []
    for app in (web, pkce, device, jwt_app_):
        app.close()
