from __future__ import annotations

import pytest


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run a test once with `Coze` and once with `AsyncCoze`."""
    return str(request.param)
