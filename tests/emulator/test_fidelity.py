"""What the official clients send is accepted and answered as Coze answers (issue #14): malformed ids,
built-in channels, requests without optional fields, fields real recordings carry, and bodies that are
not Unicode. Through cozekit (sync and async), the official cozepy, and raw requests where a client
(@coze/api) sends a shape neither Python client would."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Tuple

import httpx
import pytest
from cozepy import Coze as CozepyCoze
from cozepy import CozeAPIError
from cozepy import TokenAuth as CozepyTokenAuth
from cozepy.datasets.documents import (
    DocumentBase,
    DocumentChunkStrategy,
    DocumentFormatType,
    DocumentSourceInfo,
)
from websockets.sync.client import connect

from cozekit import BadRequestError, ChatEventType, ChatStatus, Message, NotFoundError, PermissionDeniedError
from cozekit.emulator import ThreadedEmulator
from sync_or_async import MODES, collect, open_client, run

from .knowledge.kb_files import make_png

WRONG_SPACE = "wrong space id"
"""What @coze/api's error-handling example sends, expecting a bad-request error."""


def raw(emu: ThreadedEmulator, method: str, path: str, content: Any = None, **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {emu.token}", "Content-Type": "application/json"}
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    return httpx.request(method, emu.base_url + path, content=content, headers=headers, timeout=10, **kw)


@pytest.fixture
def cozepy_client(emu: ThreadedEmulator) -> CozepyCoze:
    return CozepyCoze(auth=CozepyTokenAuth(emu.token), base_url=emu.base_url)


# -- ids: malformed is 4000, well-formed but unknown is the not-found family ----------------------


@pytest.mark.parametrize("mode", MODES)
async def test_a_malformed_space_id_is_a_bad_request_and_an_unknown_one_is_not_found(
    mode: str, emu: ThreadedEmulator
) -> None:
    async with open_client(mode, emu.base_url, emu.token) as client:
        with pytest.raises(BadRequestError) as bad:
            await run(client.bots.create(space_id=WRONG_SPACE, name="test", description="test"))
        assert bad.value.code == 4000 and "space_id" in str(bad.value.msg)
        with pytest.raises(NotFoundError) as missing:
            await run(client.bots.create(space_id="7000000000000009999", name="test"))
        assert missing.value.code == 4200
        with pytest.raises(BadRequestError):  # beyond int64
            await run(client.bots.retrieve(bot_id="9" * 20))
        with pytest.raises(BadRequestError):
            await run(client.conversations.retrieve(conversation_id="wrong conversation id"))
        with pytest.raises(BadRequestError):
            await run(client.chat.retrieve(conversation_id="wrong conversation id", chat_id="wrong chat id"))
        bots = await collect(await run(client.bots.list(space_id=emu.workspace_id)))
    assert [b.bot_id for b in bots] == [emu.demo_bot_id]  # nothing was created


def test_cozepy_sees_the_same_families(cozepy_client: CozepyCoze, emu: ThreadedEmulator) -> None:
    with pytest.raises(CozeAPIError) as bad:
        cozepy_client.bots.create(space_id=WRONG_SPACE, name="test")
    assert bad.value.code == 4000
    with pytest.raises(CozeAPIError) as missing:
        cozepy_client.bots.create(space_id="7000000000000009999", name="test")
    assert missing.value.code == 4200
    with pytest.raises(CozeAPIError) as chat:
        cozepy_client.chat.retrieve(conversation_id="1", chat_id="2")
    assert chat.value.code == 4002  # well-formed ids keep their own not-found code
    with pytest.raises(CozeAPIError) as conv:
        cozepy_client.conversations.retrieve(conversation_id="-5")
    assert conv.value.code == 4000


def test_ids_as_json_numbers_are_still_accepted(emu: ThreadedEmulator) -> None:
    hello = [{"role": "user", "content": "hi", "content_type": "text"}]
    body = {"bot_id": int(emu.demo_bot_id), "user_id": 42, "stream": False, "additional_messages": hello}
    answer = raw(emu, "POST", "/v3/chat", body).json()
    assert answer["code"] == 0 and answer["data"]["bot_id"] == emu.demo_bot_id


# -- built-in channels ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_the_built_in_channels_exist_but_take_no_reviews(mode: str, emu: ThreadedEmulator) -> None:
    async with open_client(mode, emu.base_url, emu.token) as client:
        for channel in ("1024", "999"):
            with pytest.raises(PermissionDeniedError) as err:
                await run(
                    client.connectors.bots.update(
                        connector_id=channel, bot_id=emu.demo_bot_id, audit_status=2
                    )
                )
            assert "built in" in str(err.value.msg) and "does not exist" not in str(err.value.msg)
        await run(client.connectors.install(connector_id="1024", workspace_id=emu.workspace_id))
        with pytest.raises(NotFoundError):  # a well-formed id of no channel
            await run(
                client.connectors.bots.update(connector_id="1234", bot_id=emu.demo_bot_id, audit_status=2)
            )


# -- optional fields @coze/api leaves out --------------------------------------------------------


def test_variables_without_connector_uid_are_the_callers_own(emu: ThreadedEmulator) -> None:
    body = {"bot_id": emu.demo_bot_id, "data": [{"keyword": "input", "value": "Hello2"}]}
    assert raw(emu, "PUT", "/v1/variables", body).json()["code"] == 0
    mine = raw(emu, "GET", "/v1/variables", params={"bot_id": emu.demo_bot_id}).json()
    assert [(i["keyword"], i["value"]) for i in mine["data"]["items"]] == [("input", "Hello2")]
    explicit = raw(
        emu, "GET", "/v1/variables", params={"bot_id": emu.demo_bot_id, "connector_uid": emu.user_id}
    )
    assert explicit.json()["data"]["items"] == mine["data"]["items"]
    other = raw(emu, "GET", "/v1/variables", params={"bot_id": emu.demo_bot_id, "connector_uid": "u1"})
    assert other.json()["data"]["items"] == []


def test_an_image_upload_without_caption_type_gets_automatic_captions(
    cozepy_client: CozepyCoze, emu: ThreadedEmulator
) -> None:
    dataset = cozepy_client.datasets.create(
        name="pictures", space_id=emu.workspace_id, format_type=DocumentFormatType.IMAGE
    )
    upload = httpx.post(
        emu.base_url + "/v1/files/upload",
        files={"file": ("cat_on_sofa.png", make_png(4, 3), "image/png")},
        headers={"Authorization": f"Bearer {emu.token}"},
        timeout=10,
    ).json()["data"]
    docs = cozepy_client.datasets.documents.create(  # chunk_strategy as @coze/api sends it: no caption_type
        dataset_id=dataset.dataset_id,
        document_bases=[DocumentBase(name="cat", source_info=DocumentSourceInfo.build_file_id(upload["id"]))],
        chunk_strategy=DocumentChunkStrategy.build_auto(),
        format_type=DocumentFormatType.IMAGE,
    )
    assert len(docs) == 1
    body = {
        "dataset_id": dataset.dataset_id,
        "document_bases": [
            {"name": "again", "source_info": {"source_file_id": upload["id"], "document_source": 5}}
        ],
        "format_type": 2,
    }
    assert raw(emu, "POST", "/open_api/knowledge/document/create", body).json()["code"] == 0
    deadline = time.monotonic() + 10  # a hang guard: processing runs in the background
    while True:
        photos = raw(emu, "GET", f"/v1/datasets/{dataset.dataset_id}/images").json()["data"]["photo_infos"]
        if all(p["status"] == 1 for p in photos) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    captions = sorted(p["caption"] for p in photos)  # automatic: size, format and the name's words
    assert captions == ["A 4x3 PNG image: again", "A 4x3 PNG image: cat"]


# -- fields real recordings carry ----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_running_chats_carry_completed_at_zero(mode: str, emu: ThreadedEmulator) -> None:
    question = [Message.build_user_question_text("hello")]
    async with open_client(mode, emu.base_url, emu.token) as client:
        events = await collect(
            await run(client.chat.stream(bot_id=emu.demo_bot_id, user_id="u1", additional_messages=question))
        )
        by_kind = {e.event: e for e in events if e.chat is not None}
        assert by_kind[ChatEventType.CONVERSATION_CHAT_CREATED].chat.completed_at == 0
        assert by_kind[ChatEventType.CONVERSATION_CHAT_IN_PROGRESS].chat.completed_at == 0
        done = by_kind[ChatEventType.CONVERSATION_CHAT_COMPLETED].chat
        assert done.completed_at is not None and done.completed_at >= done.created_at > 0
        started = await run(
            client.chat.create(bot_id=emu.demo_bot_id, user_id="u1", additional_messages=question)
        )
        assert started.status in (ChatStatus.CREATED, ChatStatus.IN_PROGRESS) and started.completed_at == 0
    hello = [{"role": "user", "content": "hi", "content_type": "text"}]
    body = {"bot_id": emu.demo_bot_id, "user_id": "u", "stream": False, "additional_messages": hello}
    wire = raw(emu, "POST", "/v3/chat", body).json()
    assert wire["data"]["completed_at"] == 0


def test_a_failed_chat_carries_completed_at_and_failed_at(emu: ThreadedEmulator) -> None:
    emu.control.script(emu.demo_bot_id, {"error": {"code": 5000, "msg": "boom"}})
    hello = [{"role": "user", "content": "hi", "content_type": "text"}]
    body = {"bot_id": emu.demo_bot_id, "user_id": "u", "stream": True, "additional_messages": hello}
    frames = raw(emu, "POST", "/v3/chat", body).text.split("\n\n")
    failed = next(json.loads(f.split("data:", 1)[1]) for f in frames if "conversation.chat.failed" in f)
    assert failed["failed_at"] >= failed["completed_at"] > 0


@pytest.mark.parametrize("mode", MODES)
async def test_bot_info_has_background_image_info(mode: str, emu: ThreadedEmulator) -> None:
    async with open_client(mode, emu.base_url, emu.token) as client:
        bot = await run(client.bots.retrieve(bot_id=emu.demo_bot_id))
    info = bot.background_image_info
    assert info is not None
    assert info.web_background_image is not None and info.mobile_background_image is not None
    wire = raw(emu, "GET", f"/v1/bots/{emu.demo_bot_id}").json()["data"]["background_image_info"]
    assert set(wire) == {"web_background_image", "mobile_background_image"}
    assert wire["web_background_image"]["image_url"] == ""


# -- bodies that are not Unicode, or too big: 4000 family, never 5xx -----------------------------

LONE = "\ud800"
"""A lone high surrogate: `json.dumps` writes it as the escape `"\\ud800"`, valid JSON but not Unicode."""


def _unicode_cases(emu: ThreadedEmulator, conversation_id: str) -> List[Tuple[str, str, Any]]:
    bot, space = emu.demo_bot_id, emu.workspace_id
    message = {"role": "user", "content": LONE, "content_type": "text"}
    chat = {"bot_id": bot, "user_id": "u", "additional_messages": [message]}
    return [
        ("POST", "/v1/conversation/create", {"meta_data": {"k": LONE}}),
        ("POST", "/v1/conversation/create", {"meta_data": {LONE: "v"}}),
        ("POST", f"/v1/conversation/message/create?conversation_id={conversation_id}", message),
        ("POST", "/v3/chat", {**chat, "stream": False}),
        ("POST", "/v3/chat", {**chat, "stream": True}),
        ("POST", "/v3/chat", {"bot_id": bot, "user_id": LONE, "stream": True}),
        ("POST", "/v1/bot/create", {"space_id": space, "name": LONE}),
        ("POST", "/v1/bot/update", {"bot_id": bot, "description": LONE}),
        ("POST", "/v1/datasets", {"space_id": space, "name": LONE, "format_type": 0}),
        ("POST", "/v1/workspaces", {"name": LONE, "description": "d"}),
        ("PUT", f"/v1/conversations/{conversation_id}", {"name": LONE}),
        ("PUT", "/v1/variables", {"bot_id": bot, "data": [{"keyword": "k", "value": LONE}]}),
        ("POST", "/v1/workflow/run", {"workflow_id": "1", "parameters": {"input": LONE}}),
        ("POST", "/v1/audio/speech", {"input": LONE, "voice_id": "7000000000000100001"}),
    ]


def test_lone_surrogates_are_parameter_errors_everywhere(emu: ThreadedEmulator) -> None:
    conversation_id = raw(emu, "POST", "/v1/conversation/create", {}).json()["data"]["id"]
    before = raw(
        emu, "POST", "/v1/conversation/message/list", {}, params={"conversation_id": conversation_id}
    )
    for method, path, body in _unicode_cases(emu, conversation_id):
        resp = raw(emu, method, path, body)
        assert resp.status_code == 400, (path, resp.status_code, resp.text)
        envelope: Dict[str, Any] = resp.json()
        assert envelope["code"] == 4000 and "surrogate" in envelope["msg"], (path, envelope)
        assert envelope["detail"]["logid"] == resp.headers["x-tt-logid"]
    after = raw(emu, "POST", "/v1/conversation/message/list", {}, params={"conversation_id": conversation_id})
    assert after.json()["data"] == before.json()["data"] == []
    bots = raw(emu, "GET", "/v1/bots", params={"workspace_id": emu.workspace_id}).json()["data"]
    assert [b["id"] for b in bots["items"]] == [emu.demo_bot_id]
    paired = {"role": "user", "content": "\U0001f600", "content_type": "text"}  # sent as a valid pair
    ok = raw(emu, "POST", f"/v1/conversation/message/create?conversation_id={conversation_id}", paired).json()
    assert ok["code"] == 0 and ok["data"]["content"] == "\U0001f600"


def test_bad_bytes_deep_nesting_huge_numbers_and_oversized_fields_are_4000(emu: ThreadedEmulator) -> None:
    cases: List[Tuple[str, str, Any]] = [
        ("POST", "/v1/conversation/create", b'{"meta_data":{"k":"\xff\xfe"}}'),
        ("POST", "/v1/conversation/create", "[" * 50_000 + "]" * 50_000),
        ("POST", "/v1/conversation/create", '{"bot_id":' + "9" * 4000 + "}"),
        ("POST", "/v1/conversation/create", {"meta_data": {"k": "x" * 2_000_000}}),
        ("POST", "/v1/bot/create", {"space_id": emu.workspace_id, "name": "n" * 100_000}),
        ("GET", "/v1/conversation/retrieve?conversation_id=%ED%A0%80", None),
        ("GET", "/v1/conversation/retrieve?conversation_id=" + "9" * 40, None),
        ("GET", "/v1/bots/" + "1" * 25, None),
    ]
    for method, path, body in cases:
        resp = raw(emu, method, path, body)
        assert resp.status_code < 500, (path[:60], resp.status_code, resp.text[:200])
        assert resp.json()["code"] == 4000, (path[:60], resp.text[:200])
    assert raw(emu, "GET", "/v1/users/me").json()["code"] == 0  # the server is fine afterwards


def test_a_lone_surrogate_on_a_socket_is_an_error_event(emu: ThreadedEmulator) -> None:
    url = emu.base_url.replace("http://", "ws://") + f"/v1/chat?bot_id={emu.demo_bot_id}"
    with connect(url, additional_headers={"Authorization": f"Bearer {emu.token}"}, open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["event_type"] == "chat.created"
        message = {"role": "user", "content_type": "text", "content": LONE}
        ws.send(json.dumps({"event_type": "conversation.message.create", "data": message}))
        error = json.loads(ws.recv(timeout=5))
        assert error["event_type"] == "error" and error["data"]["code"] == 4000
        assert "surrogate" in error["data"]["msg"]
        ws.send(json.dumps({"event_type": "chat.update", "data": {"chat_config": {"user_id": "u1"}}}))
        assert json.loads(ws.recv(timeout=5))["event_type"] == "chat.updated"  # the session goes on


def test_workflow_apis_take_larger_bodies_than_the_rest(emu: ThreadedEmulator) -> None:
    settings = emu.control.configure(max_body_bytes=1000, max_workflow_body_bytes=3000)
    assert (settings["max_body_bytes"], settings["max_workflow_body_bytes"]) == (1000, 3000)
    body = {"workflow_id": "7000000000000000999", "parameters": {"input": "x" * 2000}}
    run_answer = raw(emu, "POST", "/v1/workflow/run", body)
    assert run_answer.status_code == 200 and run_answer.json()["code"] == 4200  # read, then not found
    chat_answer = raw(emu, "POST", "/v1/conversation/create", {"name": "x" * 2000})
    assert (chat_answer.status_code, chat_answer.json()["code"]) == (413, 4000)
    body["parameters"] = {"input": "x" * 4000}
    too_big = raw(emu, "POST", "/v1/workflow/stream_run", body)
    assert (too_big.status_code, too_big.json()["code"]) == (413, 4000)
    assert emu.control.reset()["config"]["max_workflow_body_bytes"] == 20 * 1024 * 1024
