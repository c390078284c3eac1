"""The control plane (`/_emulator/`) keeps browser pages and foreign host names out and, when asked,
requires a control token; cozekit's own control client sends it. Every refusal leaves state intact."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any, Dict, List, Optional

import httpx
import pytest
from typer.testing import CliRunner

from cozekit.cli import app as cli_app
from cozekit.emulator import EmulatorConfig, ThreadedEmulator
from cozekit.emulator.server import serve
from sync_or_async import MODES, open_client, run

SECRET = "control-secret-for-tests"
HEADER = "X-Cozekit-Control-Token"


def control(
    emu: ThreadedEmulator, method: str, path: str, headers: Optional[Dict[str, str]] = None, **kw: Any
) -> httpx.Response:
    return httpx.request(method, f"{emu.base_url}/_emulator{path}", headers=headers or {}, timeout=10, **kw)


def host_of(emu: ThreadedEmulator) -> str:
    return emu.base_url.split("://", 1)[1]


def refused(resp: httpx.Response, status: int = 403, code: int = 4101) -> Dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: Dict[str, Any] = resp.json()
    assert body["code"] == code and body["detail"]["logid"] == resp.headers["x-tt-logid"]
    assert "pat_" not in resp.text and "access-control-allow-origin" not in resp.headers
    return body


def conversation_count(emu: ThreadedEmulator, token: str) -> int:
    resp = httpx.get(
        emu.base_url + "/v1/conversations",
        params={"bot_id": emu.demo_bot_id},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return len(resp.json()["data"]["conversations"])


def make_conversation(emu: ThreadedEmulator) -> None:
    httpx.post(
        emu.base_url + "/v1/conversation/create",
        json={"bot_id": emu.demo_bot_id},
        headers={"Authorization": f"Bearer {emu.token}"},
        timeout=10,
    ).raise_for_status()


# -- browser pages and foreign host names --------------------------------------------------------


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://localhost:1", "http://127.0.0.1.evil.example"]
)
def test_a_foreign_origin_is_refused_and_never_sees_a_token(emu: ThreadedEmulator, origin: str) -> None:
    make_conversation(emu)
    body = refused(control(emu, "GET", "/info", {"Origin": origin}))
    assert "cross-origin" in body["msg"] and "data" not in body
    refused(control(emu, "POST", "/reset", {"Origin": origin}, json={}))
    refused(control(emu, "POST", "/accounts", {"Origin": origin}, json={"name": "x"}))
    refused(control(emu, "POST", "/faults", {"Origin": origin}, json={"kind": "http_error"}))
    assert conversation_count(emu, emu.token) == 1  # the reset did not happen
    assert emu.control.info()["config"] is not None and control(emu, "GET", "/faults").json()["data"] == []


def test_the_servers_own_origin_and_plain_clients_are_served(emu: ThreadedEmulator) -> None:
    own = control(emu, "GET", "/info", {"Origin": emu.base_url})
    assert own.status_code == 200 and own.json()["data"]["token"] == emu.token
    assert control(emu, "GET", "/info").json()["data"]["token"] == emu.token  # no Origin: not a browser


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", b"{}"),
        ("text/plain;charset=UTF-8", b'{"name": "x"}'),
        ("application/x-www-form-urlencoded", b"name=x"),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=n\r\n\r\nx\r\n--b--\r\n",
        ),
    ],
)
def test_simple_request_bodies_are_refused(emu: ThreadedEmulator, content_type: str, body: bytes) -> None:
    make_conversation(emu)
    headers = {"Content-Type": content_type}
    for path in ("/reset", "/accounts", "/bots", "/faults", "/seed"):
        refused(control(emu, "POST", path, headers, content=body))
    refused(control(emu, "PATCH", "/config", headers, content=b'{"chunk_size": 1}'))
    assert conversation_count(emu, emu.token) == 1
    assert control(emu, "GET", "/faults").json()["data"] == []
    assert emu.control.info()["config"]["chunk_size"] == 8


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:80", "192.0.2.1", "", "localhost.evil.example"]
)
def test_foreign_host_names_are_refused(emu: ThreadedEmulator, host: str) -> None:
    make_conversation(emu)
    headers = {"Host": host}
    body = refused(control(emu, "GET", "/info", headers))
    assert "host" in body["msg"]
    refused(control(emu, "POST", "/reset", headers, json={}))
    assert conversation_count(emu, emu.token) == 1


def test_loopback_names_are_answered(emu: ThreadedEmulator) -> None:
    port = host_of(emu).rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST"):
        assert control(emu, "GET", "/info", {"Host": host}).json()["code"] == 0


def test_configured_host_names_and_origins_are_answered() -> None:
    config = EmulatorConfig(allowed_hosts=("emu.test",), allowed_origins=("http://app.test:3000",))
    with ThreadedEmulator(config) as emu:
        assert control(emu, "GET", "/info", {"Host": "emu.test:9"}).json()["code"] == 0
        assert control(emu, "GET", "/info", {"Origin": "http://app.test:3000"}).json()["code"] == 0
        refused(control(emu, "GET", "/info", {"Origin": "http://app.test:3001"}))
        refused(control(emu, "GET", "/info", {"Host": "other.test"}))
        assert emu.control.info()["config"]["allowed_hosts"] == ["emu.test"]


# -- the control token --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def locked() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(control_token=SECRET) as emu:
        yield emu


def test_a_locked_control_plane_wants_the_token(locked: ThreadedEmulator) -> None:
    locked.reset()
    make_conversation(locked)
    for headers in ({}, {HEADER: "wrong"}, {HEADER: SECRET + "x"}, {"Authorization": f"Bearer {SECRET}"}):
        refused(control(locked, "GET", "/info", headers), status=401, code=4100)
        refused(control(locked, "POST", "/reset", headers, json={}), status=401, code=4100)
        refused(control(locked, "POST", "/accounts", headers, json={"name": "x"}), status=401, code=4100)
    assert conversation_count(locked, locked.token) == 1
    info = control(locked, "GET", "/info", {HEADER: SECRET}).json()["data"]
    assert info["token"] == locked.token and info["config"]["control_token"] == "***"
    assert SECRET not in control(locked, "GET", "/config", {HEADER: SECRET}).text
    # the token does not let a browser page in
    refused(control(locked, "GET", "/info", {HEADER: SECRET, "Origin": "https://evil.example"}))


def test_cozekits_control_client_sends_the_token(locked: ThreadedEmulator) -> None:
    assert locked.control_token == SECRET
    locked.reset()
    other = locked.control.create_account("ally")
    bot_id = locked.control.create_bot(name="Scripted")
    assert locked.control.script(bot_id, {"text": "hello"}) == 1
    assert locked.control.configure(chunk_size=3)["chunk_size"] == 3
    app = locked.control.oauth.create_app("web", redirect_uris=["http://127.0.0.1/cb"])
    assert app["client_id"] and conversation_count(locked, other["token"]) == 0
    locked.reset()
    assert locked.control.info()["config"]["chunk_size"] == 8


@pytest.mark.parametrize("mode", MODES)
async def test_links_the_api_hands_out_open_without_the_token(mode: str, locked: ThreadedEmulator) -> None:
    locked.reset()
    flow = {"name": "echo", "nodes": [{"id": "start", "type": "start"}, {"id": "end", "type": "end"}]}
    workflow_id = locked.control.create_workflow(flow)["workflow_id"]
    async with open_client(mode, locked.base_url, locked.token) as client:
        result = await run(client.workflows.runs.create(workflow_id=workflow_id, parameters={}))
        history = await run(  # the public API keeps its bearer tokens, no control token involved
            client.workflows.runs.run_histories.retrieve(
                workflow_id=workflow_id, execute_id=result.execute_id
            )
        )
    assert history.execute_id == result.execute_id
    page = httpx.get(result.debug_url, timeout=10)
    assert page.status_code == 200 and result.execute_id in page.text
    refused(httpx.get(result.debug_url, headers={"Origin": "https://evil.example"}, timeout=10))
    refused(control(locked, "GET", "/faults"), status=401, code=4100)


# -- how it is started ---------------------------------------------------------------------------


def test_the_emulator_binds_loopback_unless_told_otherwise(emu: ThreadedEmulator) -> None:
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    assert emu.base_url.startswith("http://127.0.0.1:")
    result = CliRunner().invoke(cli_app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--host", "--control-token", "--allow-host", "127.0.0.1"):
        assert option in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_python_m_takes_a_control_token(tmp_path: Any) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "cozekit.emulator", "--port", str(port), "--data-dir", str(tmp_path)]
    proc = subprocess.Popen(
        [*args, "--control-token", SECRET],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COZEKIT_EMULATOR_OPENAI_BASE_URL": ""},
    )
    try:
        assert proc.stdout is not None
        lines: List[str] = [proc.stdout.readline() for _ in range(7)]
        assert any(HEADER in line for line in lines) and not any(SECRET in line for line in lines)
        deadline = time.monotonic() + 10
        while True:
            try:
                first = httpx.get(base + "/_emulator/info", timeout=10)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.02)
        refused(first, status=401, code=4100)
        ok = httpx.get(base + "/_emulator/info", headers={HEADER: SECRET}, timeout=10)
        assert ok.json()["data"]["base_url"] == base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
