"""Workspace-scoped OAuth tokens (the collaboration flow of the official `oauth_collaborate` page): a code
or device code issued for one workspace gives a token that acts only there (4101 elsewhere) and gets no
conversation APIs; refreshing keeps the limit. Through cozekit (sync and async) and cozepy."""

from __future__ import annotations

from typing import Any, Dict

import httpx
import pytest
from cozepy import Coze as CozepyCoze
from cozepy import CozeAPIError
from cozepy import TokenAuth as CozepyTokenAuth

from cozekit import ChatEventType, Coze, Message, PermissionDeniedError, TokenAuth
from cozekit import CozeAPIError as CozekitAPIError
from cozekit.auth import DeviceOAuthApp, WebOAuthApp
from cozekit.emulator.control.oauth_client import OAuthControl
from cozekit.websockets import WebsocketsOptions
from sync_or_async import MODES, collect, open_client, run

from .headless_browser import REDIRECT, consent, decide, query


@pytest.fixture
def team(coze_emulator: Any) -> Dict[str, str]:
    """A team workspace of the dev account with a bot of its own (the demo bot stays personal)."""
    created = httpx.post(
        coze_emulator.base_url + "/v1/workspaces",
        json={"name": "Team", "description": "shared work"},
        headers={"Authorization": f"Bearer {coze_emulator.token}"},
        timeout=10,
    ).json()["data"]
    bot_id = coze_emulator.control.create_bot(name="Team Bot", workspace_id=created["id"])
    return {"workspace_id": created["id"], "bot_id": bot_id}


@pytest.fixture
def web(base_url: str, web_app: Dict[str, Any]) -> Any:
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    yield app
    app.close()


def scoped_token(web: Any, oauth: OAuthControl, workspace_id: str) -> Any:
    return web.get_access_token(
        REDIRECT, oauth.issue_code(web.client_id, REDIRECT, workspace_id=workspace_id)
    )


@pytest.mark.parametrize("mode", MODES)
async def test_a_workspace_token_acts_in_its_workspace_only(
    mode: str, coze_emulator: Any, team: Dict[str, str], web: Any, oauth: OAuthControl
) -> None:
    token = scoped_token(web, oauth, team["workspace_id"]).access_token
    personal, demo = coze_emulator.workspace_id, coze_emulator.demo_bot_id
    hello = [Message.build_user_question_text("hello")]
    async with open_client(mode, coze_emulator.base_url, token, max_retries=0) as client:
        assert (await run(client.bots.retrieve(bot_id=team["bot_id"]))).bot_id == team["bot_id"]
        listed = await collect(await run(client.bots.list(space_id=team["workspace_id"])))
        assert [b.bot_id for b in listed] == [team["bot_id"]]
        events = await collect(
            await run(client.chat.stream(bot_id=team["bot_id"], user_id="u1", additional_messages=hello))
        )
        assert events[-1].event == ChatEventType.CONVERSATION_CHAT_COMPLETED
        dataset = await run(
            client.datasets.create(name="notes", space_id=team["workspace_id"], format_type=0)
        )
        assert dataset.dataset_id

        refusals = [
            lambda: client.bots.retrieve(bot_id=demo),
            lambda: client.bots.list(space_id=personal),
            lambda: client.bots.create(space_id=personal, name="sneaky"),
            lambda: client.chat.create(bot_id=demo, user_id="u1", additional_messages=hello),
            lambda: client.datasets.create(name="x", space_id=personal, format_type=0),
            lambda: client.conversations.create(),
        ]
        for call in refusals:
            with pytest.raises(PermissionDeniedError) as err:
                result = await run(call())
                await collect(result)  # a pager only calls when iterated
            assert err.value.code == 4101 and team["workspace_id"] in str(err.value.msg)
        with pytest.raises(PermissionDeniedError):
            await collect(await run(client.chat.stream(bot_id=demo, user_id="u1", additional_messages=hello)))
    async with open_client(mode, coze_emulator.base_url, coze_emulator.token, max_retries=0) as owner:
        mine = await collect(await run(owner.bots.list(space_id=personal)))
        assert [b.bot_id for b in mine] == [demo]  # nothing was created by the refused calls


def test_refreshing_keeps_the_workspace_and_cozepy_sees_4101(
    coze_emulator: Any, team: Dict[str, str], web: Any, oauth: OAuthControl
) -> None:
    first = scoped_token(web, oauth, team["workspace_id"])
    renewed = web.refresh_access_token(first.refresh_token)
    coze = CozepyCoze(auth=CozepyTokenAuth(renewed.access_token), base_url=coze_emulator.base_url)
    assert coze.bots.retrieve(bot_id=team["bot_id"]).bot_id == team["bot_id"]
    with pytest.raises(CozeAPIError) as err:
        coze.bots.retrieve(bot_id=coze_emulator.demo_bot_id)
    assert err.value.code == 4101
    with pytest.raises(CozeAPIError) as conv:
        coze.conversations.create()
    assert conv.value.code == 4101


def test_an_unscoped_token_still_reaches_every_workspace(
    coze_emulator: Any, team: Dict[str, str], web: Any, oauth: OAuthControl
) -> None:
    token = web.get_access_token(REDIRECT, oauth.issue_code(web.client_id, REDIRECT)).access_token
    coze = CozepyCoze(auth=CozepyTokenAuth(token), base_url=coze_emulator.base_url)
    assert coze.bots.retrieve(bot_id=coze_emulator.demo_bot_id).bot_id == coze_emulator.demo_bot_id
    assert coze.bots.retrieve(bot_id=team["bot_id"]).bot_id == team["bot_id"]
    assert coze.conversations.create().id


def test_the_consent_page_and_the_device_flow_scope_the_token(
    base_url: str, coze_emulator: Any, team: Dict[str, str], web: Any, device_app: Dict[str, Any]
) -> None:
    url = web.get_oauth_url(REDIRECT, state="s", workspace_id=team["workspace_id"])
    token = web.get_access_token(REDIRECT, query(consent(url))["code"]).access_token
    device = DeviceOAuthApp(device_app["client_id"], base_url=base_url)
    code = device.get_device_code(workspace_id=team["workspace_id"])
    assert decide(code.verification_url).status_code == 200
    device_token = device.get_access_token(code).access_token
    device.close()
    for scoped in (token, device_token):
        coze = CozepyCoze(auth=CozepyTokenAuth(scoped), base_url=base_url)
        assert coze.bots.retrieve(bot_id=team["bot_id"]).bot_id == team["bot_id"]
        with pytest.raises(CozeAPIError) as err:
            coze.bots.retrieve(bot_id=coze_emulator.demo_bot_id)
        assert err.value.code == 4101


def test_only_members_grant_a_workspace(
    coze_emulator: Any, team: Dict[str, str], web: Any, oauth: OAuthControl
) -> None:
    outsider = coze_emulator.control.create_account("outsider")
    with pytest.raises(RuntimeError, match="not a member"):
        oauth.issue_code(
            web.client_id, REDIRECT, workspace_id=team["workspace_id"], user_id=outsider["user_id"]
        )
    url = web.get_oauth_url(REDIRECT, state="s", workspace_id=team["workspace_id"])
    back = query(consent(url + "&user_id=" + outsider["user_id"]))
    assert back["error"] == "access_deny" and "code" not in back


def test_a_workspace_token_chats_over_the_socket_with_its_workspaces_bots_only(
    base_url: str, coze_emulator: Any, team: Dict[str, str], web: Any, oauth: OAuthControl
) -> None:
    coze_emulator.control.configure(chunk_delay_ms=0)
    token = scoped_token(web, oauth, team["workspace_id"]).access_token
    fast = WebsocketsOptions(connect_timeout=5, wait_timeout=10, close_timeout=2)
    with Coze(TokenAuth(token), base_url) as coze:
        with coze.websockets.chat.create(bot_id=team["bot_id"], options=fast) as chat:
            chat.wait(["chat.created"], timeout=5)
        other = coze.websockets.chat.create(bot_id=coze_emulator.demo_bot_id, options=fast)
        with other as chat, pytest.raises(CozekitAPIError) as err:
            chat.wait(timeout=5)
    assert err.value.code == 4101 and team["workspace_id"] in str(err.value.msg)


@pytest.mark.parametrize("mode", MODES)
async def test_documents_of_another_workspaces_knowledge_base_are_out_of_reach(
    mode: str, coze_emulator: Any, team: Dict[str, str], web: Any, oauth: OAuthControl
) -> None:
    pat = {"Authorization": f"Bearer {coze_emulator.token}", "Agw-Js-Conv": "str"}
    dataset = httpx.post(
        coze_emulator.base_url + "/v1/datasets",
        json={"name": "personal notes", "space_id": coze_emulator.workspace_id, "format_type": 0},
        headers=pat,
        timeout=10,
    ).json()["data"]["dataset_id"]
    text = {"file_base64": "aGVsbG8=", "file_type": "txt"}
    created = httpx.post(
        coze_emulator.base_url + "/open_api/knowledge/document/create",
        json={
            "dataset_id": dataset,
            "document_bases": [{"name": "n", "source_info": text}],
            "format_type": 0,
        },
        headers=pat,
        timeout=10,
    ).json()
    document_id = created["document_infos"][0]["document_id"]
    token = scoped_token(web, oauth, team["workspace_id"]).access_token
    async with open_client(mode, coze_emulator.base_url, token, max_retries=0) as client:
        calls = [
            lambda: client.datasets.documents.delete(document_ids=[document_id]),
            lambda: client.datasets.documents.update(document_id=document_id, document_name="renamed"),
            lambda: client.datasets.documents.list(dataset_id=dataset),
        ]
        for call in calls:
            with pytest.raises(PermissionDeniedError):
                await collect(await run(call()))
    listed = httpx.post(
        coze_emulator.base_url + "/open_api/knowledge/document/list",
        json={"dataset_id": dataset},
        headers=pat,
        timeout=10,
    ).json()
    assert [(d["document_id"], d["name"]) for d in listed["document_infos"]] == [(document_id, "n")]
