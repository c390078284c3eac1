"""Knowledge-base tests over real sockets: each SDK test runs with `Coze` and with `AsyncCoze`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator

POLL = {"poll_interval": 0.01, "poll_timeout": 20.0}
"""Fast polling; the timeout only guards against a hang."""


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> Iterator[ThreadedEmulator]:
    coze_emulator.state.knowledge.set_embedder(None)  # BM25 only, even where a local model exists
    yield coze_emulator
    coze_emulator.control.configure_ingestion(hold=False)


@pytest.fixture
def raw(emu: ThreadedEmulator) -> Iterator[httpx.Client]:
    """Plain HTTP for what the SDK refuses to send."""
    with httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}, timeout=10
    ) as http:
        yield http
