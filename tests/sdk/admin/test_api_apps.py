"""`coze.api_apps` and `coze.api_apps.events`: wire format and envelopes, sync and async."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit.types.api_app import (
    APIApp,
    APIAppEvent,
    APIAppEventType,
    AppType,
    CreateAPIAppsEventsResp,
    DeleteAPIAppsEventsResp,
    DeleteAPIAppsResp,
    UpdateAPIAppsResp,
)
from fake_server import FakeServer, envelope
from sync_or_async import MODES

APP = {
    "id": "7521953685535260001",
    "name": "orders",
    "app_type": "normal",
    "verify_token": "XzHka769anq",
    "callback_url": "https://example.com/cb",
}


def _app(n: int) -> Dict[str, Any]:
    return {**APP, "id": f"75219536855352600{n:02d}"}


@pytest.mark.parametrize("mode", MODES)
async def test_create_posts_the_app_and_reads_the_api_app(mode: str) -> None:
    server = FakeServer(routes={("POST", "/v1/api_apps"): envelope(APP)})
    app = await server.run(mode, lambda c: c.api_apps.create(app_type=AppType.NORMAL, name="orders"))
    assert server.wire() == ("POST", "/v1/api_apps")
    assert server.body() == {"app_type": "normal", "name": "orders"}
    assert isinstance(app, APIApp)
    assert (app.id, app.app_type, app.verify_token) == (APP["id"], AppType.NORMAL, "XzHka769anq")
    assert app.callback_url == "https://example.com/cb"
    assert app.logid == "logid-1"


@pytest.mark.parametrize("mode", MODES)
async def test_create_connector_app_sends_the_connector_id_and_keeps_unknown_types(mode: str) -> None:
    answer = {**APP, "app_type": "connector", "connector_id": "1056899"}
    server = FakeServer(routes={("POST", "/v1/api_apps"): envelope(answer)})
    app = await server.run(mode, lambda c: c.api_apps.create(app_type="connector", connector_id="1056899"))
    assert server.body() == {"app_type": "connector", "connector_id": "1056899"}
    assert (app.app_type, app.connector_id) == (AppType.CONNECTOR, "1056899")
    server.route("POST", "/v1/api_apps", envelope({**APP, "app_type": "partner"}))
    assert (await server.run(mode, lambda c: c.api_apps.create(app_type="partner"))).app_type == "partner"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"app_type": ""},
        {"app_type": "normal"},
        {"app_type": "normal", "name": " "},
        {"app_type": "normal", "name": "x" * 129},
        {"app_type": "connector", "name": "x"},
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_create_rejects_what_coze_would_before_any_request(mode: str, kwargs: Dict[str, Any]) -> None:
    server = FakeServer()
    with pytest.raises(ValueError):
        await server.run(mode, lambda c: c.api_apps.create(**kwargs))
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_list_pages_with_tokens(mode: str) -> None:
    pages = [
        envelope({"items": [_app(1), _app(2)], "has_more": True, "next_page_token": "tok2"}),
        envelope({"items": [_app(3)], "has_more": False, "next_page_token": ""}),
    ]
    server = FakeServer(routes={("GET", "/v1/api_apps"): pages})
    apps = await server.collect(mode, lambda c: c.api_apps.list(app_type=AppType.NORMAL, page_size=2))
    assert [a.id for a in apps] == [_app(1)["id"], _app(2)["id"], _app(3)["id"]]
    assert all(isinstance(a, APIApp) for a in apps)
    assert server.query(0) == {"app_type": "normal", "page_token": "", "page_size": "2"}
    assert server.query(1) == {"app_type": "normal", "page_token": "tok2", "page_size": "2"}


@pytest.mark.parametrize("mode", MODES)
async def test_list_starts_at_a_given_token_and_checks_page_size(mode: str) -> None:
    server = FakeServer(routes={("GET", "/v1/api_apps"): envelope({"items": [], "has_more": False})})
    assert await server.collect(mode, lambda c: c.api_apps.list(page_token="t5")) == []
    assert server.query() == {"page_token": "t5", "page_size": "20"}
    for size in (0, 51):
        with pytest.raises(ValueError):
            await server.collect(mode, lambda c, s=size: c.api_apps.list(page_size=s))
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_update_puts_name_and_callback_url(mode: str) -> None:
    server = FakeServer(routes={("PUT", "/v1/api_apps/app%2F1"): envelope()})
    resp = await server.run(
        mode,
        lambda c: c.api_apps.update(app_id="app/1", name="n2", callback_url="https://example.com/new"),
    )
    assert server.wire() == ("PUT", "/v1/api_apps/app%2F1")
    assert server.body() == {"name": "n2", "callback_url": "https://example.com/new"}
    assert isinstance(resp, UpdateAPIAppsResp) and resp.logid == "logid-1"
    await server.run(mode, lambda c: c.api_apps.update(app_id="app/1", name="n3"))
    assert server.body() == {"name": "n3"}


@pytest.mark.parametrize("mode", MODES)
async def test_update_and_delete_check_their_values(mode: str) -> None:
    server = FakeServer()
    for bad in (
        lambda c: c.api_apps.update(app_id="", name="n"),
        lambda c: c.api_apps.update(app_id="..", name="n"),
        lambda c: c.api_apps.update(app_id="a", name=""),
        lambda c: c.api_apps.update(app_id="a", callback_url=" "),
        lambda c: c.api_apps.delete(app_id=" "),
    ):
        with pytest.raises(ValueError):
            await server.run(mode, bad)
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_delete_sends_no_body(mode: str) -> None:
    server = FakeServer(routes={("DELETE", "/v1/api_apps/75"): envelope()})
    resp = await server.run(mode, lambda c: c.api_apps.delete(app_id="75"))
    assert server.wire() == ("DELETE", "/v1/api_apps/75")
    assert server.last.content == b""
    assert isinstance(resp, DeleteAPIAppsResp)


@pytest.mark.parametrize("mode", MODES)
async def test_events_subscribe_and_unsubscribe_send_event_types(mode: str) -> None:
    server = FakeServer(
        routes={
            ("POST", "/v1/api_apps/75/events"): envelope(),
            ("DELETE", "/v1/api_apps/75/events"): envelope(),
        }
    )
    created = await server.run(
        mode,
        lambda c: c.api_apps.events.create(
            api_app_id="75", event_types=[APIAppEventType.BOT_PUBLISHED, "bot.deleted"]
        ),
    )
    assert server.wire() == ("POST", "/v1/api_apps/75/events")
    assert server.body() == {"event_types": ["bot.published", "bot.deleted"]}
    assert isinstance(created, CreateAPIAppsEventsResp)
    deleted = await server.run(
        mode, lambda c: c.api_apps.events.delete(api_app_id="75", event_types=["bot.deleted"])
    )
    assert server.wire() == ("DELETE", "/v1/api_apps/75/events")
    assert server.body() == {"event_types": ["bot.deleted"]}
    assert isinstance(deleted, DeleteAPIAppsEventsResp) and deleted.logid == "logid-1"


@pytest.mark.parametrize("mode", MODES)
async def test_events_reject_empty_or_bare_string_event_types(mode: str) -> None:
    server = FakeServer()
    with pytest.raises(ValueError):
        await server.run(mode, lambda c: c.api_apps.events.create(api_app_id="75", event_types=[]))
    with pytest.raises(ValueError):
        await server.run(mode, lambda c: c.api_apps.events.delete(api_app_id="75", event_types=[""]))
    with pytest.raises(TypeError):
        await server.run(mode, lambda c: c.api_apps.events.create(api_app_id="75", event_types="bot.deleted"))
    with pytest.raises(ValueError):
        await server.run(mode, lambda c: c.api_apps.events.create(api_app_id="", event_types=["bot.deleted"]))
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_events_list_pages_with_tokens(mode: str) -> None:
    def event(kind: str) -> Dict[str, Any]:
        return {"api_app_id": "75", "name": "orders", "event_type": kind, "description": "d"}

    pages = [
        envelope({"items": [event("bot.published")], "has_more": True, "next_page_token": "n2"}),
        envelope({"items": [event("benefit.usage"), event("bot.new_kind")], "has_more": False}),
    ]
    server = FakeServer(routes={("GET", "/v1/api_apps/75/events"): pages})
    events = await server.collect(mode, lambda c: c.api_apps.events.list(api_app_id="75", page_size=1))
    assert [e.event_type for e in events] == [
        APIAppEventType.BOT_PUBLISHED,
        APIAppEventType.BENEFIT_USAGE,
        "bot.new_kind",
    ]
    assert all(isinstance(e, APIAppEvent) and e.api_app_id == "75" for e in events)
    assert server.query(0) == {"page_token": "", "page_size": "1"}
    assert server.query(1) == {"page_token": "n2", "page_size": "1"}
