"""The lenient-reading tests' server: odd answers over a loopback socket, as Coze's would come."""

from __future__ import annotations

from typing import Iterator

import pytest

from fake_server import FakeServer


@pytest.fixture
def odd() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server
