"""The emulator's callback apps and event subscriptions, driven through the SDK (sync and async)."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import AsyncPager, BadRequestError, Coze, NotFoundError, TokenAuth
from cozekit.types.api_app import APIAppEventType, AppType
from sync_or_async import NO_WAIT, Client, collect, run


async def test_create_list_update_delete_a_callback_app(client: Client) -> None:
    app = await run(client.api_apps.create(app_type=AppType.NORMAL, name="orders"))
    assert (app.app_type, app.name, app.callback_url) == (AppType.NORMAL, "orders", None)
    assert len(app.verify_token) >= 32 and app.logid
    channel = await run(client.api_apps.create(app_type="connector", connector_id="1056899"))
    assert (channel.app_type, channel.connector_id) == (AppType.CONNECTOR, "1056899")

    apps = await collect(client.api_apps.list())
    assert [a.id for a in apps] == [app.id, channel.id]
    normal = await collect(client.api_apps.list(app_type="normal"))
    assert [a.id for a in normal] == [app.id]

    await run(client.api_apps.update(app_id=app.id, name="orders v2"))  # URLs: emulator/test_callbacks.py
    updated = next(a for a in await collect(client.api_apps.list()) if a.id == app.id)
    assert (updated.name, updated.callback_url, updated.verify_token) == ("orders v2", None, app.verify_token)

    await run(client.api_apps.delete(app_id=app.id))
    assert [a.id for a in await collect(client.api_apps.list())] == [channel.id]
    with pytest.raises(NotFoundError) as err:
        await run(client.api_apps.delete(app_id=app.id))
    assert err.value.code == 4200


async def test_list_walks_token_pages(client: Client) -> None:
    made = [(await run(client.api_apps.create(app_type="normal", name=f"app {n}"))).id for n in range(5)]
    pager = client.api_apps.list(page_size=2)
    pages = []
    if isinstance(pager, AsyncPager):
        async for page in pager.iter_pages():
            pages.append(page)
    else:
        pages = list(pager.iter_pages())
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert [p.next_page_token for p in pages] == ["2", "4", None]
    assert [a.id for p in pages for a in p.items] == made


async def test_subscribe_list_and_unsubscribe_events(client: Client) -> None:
    app = await run(client.api_apps.create(app_type="normal", name="hooks"))
    await run(
        client.api_apps.events.create(
            api_app_id=app.id, event_types=[APIAppEventType.BOT_PUBLISHED, "bot.deleted", "benefit.usage"]
        )
    )
    await run(client.api_apps.events.create(api_app_id=app.id, event_types=["bot.deleted"]))
    events = await collect(client.api_apps.events.list(api_app_id=app.id, page_size=2))
    assert [e.event_type for e in events] == ["bot.published", "bot.deleted", "benefit.usage"]
    assert all(e.api_app_id == app.id and e.name == "hooks" and e.description for e in events)

    await run(client.api_apps.events.delete(api_app_id=app.id, event_types=["bot.deleted"]))
    left = await collect(client.api_apps.events.list(api_app_id=app.id))
    assert [e.event_type for e in left] == [APIAppEventType.BOT_PUBLISHED, APIAppEventType.BENEFIT_USAGE]


async def test_the_emulator_rejects_what_coze_rejects(client: Client) -> None:
    app = await run(client.api_apps.create(app_type="normal", name="hooks"))
    with pytest.raises(BadRequestError) as err:
        await run(client.api_apps.events.create(api_app_id=app.id, event_types=["bot.renamed"]))
    assert err.value.code == 4000
    with pytest.raises(BadRequestError):
        await run(client.api_apps.create(app_type="partner", name="x"))
    with pytest.raises(BadRequestError):
        await run(client.api_apps.update(app_id=app.id, callback_url="ftp://example.com"))
    with pytest.raises(NotFoundError):
        await run(client.api_apps.events.create(api_app_id="1", event_types=["bot.deleted"]))
    with pytest.raises(NotFoundError):
        await collect(client.api_apps.events.list(api_app_id="1"))


async def test_callback_apps_belong_to_their_account(client: Client, coze_emulator: Any) -> None:
    mine = await run(client.api_apps.create(app_type="normal", name="mine"))
    other = coze_emulator.control.create_account("other")
    with Coze(TokenAuth(other["token"]), coze_emulator.base_url, retry_policy=NO_WAIT) as theirs:
        assert list(theirs.api_apps.list()) == []
        with pytest.raises(NotFoundError):
            theirs.api_apps.update(app_id=mine.id, name="stolen")
        with pytest.raises(NotFoundError):
            theirs.api_apps.events.create(api_app_id=mine.id, event_types=["bot.deleted"])
    assert [a.name for a in await collect(client.api_apps.list())] == ["mine"]
