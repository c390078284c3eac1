"""The main job: the demo's session shows knowledge recall, a local tool, a workflow and a streamed reply."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any, Dict, Iterator, List

import httpx
import pytest

from cozekit import ChatStatus
from cozekit.demo import FINAL_QUESTION, main, run
from fake_server import FakeServer


@pytest.fixture(autouse=True)
def _no_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BASE_URL", "API_KEY", "MODEL"):
        monkeypatch.delenv(f"COZEKIT_EMULATOR_OPENAI_{name}", raising=False)


def test_demo_shows_each_step_of_the_system() -> None:
    out = io.StringIO()
    final = run(out)
    text = out.getvalue()
    assert "model: the emulator's deterministic model" in text
    steps = [
        "[1/4] Knowledge base",
        "[2/4] Local tool",
        "[3/4] Workflow: daily_report (7000000000000000102)",
        "[4/4] Final reply, streamed",
    ]
    assert [text.index(step) for step in steps] == sorted(text.index(step) for step in steps)
    knowledge, tool, workflow, last = (text.split(step)[1] for step in steps)
    # 1: a document is uploaded and processed, then the bot answers from it
    assert "uploading handbook.txt" in knowledge and "100% (done)" in knowledge
    assert "found in the knowledge base: Opening hours: the Cozekit Cafe opens at eight" in knowledge
    assert "recalled: Opening hours:" in knowledge
    # 2: the bot calls get_weather; the SDK answers it here and the bot uses the output
    assert "tool call: get_weather(" in tool
    assert "answered here by the SDK: 'Berlin: light rain, 14 °C, take an umbrella'" in tool
    assert "bot: Tool results: get_weather returned Berlin: light rain" in tool
    # 3: the example workflow's nodes stream their output as it comes
    assert "node 1 [Note] Report on the cafe's espresso is ready." in workflow
    assert "report: REPORT (2 lines): " in workflow and "(nodes with output: 2)" in workflow
    # 4: the final reply streams, from the knowledge base, in the same conversation
    assert f"you: {FINAL_QUESTION}" in last
    assert "password is printed" in last and "on every receipt" in last
    assert final.status == ChatStatus.COMPLETED
    assert final.text and final.text in text
    assert final.chat is not None and f"conversation {final.chat.conversation_id}: done." in text
    assert text.count("[completed, ") == 3


def test_demo_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cozekit.demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "[4/4] Final reply, streamed" in done.stdout and "done." in done.stdout
    assert done.stderr == ""


def _model(request: httpx.Request) -> httpx.Response:
    """A tiny OpenAI-compatible `/v1/chat/completions`, streamed."""
    body = json.loads(request.content)
    last = body["messages"][-1]
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    if last["role"] == "tool":
        deltas: List[Dict[str, Any]] = [{"content": f"Real model: {last['content']}."}]
    elif body.get("tools") and "umbrella" in str(last["content"]):
        call = {
            "index": 0,
            "id": "call_1",
            "function": {"name": "get_weather", "arguments": '{"city": "Berlin"}'},
        }
        deltas = [{"tool_calls": [call]}]
    elif "wifi" in str(last["content"]) and "password is printed" in system:
        deltas = [{"content": "Real model: it is on your receipt."}]
    elif "opens at eight" in system:
        deltas = [{"content": "Real model: "}, {"content": "eight to six, closed on Sundays."}]
    else:
        deltas = [{"content": "Real model: noted."}]
    events = [f"data: {json.dumps({'choices': [{'index': 0, 'delta': delta}]})}\n\n" for delta in deltas]
    return httpx.Response(
        200, text="".join(events) + "data: [DONE]\n\n", headers={"content-type": "text/event-stream"}
    )


@pytest.fixture
def model() -> Iterator[FakeServer]:
    with FakeServer(_model) as server:
        yield server


def _asked(model: FakeServer) -> List[Dict[str, Any]]:
    """What the model was asked: each request's path, authorization and body."""
    return [
        {"path": r.url.path, "auth": r.headers.get("authorization"), **json.loads(r.content)}
        for r in model.requests
    ]


def test_model_points_the_emulator_at_an_openai_compatible_endpoint(model: FakeServer) -> None:
    url = model.url + "/v1"
    out = io.StringIO()
    run(out, model_url=url, model_name="tiny-model", api_key="sk-test")
    text = out.getvalue()
    assert f"model: {url} (tiny-model)" in text
    assert "bot: Real model: eight to six, closed on Sundays." in text  # answered with the recalled slice
    assert 'tool call: get_weather({"city": "Berlin"})' in text  # the arguments the model chose
    assert "bot: Real model: Berlin: light rain, 14 °C, take an umbrella." in text
    assert "bot: Real model: it is on your receipt." in text  # the final reply, from the knowledge base
    assert "deterministic" not in text
    seen = _asked(model)
    assert seen and all(s["path"] == "/v1/chat/completions" and s["model"] == "tiny-model" for s in seen)
    assert all(s["auth"] == "Bearer sk-test" for s in seen)
    assert any(t["function"]["name"] == "get_weather" for s in seen for t in s.get("tools", []))


def test_main_reads_the_model_from_the_environment(
    model: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = model.url + "/v1"
    monkeypatch.setenv("COZEKIT_EMULATOR_OPENAI_BASE_URL", url)
    monkeypatch.setenv("COZEKIT_EMULATOR_OPENAI_MODEL", "env-model")
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["what", "about", "the", "wifi?"]) == 0  # words after the options: the last question
    assert f"model: {url} (env-model)" in out.getvalue()
    assert "you: what about the wifi?\n  bot: Real model: it is on your receipt." in out.getvalue()
    assert {s["model"] for s in _asked(model)} == {"env-model"}
