"""Authorize URLs, host derivation and PKCE challenges (no I/O)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from cozekit import (
    COZE_CN_BASE_URL,
    COZE_COM_BASE_URL,
    PKCEOAuthApp,
    WebOAuthApp,
    code_challenge,
    gen_code_verifier,
    gen_state,
)

from .oauth_fakes import CLIENT_ID, CLIENT_SECRET


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


@pytest.mark.parametrize(
    ("base", "www"),
    [
        (COZE_CN_BASE_URL, "https://www.coze.cn"),
        (COZE_COM_BASE_URL, "https://www.coze.com"),
        ("https://api.coze.cn/", "https://www.coze.cn"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_the_authorize_page_is_on_the_www_host_of_the_api(base: str, www: str) -> None:
    url = WebOAuthApp(CLIENT_ID, CLIENT_SECRET, base).get_oauth_url("https://app.example/cb", state="s1")
    assert url.startswith(f"{www}/api/permission/oauth2/authorize?")


def test_an_explicit_www_base_url_wins() -> None:
    app = PKCEOAuthApp(CLIENT_ID, COZE_CN_BASE_URL, "https://proxy.example")
    assert app.get_oauth_url("https://a/cb", "v" * 43).startswith("https://proxy.example/api/")


def test_web_authorize_url_carries_every_parameter_encoded() -> None:
    app = WebOAuthApp(CLIENT_ID, CLIENT_SECRET, COZE_CN_BASE_URL)
    url = app.get_oauth_url("https://app.example/cb#frag?x=1&y", state="st&ate")
    assert "%23frag" in url  # the docs: `#` in a redirect URI must be sent as %23
    assert _query(url) == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "https://app.example/cb#frag?x=1&y",
        "state": "st&ate",
    }
    assert CLIENT_SECRET not in url


def test_workspace_scoped_authorize_url() -> None:
    app = WebOAuthApp(CLIENT_ID, CLIENT_SECRET, COZE_CN_BASE_URL)
    url = app.get_oauth_url("https://a/cb", state="s", workspace_id="ws/1")
    assert urlsplit(url).path == "/api/permission/oauth2/workspace_id/ws%2F1/authorize"
    with pytest.raises(ValueError):
        app.get_oauth_url("https://a/cb", state="s", workspace_id="..")


def test_rfc7636_s256_example() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier, "S256") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert code_challenge(verifier, "plain") == verifier
    with pytest.raises(ValueError):
        code_challenge(verifier, "s256")


def test_pkce_url_defaults_to_s256_and_supports_plain() -> None:
    app = PKCEOAuthApp(CLIENT_ID, COZE_CN_BASE_URL)
    verifier = gen_code_verifier()
    q = _query(app.get_oauth_url("https://a/cb", verifier, state="s"))
    assert q["code_challenge_method"] == "S256"
    assert q["code_challenge"] == code_challenge(verifier, "S256") != verifier
    assert q["state"] == "s" and q["response_type"] == "code" and q["client_id"] == CLIENT_ID
    q = _query(app.get_oauth_url("https://a/cb", verifier, code_challenge_method="plain"))
    assert q["code_challenge_method"] == "plain" and q["code_challenge"] == verifier


def test_generated_verifiers_and_states_are_valid_and_unique() -> None:
    verifiers = {gen_code_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for v in verifiers:
        assert 43 <= len(v) <= 128 and re.fullmatch(r"[A-Za-z0-9\-._~]+", v)
    assert len({gen_state() for _ in range(50)}) == 50


def test_bad_arguments_are_refused_before_any_io() -> None:
    with pytest.raises(ValueError):
        WebOAuthApp(CLIENT_ID, "")
    with pytest.raises(ValueError):
        WebOAuthApp("", CLIENT_SECRET)
    with pytest.raises(ValueError):
        PKCEOAuthApp(CLIENT_ID).get_oauth_url("", "v" * 43)
    with pytest.raises(ValueError):
        PKCEOAuthApp(CLIENT_ID).get_oauth_url("https://a/cb", "")
