"""`cozekit proxy` builds the proxy from its options; the served app is then driven over a socket."""

from __future__ import annotations

from typing import Any, Dict, List

import httpx
import pytest
from typer.testing import CliRunner

from cozekit.cli import app
from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import ThreadedProxy, sign_user

from .conftest import parse_sse

SECRET = "cli-secret-0123456789abcdef"


def run(monkeypatch: pytest.MonkeyPatch, args: List[str]) -> Dict[str, Any]:
    served: Dict[str, Any] = {}

    def fake_serve(proxy_app: Any, *, host: str, port: int) -> None:
        served.update(app=proxy_app, host=host, port=port)

    monkeypatch.setattr("cozekit.proxy.server.serve", fake_serve)
    result = CliRunner().invoke(app, ["proxy", *args], catch_exceptions=False)
    served["result"] = result
    return served


def test_proxy_command_serves_the_allow_listed_bots(
    upstream: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COZE_API_BASE", upstream.base_url)
    monkeypatch.setenv("COZE_API_TOKEN", upstream.token)
    monkeypatch.setenv("COZEKIT_PROXY_SECRET", SECRET)
    served = run(
        monkeypatch,
        ["--bot", upstream.demo_bot_id, "--port", "9123", "--origin", "https://a.example", "--anonymous"],
    )
    result = served["result"]
    assert result.exit_code == 0, result.output
    assert served["port"] == 9123 and served["host"] == "127.0.0.1"
    assert f'data-bot-id="{upstream.demo_bot_id}"' in result.output
    assert upstream.token not in result.output
    other = upstream.control.create_bot(name="Other")
    with ThreadedProxy(served["app"]) as proxy, httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        user = {"X-Cozekit-User": http.post("/session").json()["user_token"]}
        reply = http.post("/chat", json={"bot_id": upstream.demo_bot_id, "message": "hi"}, headers=user)
        assert parse_sse(reply.text)[-1][0] == "done"
        assert http.post("/chat", json={"bot_id": other, "message": "hi"}, headers=user).status_code == 403
        cors = http.options(
            "/chat", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}
        )
        assert cors.headers["access-control-allow-origin"] == "https://a.example"


def test_proxy_command_needs_a_token_and_a_bot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COZE_API_TOKEN", raising=False)
    no_token = run(monkeypatch, ["--bot", "7000"])["result"]
    assert no_token.exit_code == 2 and "no token" in no_token.output
    no_bot = run(monkeypatch, ["--token", "pat_x"])["result"]
    assert no_bot.exit_code == 2 and "--bot" in no_bot.output
    weak = run(monkeypatch, ["--token", "pat_x", "--bot", "7000", "--secret", "short"])["result"]
    assert weak.exit_code == 2 and "16 bytes" in weak.output


def test_proxy_command_rate_limits(upstream: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COZE_API_TOKEN", upstream.token)
    args = ["--base-url", upstream.base_url, "--bot", upstream.demo_bot_id, "--secret", SECRET]
    served = run(monkeypatch, [*args, "--rate-limit", "1/hour", "--ip-rate-limit", "5/hour"])
    assert served["result"].exit_code == 0, served["result"].output
    user = {"X-Cozekit-User": sign_user("alice", SECRET)}
    body = {"bot_id": upstream.demo_bot_id, "message": "hi"}
    with ThreadedProxy(served["app"]) as proxy, httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        assert http.post("/chat", json=body, headers=user).status_code == 200
        refused = http.post("/chat", json=body, headers=user)
        assert refused.status_code == 429 and refused.json()["code"] == 4029
        assert int(refused.headers["retry-after"]) > 3000
    for option in ("--rate-limit", "--ip-rate-limit"):
        bad = run(monkeypatch, [*args, option, "lots"])["result"]
        assert bad.exit_code == 2 and option in bad.output and "10/minute" in bad.output


def test_proxy_command_serves_a_chatflow(upstream: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from cozekit.emulator import example_workflows

    definition = (Path(example_workflows()) / "helpdesk_chatflow.json").read_text()
    flow = upstream.control.create_workflow(definition)["workflow_id"]
    args = [
        "--base-url",
        upstream.base_url,
        "--token",
        upstream.token,
        "--secret",
        SECRET,
        "--workflow",
        flow,
    ]
    served = run(monkeypatch, args)
    result = served["result"]
    assert result.exit_code == 0, result.output
    assert f"chatflow {flow}" in result.output and "type: 'app'" in result.output
    with ThreadedProxy(served["app"]) as proxy, httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        user = {"X-Cozekit-User": sign_user("u1", SECRET)}
        reply = http.post("/chat", json={"workflow_id": flow, "message": "hi"}, headers=user)
        done = [d for n, d in parse_sse(reply.text) if n == "conversation.message.completed"]
        assert [d["content"] for d in done] == ["Helpdesk (turn 1) heard: hi"]
    lone_app = run(monkeypatch, ["--token", "pat_x", "--bot", "7000", "--app", "7400"])["result"]
    assert lone_app.exit_code == 2 and "--app" in lone_app.output
