"""Wire format of the folder list and folder details."""

from __future__ import annotations

import pytest

from cozekit.types.folder import FolderType, SimpleFolder
from fake_server import ok

from ..conftest import Wire

FOLDER = {
    "id": "7523",
    "name": "project folder",
    "description": "",
    "workspace_id": "7506",
    "creator_user_id": "1423",
    "folder_type": "development",
    "parent_folder_id": "7522",
    "children_count": 0,
}


async def test_list_defaults_to_development_folders_and_pages_by_has_more(wire: Wire) -> None:
    wire.reply(
        ok({"items": [FOLDER, {**FOLDER, "id": "2"}], "has_more": True, "total_count": 3}),
        ok({"items": [{**FOLDER, "id": "3"}], "has_more": False, "total_count": 3}),
    )
    folders = await wire.items(
        lambda c: c.folders.list(workspace_id="7506", parent_folder_id="7522", page_size=2)
    )
    assert [f.id for f in folders] == ["7523", "2", "3"]
    assert isinstance(folders[0], SimpleFolder)
    assert folders[0].folder_type == FolderType.DEVELOPMENT
    assert folders[0].children_count == 0
    base = {
        "workspace_id": "7506",
        "folder_type": "development",
        "parent_folder_id": "7522",
        "page_size": "2",
    }
    wire.check("GET", "/v1/folders", query={**base, "page_num": "1"}, index=0)
    wire.check("GET", "/v1/folders", query={**base, "page_num": "2"}, index=1)


async def test_list_stops_when_has_more_is_false(wire: Wire) -> None:
    wire.reply(ok({"items": [FOLDER, FOLDER], "has_more": False, "total_count": 9}))
    folders = await wire.items(lambda c: c.folders.list(workspace_id="w", folder_type="library", page_size=2))
    assert len(folders) == 2
    assert len(wire.requests) == 1
    assert wire.query() == {"workspace_id": "w", "folder_type": "library", "page_num": "1", "page_size": "2"}


@pytest.mark.parametrize("kwargs", [{"workspace_id": ""}, {"workspace_id": "w", "page_size": 51}])
async def test_list_checks_before_any_request(wire: Wire, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        await wire.items(lambda c: c.folders.list(**kwargs))
    assert wire.requests == []


async def test_retrieve_reads_the_folder(wire: Wire) -> None:
    root = {k: v for k, v in FOLDER.items() if k not in ("parent_folder_id", "children_count")}
    wire.reply(ok(root))
    folder = await wire.call(lambda c: c.folders.retrieve(folder_id="7523"))
    wire.check("GET", "/v1/folders/7523")
    assert folder.id == "7523"
    assert folder.parent_folder_id is None
    assert folder.logid == "logid-1"


async def test_retrieve_refuses_an_empty_id(wire: Wire) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.folders.retrieve(folder_id=" "))
    assert wire.requests == []
