"""Conversations, sections, messages and feedback over plain HTTP."""

from __future__ import annotations

from typing import Any, Dict, List

from cozekit.emulator import ThreadedEmulator

from ..conftest import Api, chat_of

BOT = ThreadedEmulator.demo_bot_id


def _conv(api: Api, **body: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = api.ok("POST", "/v1/conversation/create", json=body)
    return data


def _add(api: Api, conv: str, n: int) -> List[str]:
    ids = []
    for i in range(n):
        msg = api.ok(
            "POST",
            "/v1/conversation/message/create",
            params={"conversation_id": conv},
            json={"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}", "content_type": "text"},
        )
        ids.append(msg["id"])
    return ids


def test_create_with_messages_and_meta_data(api: Api) -> None:
    conv = _conv(
        api,
        bot_id=BOT,
        meta_data={"uuid": "x1"},
        messages=[{"role": "user", "content": "hello", "content_type": "text"}],
    )
    assert conv["meta_data"] == {"uuid": "x1"} and conv["connector_id"] == "1024" and conv["name"] == "hello"
    assert conv["creator_id"] == ThreadedEmulator.user_id and conv["last_section_id"]
    got = api.ok("GET", "/v1/conversation/retrieve", params={"conversation_id": conv["id"]})
    assert got == conv
    (msg,) = api.ok("POST", "/v1/conversation/message/list", params={"conversation_id": conv["id"]}, json={})
    assert (
        msg["content"] == "hello"
        and msg["type"] == "question"
        and msg["section_id"] == conv["last_section_id"]
    )
    assert api.call("POST", "/v1/conversation/create", json={"name": "n" * 101})["code"] == 4000
    assert api.call("POST", "/v1/conversation/create", json={"bot_id": "5"})["code"] == 4006


def test_list_pages_sorts_and_filters_by_bot(api: Api) -> None:
    ids = [_conv(api, bot_id=BOT, name=f"c{i}")["id"] for i in range(5)]
    _conv(api, name="no bot")
    page1 = api.ok("GET", "/v1/conversations", params={"bot_id": BOT, "page_size": 2})
    assert [c["id"] for c in page1["conversations"]] == ids[::-1][:2] and page1["has_more"]
    page3 = api.ok("GET", "/v1/conversations", params={"bot_id": BOT, "page_size": 2, "page_num": 3})
    assert [c["id"] for c in page3["conversations"]] == [ids[0]] and not page3["has_more"]
    asc = api.ok("GET", "/v1/conversations", params={"bot_id": BOT, "sort_order": "ASC"})
    assert [c["id"] for c in asc["conversations"]] == ids
    assert (
        api.ok("GET", "/v1/conversations", params={"bot_id": BOT, "connector_id": "999"})["conversations"]
        == []
    )
    assert api.call("GET", "/v1/conversations", params={"bot_id": BOT, "page_size": 51})["code"] == 4000


def test_rename_delete_and_clear(api: Api) -> None:
    conv = _conv(api, name="old")
    renamed = api.ok("PUT", f"/v1/conversations/{conv['id']}", json={"name": "new"})
    assert renamed["name"] == "new" and renamed["id"] == conv["id"]
    section = api.ok("POST", f"/v1/conversations/{conv['id']}/clear")
    assert section["conversation_id"] == conv["id"]
    got = api.ok("GET", "/v1/conversation/retrieve", params={"conversation_id": conv["id"]})
    assert got["last_section_id"] == section["id"] != conv["last_section_id"]
    body = api.call("DELETE", f"/v1/conversations/{conv['id']}")
    assert body["code"] == 0 and "data" not in body
    gone = api.call("GET", "/v1/conversation/retrieve", params={"conversation_id": conv["id"]})
    assert gone["code"] == 4002
    assert api.call("PUT", f"/v1/conversations/{conv['id']}", json={"name": "x"})["code"] == 4002


def test_message_list_cursor_paging(api: Api) -> None:
    conv = _conv(api)["id"]
    ids = _add(api, conv, 7)
    url, params = "/v1/conversation/message/list", {"conversation_id": conv}
    first = api.call("POST", url, params=params, json={"limit": 3})
    assert [m["id"] for m in first["data"]] == ids[::-1][:3]
    assert (first["first_id"], first["last_id"], first["has_more"]) == (ids[6], ids[4], True)
    second = api.call("POST", url, params=params, json={"limit": 3, "after_id": first["last_id"]})
    assert [m["id"] for m in second["data"]] == [ids[3], ids[2], ids[1]] and second["has_more"]
    third = api.call("POST", url, params=params, json={"limit": 3, "after_id": second["last_id"]})
    assert [m["id"] for m in third["data"]] == [ids[0]] and not third["has_more"]
    back = api.call("POST", url, params=params, json={"limit": 2, "before_id": second["first_id"]})
    assert [m["id"] for m in back["data"]] == [ids[5], ids[4]] and back["has_more"]
    asc = api.call("POST", url, params=params, json={"order": "asc", "limit": 4, "after_id": ids[1]})
    assert [m["id"] for m in asc["data"]] == ids[2:6] and asc["has_more"]
    empty = api.call("POST", url, params=params, json={"after_id": ids[0]})
    assert empty["data"] == [] and empty["first_id"] == "" and not empty["has_more"]
    assert api.call("POST", url, params=params, json={"limit": 0})["code"] == 4000
    assert api.call("POST", url, params={"conversation_id": "1"}, json={})["code"] == 4002


def test_message_list_by_chat_and_middle_messages(api: Api) -> None:
    chat = chat_of(api.stream(BOT, "hi"))
    params = {"conversation_id": chat["conversation_id"]}
    msgs = api.ok(
        "POST", "/v1/conversation/message/list", params=params, json={"chat_id": chat["id"], "order": "asc"}
    )
    assert [m["type"] for m in msgs] == ["question", "answer"]
    msgs = api.ok(
        "POST",
        "/v1/conversation/message/list",
        params=params,
        json={"include_middle_message": True, "order": "asc"},
    )
    assert [m["type"] for m in msgs] == ["question", "answer", "verbose"]


def test_message_retrieve_modify_delete(api: Api) -> None:
    conv = _conv(api)["id"]
    (mid,) = _add(api, conv, 1)
    params = {"conversation_id": conv, "message_id": mid}
    got = api.ok("GET", "/v1/conversation/message/retrieve", params=params)
    assert got["content"] == "m0" and got["role"] == "user" and got["meta_data"] == {}
    body = api.call(
        "POST",
        "/v1/conversation/message/modify",
        params=params,
        json={"content": "edited", "content_type": "text", "meta_data": {"a": "b"}},
    )
    assert body["code"] == 0 and "data" not in body
    assert body["message"]["content"] == "edited" and body["message"]["meta_data"] == {"a": "b"}
    assert api.call("POST", "/v1/conversation/message/modify", params=params, json={})["code"] == 4000
    assert (
        api.call("POST", "/v1/conversation/message/modify", params=params, json={"content": "x"})["code"]
        == 4000
    )
    deleted = api.ok("POST", "/v1/conversation/message/delete", params=params)
    assert deleted["id"] == mid and deleted["content"] == "edited"
    assert api.call("GET", "/v1/conversation/message/retrieve", params=params)["code"] == 4005
    bad = api.call(
        "POST",
        "/v1/conversation/message/create",
        params={"conversation_id": conv},
        json={"role": "user", "content": "x", "content_type": "card"},
    )
    assert bad["code"] == 4000


def test_deleting_an_answer_takes_its_intermediate_messages(api: Api) -> None:
    chat = chat_of(api.stream(BOT, "hi"))
    conv, chat_params = (
        chat["conversation_id"],
        {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
    )
    answer, verbose = api.ok("GET", "/v3/chat/message/list", params=chat_params)
    assert (
        api.call(
            "POST",
            "/v1/conversation/message/delete",
            params={"conversation_id": conv, "message_id": verbose["id"]},
        )["code"]
        == 4005
    )
    api.ok(
        "POST",
        "/v1/conversation/message/delete",
        params={"conversation_id": conv, "message_id": answer["id"]},
    )
    assert api.ok("GET", "/v3/chat/message/list", params=chat_params) == []


def test_feedback_on_answers(api: Api) -> None:
    chat = chat_of(api.stream(BOT, "hi"))
    conv = chat["conversation_id"]
    answer = api.ok("GET", "/v3/chat/message/list", params={"conversation_id": conv, "chat_id": chat["id"]})[
        0
    ]
    url = f"/v1/conversations/{conv}/messages/{answer['id']}/feedback"
    body = api.call(
        "POST", url, json={"feedback_type": "like", "reason_types": ["accurate"], "comment": "good"}
    )
    assert body["code"] == 0 and "data" not in body
    assert api.call("POST", url, json={"feedback_type": "meh"})["code"] == 4000
    assert api.call("POST", url, json={"feedback_type": "unlike", "comment": "x" * 251})["code"] == 4000
    assert api.call("POST", url, json={"feedback_type": "unlike", "reason_types": ["r"] * 11})["code"] == 4000
    assert api.call("DELETE", url)["code"] == 0
    question = api.ok(
        "POST", "/v1/conversation/message/list", params={"conversation_id": conv}, json={"order": "asc"}
    )[0]
    url = f"/v1/conversations/{conv}/messages/{question['id']}/feedback"
    assert api.call("POST", url, json={"feedback_type": "like"})["code"] == 4005
