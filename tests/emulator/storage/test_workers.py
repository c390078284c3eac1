"""`python -m cozekit.emulator --workers 2` on one SQLite data dir, and on one PostgreSQL database:
hundreds of concurrent creates (conversations, messages, non-stream chats, file uploads) from threads land
on both worker processes with no error and no duplicate id, and every acknowledged write is listed after."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator

from ..child_emulator import child_emulator

THREADS = 8
ROUNDS = 10
TOKEN = ThreadedEmulator.token
BOT = ThreadedEmulator.demo_bot_id
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A 2-worker emulator in a child process; yields its base URL."""
    args = ["--data-dir", str(tmp_path)]
    if request.param == "postgresql":
        args += ["--database-url", request.getfixturevalue("postgres_url")]
    env = {**os.environ, "COZEKIT_EMULATOR_OPENAI_BASE_URL": "", "COZEKIT_EMULATOR_DATABASE_URL": ""}
    with child_emulator(args, tmp_path / "server.log", env) as base:
        yield base


class Load:
    """What the threads created (ids by kind) and any failure they met."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: Dict[str, List[str]] = {"conversation": [], "message": [], "chat": [], "file": []}
        self.chat_conversations: List[str] = []
        self.messages_of: List[Tuple[str, str]] = []
        self.pids: set[int] = set()
        self.errors: List[str] = []


def _ok(resp: httpx.Response) -> Dict[str, Any]:
    body: Dict[str, Any] = resp.json()
    if resp.status_code != 200 or body.get("code") != 0:
        raise AssertionError(f"{resp.request.method} {resp.request.url.path}: {resp.status_code} {body}")
    data: Dict[str, Any] = body["data"]
    return data


def _work(base: str, load: Load, t: int) -> None:
    # no keep-alive: every request opens a connection, which either worker may accept
    with httpx.Client(
        base_url=base, headers=AUTH, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
    ) as http:
        for r in range(ROUNDS):
            try:
                conv = _ok(http.post("/v1/conversation/create", json={"bot_id": BOT}))
                msg = _ok(
                    http.post(
                        "/v1/conversation/message/create",
                        params={"conversation_id": conv["id"]},
                        json={"role": "user", "content": f"t{t} r{r}", "content_type": "text"},
                    )
                )
                chat = _ok(
                    http.post(
                        "/v3/chat",
                        json={
                            "bot_id": BOT,
                            "user_id": f"user{t}",
                            "stream": False,
                            "additional_messages": [
                                {"role": "user", "content": f"hello {t}/{r}", "content_type": "text"}
                            ],
                        },
                    )
                )
                note = (f"n{t}-{r}.txt", b"note %d" % r, "text/plain")
                file = _ok(http.post("/v1/files/upload", files={"file": note}))
                pid = http.get("/_emulator/info").json()["data"]["worker_pid"]
            except Exception as exc:
                with load.lock:
                    load.errors.append(f"thread {t} round {r}: {exc}")
                continue
            with load.lock:
                load.ids["conversation"].append(conv["id"])
                load.ids["message"].append(msg["id"])
                load.ids["chat"].append(chat["id"])
                load.ids["file"].append(file["id"])
                load.chat_conversations.append(chat["conversation_id"])
                load.messages_of.append((conv["id"], msg["id"]))
                load.pids.add(pid)


def _listed_conversations(http: httpx.Client) -> List[str]:
    ids: List[str] = []
    page = 1
    while True:
        data = _ok(http.get("/v1/conversations", params={"bot_id": BOT, "page_num": page, "page_size": 50}))
        ids += [c["id"] for c in data["conversations"]]
        if not data["has_more"]:
            return ids
        page += 1


def _chat_status(http: httpx.Client, conversation_id: str, chat_id: str) -> Optional[str]:
    data = _ok(http.get("/v3/chat/retrieve", params={"conversation_id": conversation_id, "chat_id": chat_id}))
    status: Optional[str] = data.get("status")
    return status


def test_two_workers_share_one_database(server: str) -> None:
    load = Load()
    threads = [threading.Thread(target=_work, args=(server, load, t)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert load.errors == []
    assert load.pids and len(load.pids) == 2, load.pids  # both workers took writes
    every = [i for ids in load.ids.values() for i in ids] + load.chat_conversations
    assert len(every) == len(set(every)) == 5 * THREADS * ROUNDS
    assert all(len(i) == 19 and i.isdigit() for i in every)

    with httpx.Client(base_url=server, headers=AUTH, timeout=60) as http:
        listed = _listed_conversations(http)
        assert len(listed) == len(set(listed))
        assert set(load.ids["conversation"]) | set(load.chat_conversations) <= set(listed)
        for conv_id, msg_id in load.messages_of:
            messages = _ok(http.post("/v1/conversation/message/list", params={"conversation_id": conv_id}))
            assert [m["id"] for m in messages] == [msg_id]
        for conv_id, chat_id in zip(load.chat_conversations, load.ids["chat"]):
            assert _chat_status(http, conv_id, chat_id) in ("in_progress", "completed")
        for file_id in load.ids["file"]:
            assert _ok(http.get("/v1/files/retrieve", params={"file_id": file_id}))["id"] == file_id

        refused = http.post("/_emulator/reset")
        assert refused.status_code == 409 and "2 workers" in refused.json()["msg"]
        assert http.post("/_emulator/faults", json={"kind": "error"}).status_code == 409
        assert http.get("/_emulator/config").json()["data"]["workers"] == 2


def test_a_chunk_delay_set_at_start_holds_in_every_worker(tmp_path: Path) -> None:
    """`PATCH /_emulator/config` is refused with two workers; a delay given at start (here from the
    environment; `--chunk-delay-ms` in tests/cli/test_cli_serve.py) is every worker's."""
    env = {**os.environ, "COZEKIT_EMULATOR_OPENAI_BASE_URL": "", "COZEKIT_EMULATOR_DATABASE_URL": ""}
    env["COZEKIT_EMULATOR_CHUNK_DELAY_MS"] = "3"
    with child_emulator(["--data-dir", str(tmp_path)], tmp_path / "server.log", env) as base:
        delays: Dict[int, set[int]] = {}
        while len(delays) < 2:  # fresh connections until both workers have answered
            info = httpx.get(base + "/_emulator/info", timeout=5).json()["data"]
            delays.setdefault(info["worker_pid"], set()).add(info["config"]["chunk_delay_ms"])
        assert list(delays.values()) == [{3}, {3}]
        refused = httpx.patch(base + "/_emulator/config", json={"chunk_delay_ms": 0}, timeout=5)
        assert refused.status_code == 409
        with httpx.Client(base_url=base, headers=AUTH, timeout=60) as http:
            body = {
                "bot_id": BOT,
                "user_id": "u",
                "stream": True,
                "additional_messages": [{"role": "user", "content": "hi", "content_type": "text"}],
            }
            streamed = http.post("/v3/chat", json=body)
            assert streamed.status_code == 200 and streamed.text.rstrip().endswith('"[DONE]"')
