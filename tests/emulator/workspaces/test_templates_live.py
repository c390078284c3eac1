"""Templates (duplicate) and live broadcasts (retrieve) in the emulator, driven through the SDK, sync and
async; what the SDK refuses before any request."""

from __future__ import annotations

from typing import Any, List

import httpx
import pytest

from cozekit import (
    AsyncCoze,
    BadRequestError,
    ChatStatus,
    Coze,
    LiveType,
    MessageType,
    NotFoundError,
    TemplateEntityType,
    TokenAuth,
)
from sync_or_async import Client, collect, open_client, run

from ..raw import raw


async def test_an_agent_template_becomes_a_bot_to_chat_with(client: Client, coze_emulator: Any) -> None:
    control, ws = coze_emulator.control, coze_emulator.workspace_id
    template = control.create_template(
        name="Travel Guide", description="Plans trips", prompt="You plan trips for {{user_name}}."
    )
    copy = await run(client.templates.duplicate(template_id=template, workspace_id=ws, name="My Guide"))
    assert copy.entity_type == TemplateEntityType.AGENT and copy.entity_id and copy.logid
    again = await run(client.templates.duplicate(template_id=template, workspace_id=ws))
    assert again.entity_id != copy.entity_id

    bot = await run(client.bots.retrieve(bot_id=copy.entity_id, is_published=False))
    assert (bot.name, bot.description) == ("My Guide", "Plans trips")
    assert bot.prompt_info is not None and bot.prompt_info.prompt == "You plan trips for {{user_name}}."
    named = await run(client.bots.retrieve(bot_id=again.entity_id, is_published=False))
    assert named.name == "Travel Guide"
    drafts = await collect(client.bots.list(workspace_id=ws, publish_status="unpublished_draft"))
    assert {copy.entity_id, again.entity_id} <= {b.id for b in drafts}

    await run(client.bots.publish(bot_id=copy.entity_id))
    question = [{"role": "user", "content": "Where to in May?", "content_type": "text"}]
    poll = await run(
        client.chat.create_and_poll(bot_id=copy.entity_id, user_id="u1", additional_messages=question)
    )
    assert poll.chat.status == ChatStatus.COMPLETED
    answers = [m.content for m in poll.messages or [] if m.type == MessageType.ANSWER]
    assert answers == ["My Guide (turn 1) heard: Where to in May?"]


async def test_an_app_template_becomes_an_unpublished_app(client: Client, coze_emulator: Any) -> None:
    control, ws = coze_emulator.control, coze_emulator.workspace_id
    template = control.create_template(name="Shop", entity_type="app", description="A shop front")
    copy = await run(client.templates.duplicate(template_id=template, workspace_id=ws, name="My Shop"))
    assert copy.entity_type == TemplateEntityType.APP
    apps = await collect(client.apps.list(workspace_id=ws, publish_status="unpublished_draft"))
    assert [(a.id, a.name, a.description, a.is_published) for a in apps] == [
        (copy.entity_id, "My Shop", "A shop front", False)
    ]


async def test_duplicating_into_a_team_workspace_and_the_errors(client: Client, coze_emulator: Any) -> None:
    control = coze_emulator.control
    template = control.create_template(name="Helper")
    member = control.create_account("member")
    team = (await run(client.workspaces.create(name="Team", description="d"))).id
    users = [{"user_id": member["user_id"], "role_type": "member"}]
    await run(client.workspaces.members.create(workspace_id=team, users=users))

    async with open_client("async", coze_emulator.base_url, member["token"]) as as_member:
        copy = await as_member.templates.duplicate(template_id=template, workspace_id=team)
        bot = await as_member.bots.retrieve(bot_id=copy.entity_id, is_published=False)
        assert bot.name == "Helper"
        with pytest.raises(NotFoundError):  # the dev account's personal workspace is not theirs
            await as_member.templates.duplicate(template_id=template, workspace_id=coze_emulator.workspace_id)

    with pytest.raises(NotFoundError) as err:
        await run(client.templates.duplicate(template_id="404", workspace_id=coze_emulator.workspace_id))
    assert err.value.code == 4200 and "template_id=404" in err.value.msg and err.value.logid
    with pytest.raises(BadRequestError) as bad:  # a bot name is 1-20 characters
        await run(client.templates.duplicate(template_id=template, workspace_id=team, name="n" * 21))
    assert bad.value.code == 4000
    assert raw(coze_emulator, "POST", f"/v1/templates/{template}/duplicate", {})["code"] == 4000


async def test_live_info_comes_from_the_control_plane(client: Client, coze_emulator: Any) -> None:
    live = coze_emulator.control.create_live()
    info = await run(client.audio.live.retrieve(live_id=live["live_id"]))
    assert info.app_id == live["app_id"] and info.logid
    assert [(s.name, s.live_type) for s in info.stream_infos] == [
        ("Original", LiveType.ORIGIN),
        ("English", LiveType.TRANSLATION),
    ]
    assert [s.stream_id for s in info.stream_infos] == [s["stream_id"] for s in live["stream_infos"]]

    streams = [
        {"name": "原声", "live_type": "origin"},
        {"name": "English", "live_type": "translation"},
        {"name": "日本語", "live_type": "translation"},
    ]
    custom = coze_emulator.control.create_live(app_id="rtc_app_1", streams=streams, live_id="77")
    info = await run(client.audio.live.retrieve(live_id="77"))
    assert info.app_id == "rtc_app_1" and custom["live_id"] == "77"
    assert [s.name for s in info.stream_infos] == ["原声", "English", "日本語"]

    with pytest.raises(NotFoundError) as err:
        await run(client.audio.live.retrieve(live_id="404"))
    assert err.value.code == 4200 and err.value.logid
    other = coze_emulator.control.create_account("other")
    async with open_client("sync", coze_emulator.base_url, other["token"]) as as_other:
        with pytest.raises(NotFoundError):  # another account's broadcast
            as_other.audio.live.retrieve(live_id="77")


def _no_io(sent: List[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    return httpx.MockTransport(handle)


async def test_bad_input_is_refused_before_any_request() -> None:
    sent: List[httpx.Request] = []
    with Coze(TokenAuth("pat"), "http://coze.test", http_client=httpx.Client(transport=_no_io(sent))) as coze:
        with pytest.raises(ValueError, match="template_id"):
            coze.templates.duplicate(template_id="", workspace_id="w1")
        with pytest.raises(ValueError, match="workspace_id"):
            coze.templates.duplicate(template_id="t1", workspace_id=" ")
        with pytest.raises(ValueError, match="name"):
            coze.templates.duplicate(template_id="t1", workspace_id="w1", name="")
        with pytest.raises(ValueError, match="live_id"):
            coze.audio.live.retrieve(live_id="..")
    http = httpx.AsyncClient(transport=_no_io(sent))
    async with AsyncCoze(TokenAuth("pat"), "http://coze.test", http_client=http) as acoze:
        with pytest.raises(ValueError, match="template_id"):
            await acoze.templates.duplicate(template_id=" ", workspace_id="w1")
        with pytest.raises(ValueError, match="live_id"):
            await acoze.audio.live.retrieve(live_id="")
    assert sent == []
