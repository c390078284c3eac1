"""Workflow endpoints on the wire (raw HTTP): exact SSE framing, both parameter forms, error codes,
collaboration, the control plane and account isolation."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Tuple

import httpx

from cozekit.emulator import ThreadedEmulator

from .conftest import Loader
from .defs import ECHO, WEATHER

FRAME = re.compile(r"id: (\d+)\nevent: (\w+)\ndata: (\{[^\n]*\})\n\n")


def frames(raw: str) -> List[Tuple[int, str, Dict[str, Any]]]:
    """Exactly `id:`, `event:`, `data:` per event (the official `workflow_stream_run` page), nothing else."""
    out, pos = [], 0
    while pos < len(raw):
        m = FRAME.match(raw, pos)
        assert m, f"bad framing at {pos}: {raw[pos : pos + 80]!r}"
        out.append((int(m.group(1)), m.group(2), json.loads(m.group(3))))
        pos = m.end()
    return out


def test_stream_framing_and_parameters_as_json_text(http: httpx.Client, load: Loader) -> None:
    wf = load(ECHO)
    resp = http.post("/v1/workflow/stream_run", json={"workflow_id": wf, "parameters": '{"text": "ok"}'})
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = frames(resp.text)
    assert [i for i, _, _ in events] == list(range(len(events)))
    assert events[-1][1] == "Done" and "debug_url" in events[-1][2]
    end = [d for _, e, d in events if e == "Message" and d["node_title"] == "End"]
    assert json.loads(end[0]["content"]) == {"output": "OK", "n": 2}
    assert set(end[0]) >= {
        "content",
        "node_title",
        "node_seq_id",
        "node_is_finish",
        "node_execute_uuid",
        "usage",
    }
    body = http.post("/v1/workflow/run", json={"workflow_id": int(wf), "parameters": {"text": "ab"}}).json()
    assert body["code"] == 0 and isinstance(body["data"], str) and body["detail"]["logid"]


def test_bad_requests_get_coze_codes(http: httpx.Client, load: Loader) -> None:
    wf = load(WEATHER)

    def code(path: str, body: Dict[str, Any]) -> int:
        resp = http.post(path, json=body)
        assert resp.headers["content-type"].startswith("application/json"), resp.text
        return int(resp.json()["code"])

    assert code("/v1/workflow/run", {"workflow_id": wf, "parameters": "not json"}) == 4000
    assert code("/v1/workflow/run", {"workflow_id": wf, "parameters": {}}) == 4000  # city is required
    assert code("/v1/workflow/run", {"workflow_id": wf, "bot_id": "1", "app_id": "2"}) == 4000
    assert code("/v1/workflow/stream_run", {"workflow_id": "42", "parameters": {"city": "x"}}) == 4200
    resume = {"workflow_id": wf, "event_id": "1/2", "resume_data": "x", "interrupt_type": 2}
    assert code("/v1/workflow/stream_resume", resume) == 4314
    first = http.post("/v1/workflow/run", json={"workflow_id": wf, "parameters": {"city": "Oslo"}}).json()
    event_id = first["interrupt_data"]["event_id"]
    assert code("/v1/workflows/resume", {**resume, "event_id": event_id, "interrupt_type": 5}) == 4000
    assert code("/v1/workflows/resume", {**resume, "event_id": event_id}) == 0
    assert code("/v1/workflows/resume", {**resume, "event_id": event_id}) == 4315


def test_other_accounts_cannot_see_or_run_a_workflow(emu: ThreadedEmulator, load: Loader) -> None:
    wf = load(ECHO)
    other = emu.control.create_account("mallory")
    with httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {other['token']}"}
    ) as mallory:
        ran = mallory.post("/v1/workflow/run", json={"workflow_id": wf, "parameters": {"text": "a"}}).json()
        assert ran["code"] == 4200
        assert mallory.get(f"/v1/workflows/{wf}").json()["code"] == 4200


def test_collaborators_and_collaboration_mode(
    http: httpx.Client, emu: ThreadedEmulator, load: Loader
) -> None:
    wf = load(ECHO)
    friend = emu.control.create_account("friend")["user_id"]
    add = {"collaborators": [{"user_id": friend}]}
    assert http.post(f"/v1/workflows/{wf}/collaborators", json=add).json()["code"] == 4000  # single-user mode
    mode = f"/v1/workflows/{wf}/collaboration_mode"
    assert http.post(mode, json={"collaboration_mode": "collaboration"}).json()["code"] == 0
    assert http.post(f"/v1/workflows/{wf}/collaborators", json=add).json()["code"] == 0
    assert http.post(mode, json={"collaboration_mode": "single"}).json()["code"] == 4000  # still has one
    assert http.delete(f"/v1/workflows/{wf}/collaborators/{friend}").json()["code"] == 0
    assert http.delete(f"/v1/workflows/{wf}/collaborators/{friend}").json()["code"] == 4200
    assert http.post(mode, json={"collaboration_mode": "single"}).json()["code"] == 0
    nobody = {"collaborators": [{"user_id": "123"}]}
    http.post(mode, json={"collaboration_mode": "collaboration"})
    assert http.post(f"/v1/workflows/{wf}/collaborators", json=nobody).json()["code"] == 4200


def test_control_plane_loads_yaml_text_and_serves_the_debug_page(
    http: httpx.Client, emu: ThreadedEmulator
) -> None:
    text = "name: hello\nnodes:\n  - {id: start, type: start}\n  - {id: end, type: end, answer: hi}\n"
    wf = emu.control.create_workflow(text, format="yaml")
    assert wf["version"] == "v0.0.1" and wf["workspace_id"] == emu.workspace_id
    body = http.post("/v1/workflow/run", json={"workflow_id": wf["workflow_id"]}).json()
    assert body["data"] == "hi"
    page = httpx.get(body["debug_url"]).json()["data"]
    assert page["id"] == body["execute_id"] and page["status"] == "Success"
    bad = httpx.post(
        emu.base_url + "/_emulator/workflows", json={"definition": {"name": "x", "nodes": []}}
    ).json()
    assert bad["code"] == 4000 and "start node" in bad["msg"]


def test_workflow_version_and_catalogue_filters(
    http: httpx.Client, emu: ThreadedEmulator, load: Loader
) -> None:
    wf = load(ECHO)
    changed = {
        **ECHO,
        "nodes": [*ECHO["nodes"][:-1], {"id": "end", "type": "end", "outputs": {"output": "v2"}}],
    }
    load(changed)
    load(
        {
            "name": "chat",
            "mode": "chatflow",
            "nodes": [{"id": "s", "type": "start"}, {"id": "e", "type": "end", "answer": "x"}],
        }
    )

    def output(**extra: Any) -> Any:
        body = http.post(
            "/v1/workflow/run", json={"workflow_id": wf, "parameters": {"text": "a"}, **extra}
        ).json()
        return json.loads(body["data"])["output"] if body["code"] == 0 else body["code"]

    assert output() == "v2"
    assert output(workflow_version="v0.0.1") == "A"
    assert output(workflow_version="v9") == 4200
    params = {"workspace_id": emu.workspace_id, "page_size": 100}  # cozepy's size: clamped, not rejected
    chatflows = http.get("/v1/workflows", params={**params, "workflow_mode": "chatflow"}).json()["data"]
    assert [i["workflow_name"] for i in chatflows["items"]] == ["chat"]
    assert isinstance(chatflows["items"][0]["updated_at"], str)  # documented as String in the list
    everything = http.get("/v1/workflows", params={**params, "publish_status": "all"}).json()["data"]
    assert len(everything["items"]) == 2
    assert http.get("/v1/workflows", params={**params, "page_num": 0}).json()["code"] == 4000
