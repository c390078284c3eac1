"""Loading definitions: the checks, aliases, publishing and versions (backend, no HTTP)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit.emulator.core.errors import EmulatorError
from cozekit.emulator.seed import WORKSPACE_ID
from cozekit.emulator.workflows.engine.definition import load_text

from .engine_kit import ACCOUNT, Kit, end, off_loop, start


def load_error(kit: Kit, raw: Dict[str, Any]) -> str:
    with pytest.raises(EmulatorError) as err:
        kit.state.workflows.load(ACCOUNT, WORKSPACE_ID, raw)
    assert err.value.code == 4000
    return err.value.msg


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ({"nodes": [start(), end()]}, "name is required"),
        ({"name": "x", "nodes": [end()]}, "exactly one start node"),
        ({"name": "x", "nodes": [start(), {"id": "z", "type": "teleport"}, end()]}, "teleport"),
        ({"name": "x", "nodes": [start(), end()], "edges": [["start", "end"], ["end", "start"]]}, "cycle"),
        ({"name": "x", "nodes": [start(), end()], "edges": [["start", "nowhere"]]}, "unknown node"),
        ({"name": "x", "nodes": [start(), end(o="{{ghost.x}}")]}, "names no node"),
        ({"name": "x", "nodes": [start(x="decimal"), end()]}, "parameter type"),
        (
            {
                "name": "x",
                "nodes": [start(), {"id": "c", "type": "condition", "branches": [{"when": "1"}]}, end()],
                "edges": [["start", "c"], ["c", "end", "maybe"]],
            },
            "port 'maybe'",
        ),
    ],
)
def test_bad_definitions_get_4000_with_the_reason(raw: Dict[str, Any], why: str) -> None:
    assert why in load_error(Kit(), raw)


async def test_coze_numeric_types_and_aliases_are_accepted() -> None:
    kit = Kit()
    wf = kit.load(
        {"id": "s", "type": "1"},
        {"id": "t", "type": "text", "template": "hi"},
        {"id": "e", "type": "2", "outputs": {"o": "{{t.output}}"}},
    )
    res = await kit.run(wf)
    assert res.run["status"] == "Success" and res.run["engine"]["result"] == '{"o": "hi"}'


async def test_runs_see_published_versions_only() -> None:
    kit = Kit()
    wfs = kit.state.workflows
    draft = off_loop(
        wfs.load, ACCOUNT, WORKSPACE_ID, {"name": "d", "published": False, "nodes": [start(), end(o=1)]}
    )
    assert draft["version"] == ""
    with pytest.raises(EmulatorError) as unpublished:
        await kit.run(draft["workflow_id"])
    assert unpublished.value.code == 4200
    v1 = off_loop(wfs.load, ACCOUNT, WORKSPACE_ID, {"name": "d", "nodes": [start(), end(o=1)]})
    v2 = off_loop(wfs.load, ACCOUNT, WORKSPACE_ID, {"name": "d", "nodes": [start(), end(o=2)]})
    assert (v1["workflow_id"], v1["version"], v2["version"]) == (draft["workflow_id"], "v0.0.1", "v0.0.2")
    assert (await kit.run(v1["workflow_id"])).run["engine"]["result"] == '{"o": 2}'
    listed = off_loop(wfs.versions, ACCOUNT, v1["workflow_id"], 10, None, None, include_io=True)
    assert [v["version"] for v in listed["items"]] == ["v0.0.2", "v0.0.1"]
    with pytest.raises(EmulatorError) as again:
        off_loop(
            wfs.load, ACCOUNT, WORKSPACE_ID, {"name": "d", "version": "v0.0.1", "nodes": [start(), end()]}
        )
    assert again.value.code == 4000
    with pytest.raises(EmulatorError) as unknown:
        await kit.run("1234")
    assert unknown.value.code == 4200


def test_yaml_and_json_text() -> None:
    assert load_text('{"name": "j"}')["name"] == "j"
    assert load_text("name: y\nnodes: []\n", "wf.yaml")["name"] == "y"
