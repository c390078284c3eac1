from __future__ import annotations

from typing import Iterator

import pytest

from .odd_server import OddServer


@pytest.fixture
def odd() -> Iterator[OddServer]:
    server = OddServer().start()
    try:
        yield server
    finally:
        server.stop()
