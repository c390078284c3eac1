"""Helpers for the emulator tests: an authenticated httpx client, a strict SSE reader, spoken audio."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any, Dict, List, Optional, Tuple

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import pcm, tones

from .postgres_server import PostgresServer

FRAME = re.compile(r"event:([^\n]+)\ndata:([^\n]*)\n\n")
Event = Tuple[str, Any]


def parse_sse(raw: str) -> List[Event]:
    """Split a chat stream into (event, data) pairs, failing on anything but exact framing."""
    events: List[Event] = []
    pos = 0
    while pos < len(raw):
        match = FRAME.match(raw, pos)
        assert match, f"bad framing at {pos}: {raw[pos : pos + 80]!r}"
        events.append((match.group(1), json.loads(match.group(2))))
        pos = match.end()
    return events


class Api:
    """An httpx client for one account, plus chat shortcuts."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def call(self, method: str, path: str, **kw: Any) -> Dict[str, Any]:
        resp = self.http.request(method, path, **kw)
        assert resp.headers["content-type"].startswith("application/json"), resp.text
        body: Dict[str, Any] = resp.json()
        assert body["detail"]["logid"] == resp.headers["x-tt-logid"]
        return body

    def ok(self, method: str, path: str, **kw: Any) -> Any:
        body = self.call(method, path, **kw)
        assert body["code"] == 0, body
        return body.get("data")

    def stream(
        self, bot_id: str, text: str, conversation_id: Optional[str] = None, **body: Any
    ) -> List[Event]:
        payload = {
            "bot_id": bot_id,
            "user_id": "u1",
            "stream": True,
            "additional_messages": [{"role": "user", "content": text, "content_type": "text"}],
            **body,
        }
        params = {"conversation_id": conversation_id} if conversation_id else {}
        resp = self.http.post("/v3/chat", params=params, json=payload)
        assert resp.headers["content-type"] == "text/event-stream", resp.text
        return parse_sse(resp.text)

    def wait(self, conversation_id: str, chat_id: str, timeout: float = 5.0) -> Dict[str, Any]:
        """Poll retrieve until the chat leaves created/in_progress."""
        deadline = time.monotonic() + timeout
        while True:
            chat: Dict[str, Any] = self.ok(
                "GET", "/v3/chat/retrieve", params={"conversation_id": conversation_id, "chat_id": chat_id}
            )
            if chat["status"] not in ("created", "in_progress") or time.monotonic() > deadline:
                return chat
            time.sleep(0.01)


def chat_of(events: List[Event], name: str = "conversation.chat.completed") -> Dict[str, Any]:
    data: Dict[str, Any] = next(d for e, d in events if e == name)
    return data


def spoken(text: str, rate: int = 16000, voice_id: str = "tester") -> bytes:
    """A WAV file the emulator will transcribe as `text`."""
    return pcm.wav_bytes(tones.encode(text, rate, voice_id), rate)


@pytest.fixture
def api(emu: ThreadedEmulator) -> Iterator[Api]:
    client = Api(emu.base_url, emu.token)
    yield client
    client.http.close()


@pytest.fixture
def other(emu: ThreadedEmulator) -> Iterator[Api]:
    """A second, isolated account."""
    account = emu.control.create_account("mallory")
    client = Api(emu.base_url, account["token"])
    yield client
    client.http.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on a free loopback port for the whole run (started on first use)."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """The URL of a fresh, empty database on the test PostgreSQL server."""
    return postgres.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_state(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    """An emulator's state (no server) on a SQLite file, and on a fresh PostgreSQL database: for races
    between backend calls on two threads, as the thread pool and several workers run them."""
    from cozekit.emulator import create_app
    from cozekit.emulator.core.config import EmulatorConfig

    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    state = create_app(EmulatorConfig(database_url=url), data_dir=str(tmp_path)).state.emulator
    try:
        yield state
    finally:
        state.store.close()
        state.blobs.close()
