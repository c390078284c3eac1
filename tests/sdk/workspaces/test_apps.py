"""Wire format of the app list."""

from __future__ import annotations

import pytest

from cozekit.types.app import SimpleApp
from cozekit.types.bot import PublishStatus
from fake_server import ok

from ..conftest import Wire

APP = {
    "id": "7516",
    "name": "test",
    "description": "an app",
    "icon_url": "https://example.com/i.png",
    "is_published": True,
    "updated_at": 1749994622,
    "published_at": "1718289297",
    "owner_user_id": "329",
    "folder_id": "7523",
}


async def test_list_sends_the_filters_and_both_page_names(wire: Wire) -> None:
    wire.reply(ok({"items": [APP], "total": 1}))
    apps = await wire.items(
        lambda c: c.apps.list(
            workspace_id="ws", publish_status=PublishStatus.ALL, connector_id="1024", page_size=5
        )
    )
    wire.check(
        "GET",
        "/v1/apps",
        query={
            "workspace_id": "ws",
            "publish_status": "all",
            "connector_id": "1024",
            "page_num": "1",
            "page_index": "1",
            "page_size": "5",
        },
    )
    assert len(wire.requests) == 1
    assert isinstance(apps[0], SimpleApp)
    assert apps[0].id == "7516"
    assert apps[0].published_at == 1718289297
    assert apps[0].folder_id == "7523"
    assert apps[0].is_published is True


async def test_list_pages_until_total_is_reached(wire: Wire) -> None:
    wire.reply(
        ok({"items": [APP, {**APP, "id": "2"}], "total": 3}),
        ok({"items": [{**APP, "id": "3", "is_published": False, "published_at": None}], "total": 3}),
    )
    apps = await wire.items(lambda c: c.apps.list(workspace_id="ws", page_size=2))
    assert [a.id for a in apps] == ["7516", "2", "3"]
    assert apps[2].published_at is None
    assert wire.query(1)["page_num"] == "2"
    assert wire.query(1)["page_index"] == "2"
    assert "publish_status" not in wire.query(0)


async def test_list_needs_a_workspace(wire: Wire) -> None:
    with pytest.raises(ValueError):
        await wire.items(lambda c: c.apps.list(workspace_id=""))
    assert wire.requests == []
