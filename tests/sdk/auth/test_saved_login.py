"""The saved login: which token `coze_from_login` picks for a base URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from cozekit import OAuthToken
from cozekit.auth.saved_login import coze_from_login, login_auth, login_key, stored_login, token_store

TOKEN = OAuthToken(access_token="czu_A", expires_in=1_900_000_000, refresh_token="rt_A", token_type="Bearer")


def test_one_login_per_base_url_is_found_without_a_client_id(tmp_path: Path) -> None:
    store = token_store(str(tmp_path / "t.json"))
    store.save(login_key("app1", "http://127.0.0.1:9/"), TOKEN)
    assert stored_login(store, "http://127.0.0.1:9") == ("app1", TOKEN)
    with pytest.raises(LookupError, match=r"no login for https://api\.coze\.com"):
        stored_login(store, "https://api.coze.com")
    store.save(login_key("app2", "http://127.0.0.1:9"), TOKEN.model_copy(update={"access_token": "czu_B"}))
    with pytest.raises(LookupError, match="several logins"):
        stored_login(store, "http://127.0.0.1:9")
    assert stored_login(store, "http://127.0.0.1:9", "app2")[1].access_token == "czu_B"
    with pytest.raises(LookupError, match="no login of app3"):
        stored_login(store, "http://127.0.0.1:9", "app3")


def test_the_auth_starts_from_the_saved_token_and_saves_under_the_same_key(tmp_path: Path) -> None:
    file = str(tmp_path / "t.json")
    token_store(file).save(login_key("app1", "http://127.0.0.1:9"), TOKEN)
    auth = login_auth("http://127.0.0.1:9", file)
    assert auth.get_token() == "czu_A"  # fresh until 2030: no request
    with coze_from_login("http://127.0.0.1:9", file) as coze:
        assert "czu_A" not in repr(coze)
    with pytest.raises(LookupError):
        coze_from_login("http://127.0.0.1:9", str(tmp_path / "none.json"))


def test_the_default_file_is_under_the_home_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("COZEKIT_TOKEN_FILE", raising=False)
    assert token_store().path == tmp_path / ".config" / "cozekit" / "tokens.json"
    monkeypatch.setenv("COZEKIT_TOKEN_FILE", str(tmp_path / "elsewhere.json"))
    assert token_store().path == tmp_path / "elsewhere.json"
    assert token_store(str(tmp_path / "given.json")).path == tmp_path / "given.json"
