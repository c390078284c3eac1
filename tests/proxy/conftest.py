"""The proxy served by uvicorn on a loopback port, in front of the emulator (also over a real socket)."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterator, List, Tuple

import httpx
import pytest

from cozekit import TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import HEADER_NAME, ProxyConfig, ThreadedProxy, create_proxy_app, sign_user

SECRET = "proxy-test-secret-0123456789abcdef"  # 32+ bytes, as HS256 keys should be

Events = List[Tuple[str, Any]]
MakeProxy = Callable[..., ThreadedProxy]


def as_user(user_id: str) -> Dict[str, str]:
    return {HEADER_NAME: sign_user(user_id, SECRET)}


def parse_sse(text: str) -> Events:
    """`[(event, data)]` of an SSE body, checking every frame is exactly `event:` then `data:`."""
    events: Events = []
    for frame in text.split("\n\n"):
        if not frame:
            continue
        lines = frame.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event:") and lines[1].startswith("data:"), frame
        events.append((lines[0][6:], json.loads(lines[1][5:])))
    return events


@pytest.fixture
def upstream(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator


@pytest.fixture
def make_proxy(upstream: ThreadedEmulator) -> Iterator[MakeProxy]:
    """Start a proxy for the demo bot (keyword arguments go to `create_proxy_app`)."""
    started: List[ThreadedProxy] = []

    def make(**options: Any) -> ThreadedProxy:
        options.setdefault("bots", [upstream.demo_bot_id])
        options.setdefault("secret", SECRET)
        config = ProxyConfig(auth=TokenAuth(upstream.token), base_url=upstream.base_url)
        proxy = ThreadedProxy(create_proxy_app(config, **options)).start()
        started.append(proxy)
        return proxy

    yield make
    for proxy in started:
        proxy.stop()


@pytest.fixture
def proxy(make_proxy: MakeProxy) -> ThreadedProxy:
    return make_proxy(allowed_origins=["https://shop.example"])


@pytest.fixture
def http(proxy: ThreadedProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.base_url, timeout=30) as client:
        yield client
