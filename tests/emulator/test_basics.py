"""Envelopes, log ids, auth, validation, limits, users and workspaces."""

from __future__ import annotations

import httpx
import pytest
from cozepy import Coze, CozeAPIError, TokenAuth

from cozekit.emulator import ThreadedEmulator

from .conftest import Api


def test_every_response_carries_a_logid_that_matches_the_body(api: Api) -> None:
    me = api.ok("GET", "/v1/users/me")
    assert me == {
        "user_id": ThreadedEmulator.user_id,
        "user_name": "developer",
        "nick_name": "Developer",
        "avatar_url": "",
    }
    resp = api.http.get("/openapi.json")
    assert resp.status_code == 200 and resp.headers["x-tt-logid"]
    assert "/v3/chat" in resp.json()["paths"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer pat_nope", "Basic abc"])
def test_bad_or_missing_token_is_4100_with_http_401(emu: ThreadedEmulator, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    resp = httpx.get(emu.base_url + "/v1/users/me", headers=headers)
    assert resp.status_code == 401
    body = resp.json()
    assert body["code"] == 4100 and body["msg"] == "authentication is invalid"
    assert body["detail"]["logid"] == resp.headers["x-tt-logid"]


def test_cozepy_raises_a_clean_error_for_a_bad_token(emu: ThreadedEmulator) -> None:
    coze = Coze(auth=TokenAuth("pat_wrong"), base_url=emu.base_url)
    with pytest.raises(CozeAPIError) as info:
        coze.users.me()
    assert info.value.code == 4100 and info.value.logid


def test_validation_errors_are_coze_4000_envelopes(api: Api) -> None:
    resp = api.http.post("/v3/chat", json={"user_id": "u"})
    body = resp.json()
    assert resp.status_code == 200 and body["code"] == 4000 and "bot_id" in body["msg"]
    assert set(body) == {"code", "msg", "detail"}
    resp = api.http.post("/v3/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert resp.json()["code"] == 4000


def test_unknown_route_is_an_envelope_too(api: Api) -> None:
    resp = api.http.get("/v9/nothing")
    assert resp.status_code == 404 and resp.json()["code"] == 4200


def test_body_over_the_limit_is_rejected_before_parsing(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.configure(max_body_bytes=1000, max_upload_bytes=2000)
    resp = api.http.post("/v1/conversation/create", json={"name": "x" * 2000})
    assert resp.status_code == 413 and resp.json()["code"] == 4000

    def chunked() -> object:
        yield b'{"name": "'
        yield b"y" * 2000
        yield b'"}'

    resp = api.http.post(
        "/v1/conversation/create", content=chunked(), headers={"content-type": "application/json"}
    )
    assert resp.status_code == 413 and resp.json()["code"] == 4000
    resp = api.http.post("/v1/files/upload", files={"file": ("a.txt", b"z" * 3000)})
    assert resp.status_code == 413 and resp.json()["code"] == 4302


def test_workspaces_list_pages(api: Api) -> None:
    data = api.ok("GET", "/v1/workspaces", params={"page_num": 1, "page_size": 20})
    assert data["total_count"] == 1
    (ws,) = data["workspaces"]
    assert ws["id"] == ThreadedEmulator.workspace_id and ws["role_type"] == "owner"
    assert ws["workspace_type"] == "personal"
    assert api.ok("GET", "/v1/workspaces", params={"page_num": 2})["workspaces"] == []
    assert api.call("GET", "/v1/workspaces", params={"page_size": 51})["code"] == 4000


def test_ids_are_19_digit_strings(api: Api) -> None:
    conv = api.ok("POST", "/v1/conversation/create", json={})
    assert isinstance(conv["id"], str) and len(conv["id"]) == 19 and conv["id"].isdigit()
    later = api.ok("POST", "/v1/conversation/create", json={})
    assert int(later["id"]) > int(conv["id"])
