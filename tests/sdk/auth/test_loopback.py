"""The one-shot redirect listener on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from cozekit.auth.loopback import RedirectListener


def test_receives_one_redirect() -> None:
    with RedirectListener() as listener:
        assert listener.redirect_uri.startswith("http://127.0.0.1:")
        assert listener.redirect_uri.endswith("/callback")
        assert httpx.get(listener.redirect_uri.replace("/callback", "/other")).status_code == 404
        answer = httpx.get(listener.redirect_uri, params={"code": "code_1", "state": "s"})
        assert answer.status_code == 200 and "close this window" in answer.text
        assert listener.wait(timeout=5) == {"code": "code_1", "state": "s"}
        assert httpx.get(listener.redirect_uri, params={"code": "code_2"}).status_code == 404  # once only
        assert listener.wait(timeout=5)["code"] == "code_1"


def test_times_out_without_a_redirect() -> None:
    with RedirectListener() as listener, pytest.raises(TimeoutError):
        listener.wait(timeout=0.05)
