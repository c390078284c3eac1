"""Files (upload rules, retrieve) and bots (both API generations) over plain HTTP."""

from __future__ import annotations

from typing import Any, Dict

from cozekit.emulator import ThreadedEmulator

from .conftest import Api

WS = ThreadedEmulator.workspace_id
BOT = ThreadedEmulator.demo_bot_id


def test_upload_and_retrieve(api: Api) -> None:
    up = api.ok("POST", "/v1/files/upload", files={"file": ("notes.txt", b"hello world")})
    assert up["bytes"] == 11 and up["file_name"] == "notes.txt" and len(up["id"]) == 19
    assert set(up) == {"id", "bytes", "file_name", "created_at"}
    assert api.ok("GET", "/v1/files/retrieve", params={"file_id": up["id"]}) == up
    assert api.call("GET", "/v1/files/retrieve", params={"file_id": "7999999999999999999"})["code"] == 4200


def test_upload_rules(emu: ThreadedEmulator, api: Api) -> None:
    url = "/v1/files/upload"
    assert api.call("POST", url, json={"file": "x"})["code"] == 4300
    assert api.call("POST", url, data={"name": "x"}, files={"other": ("a.txt", b"x")})["code"] == 4300
    assert api.call("POST", url, files={"file": ("empty.txt", b"")})["code"] == 4300
    two = [("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]
    assert api.call("POST", url, files=two)["code"] == 4301
    assert api.call("POST", url, files={"file": ("tool.exe", b"MZ")})["code"] == 4303
    emu.control.configure(max_upload_bytes=10_000)
    big = api.http.post(url, files={"file": ("big.txt", b"x" * 20_000)})
    assert big.status_code == 413 and big.json()["code"] == 4302
    assert api.call("POST", url, files={"file": ("ok.txt", b"x" * 9_000)})["code"] == 0


def _create(api: Api, **fields: Any) -> str:
    body: Dict[str, Any] = {"space_id": WS, "name": "Helper", **fields}
    return str(api.ok("POST", "/v1/bot/create", json=body)["bot_id"])


def test_bot_lifecycle(api: Api) -> None:
    bot = _create(
        api,
        description="d",
        prompt_info={"prompt": "Be brief."},
        onboarding_info={"prologue": "Hi", "suggested_questions": ["q?"]},
        model_info_config={"model_id": "m1", "temperature": 0.5},
    )
    draft = api.ok("GET", f"/v1/bots/{bot}", params={"is_published": "false"})
    assert draft["name"] == "Helper" and draft["prompt_info"]["prompt"] == "Be brief."
    assert draft["model_info"]["model_id"] == "m1" and draft["onboarding_info"]["prologue"] == "Hi"
    assert api.call("GET", f"/v1/bots/{bot}")["code"] == 4200  # not published yet
    assert api.call("GET", "/v1/bot/get_online_info", params={"bot_id": bot})["code"] == 4200
    body = api.call(
        "POST",
        "/v1/bot/update",
        json={"bot_id": bot, "name": "Helper 2", "knowledge": {"dataset_ids": ["1"]}},
    )
    assert body["code"] == 0 and "data" not in body
    pub = api.ok("POST", "/v1/bot/publish", json={"bot_id": bot, "connector_ids": ["1024"]})
    assert pub["bot_id"] == bot and pub["version"].isdigit()
    online = api.ok("GET", f"/v1/bots/{bot}")
    assert online["name"] == "Helper 2" and online["version"] == pub["version"]
    assert online["knowledge"]["knowledge_infos"] == [{"id": "1", "name": ""}]
    assert api.ok("GET", "/v1/bot/get_online_info", params={"bot_id": bot})["bot_id"] == bot
    api.ok("POST", "/v1/bot/update", json={"bot_id": bot, "name": "Helper 3"})
    assert api.ok("GET", f"/v1/bots/{bot}")["name"] == "Helper 2"  # published stays until republished
    second = api.ok("POST", "/v1/bot/publish", json={"bot_id": bot})
    versions = api.ok("GET", f"/v1/bots/{bot}/versions", params={"page_size": 1})
    assert [v["version"] for v in versions["items"]] == [second["version"]] and versions["has_more"]
    assert api.call("POST", f"/v1/bots/{bot}/unpublish", json={"connector_id": "999"})["code"] == 4000
    assert api.call("POST", f"/v1/bots/{bot}/unpublish", json={"connector_id": "1024"})["code"] == 0
    assert api.call("GET", f"/v1/bots/{bot}")["code"] == 4200


def test_bot_validation(api: Api) -> None:
    assert api.call("POST", "/v1/bot/create", json={"space_id": WS, "name": ""})["code"] == 4000
    assert api.call("POST", "/v1/bot/create", json={"space_id": WS, "name": "x" * 21})["code"] == 4000
    assert (
        api.call("POST", "/v1/bot/create", json={"space_id": WS, "name": "x", "description": "d" * 501})[
            "code"
        ]
        == 4000
    )
    long_prompt = {"prompt": "p" * 20001}
    assert (
        api.call("POST", "/v1/bot/create", json={"space_id": WS, "name": "x", "prompt_info": long_prompt})[
            "code"
        ]
        == 4000
    )
    assert api.call("POST", "/v1/bot/create", json={"space_id": "1", "name": "x"})["code"] == 4200
    assert api.call("POST", "/v1/bot/update", json={"bot_id": "1", "name": "x"})["code"] == 4200
    assert api.call("POST", "/v1/bot/publish", json={"bot_id": "1"})["code"] == 4200


def test_bot_lists_both_generations(api: Api) -> None:
    draft = _create(api, name="Draft")
    listed = api.ok("GET", "/v1/bots", params={"workspace_id": WS})
    assert [b["id"] for b in listed["items"]] == [BOT] and listed["total"] == 1
    assert listed["items"][0]["is_published"] is True
    everything = api.ok(
        "GET", "/v1/bots", params={"workspace_id": WS, "publish_status": "all", "page_index": 1}
    )
    assert {b["id"] for b in everything["items"]} == {BOT, draft}
    page2 = api.ok(
        "GET", "/v1/bots", params={"workspace_id": WS, "publish_status": "all", "page_num": 2, "page_size": 1}
    )
    assert len(page2["items"]) == 1 and page2["total"] == 2
    unpublished = api.ok(
        "GET", "/v1/bots", params={"workspace_id": WS, "publish_status": "unpublished_draft"}
    )
    assert [b["id"] for b in unpublished["items"]] == [draft]
    old = api.ok("GET", "/v1/space/published_bots_list", params={"space_id": WS})
    assert old["total"] == 1 and old["space_bots"][0]["bot_id"] == BOT
    assert (
        old["space_bots"][0]["bot_name"] == "Cozekit Demo Bot"
        and old["space_bots"][0]["publish_time"].isdigit()
    )
    assert api.call("GET", "/v1/bots", params={"workspace_id": "1"})["code"] == 4200
