"""The `wire` fixture of the resource wire tests: a fake server answering a client of the test's `mode`."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import pytest

from fake_server import TOKEN, FakeServer, ok


class Wire(FakeServer):
    """A fake server (answers queued with `reply`, then `ok()`) bound to one kind of client."""

    def __init__(self, mode: str) -> None:
        super().__init__(default=ok())
        self.mode = mode

    async def call(self, fn: Callable[[Any], Any]) -> Any:
        """`fn(client)`, awaited if need be."""
        return await self.run(self.mode, fn)

    async def items(self, fn: Callable[[Any], Any]) -> List[Any]:
        """Every item of the pager `fn(client)` makes."""
        return await self.collect(self.mode, fn)

    def json(self, index: int = -1) -> Any:
        return self.body(index)

    def check(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Dict[str, str]] = None,
        body: Any = None,
        index: int = -1,
    ) -> None:
        """The request's method, path, query and JSON body, and that it carried the token."""
        request = self.requests[index]
        assert request.method == method
        assert request.url.path == path
        assert self.query(index) == (query or {})
        assert self.body(index) == body
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        if body is not None:
            assert request.headers["content-type"] == "application/json"


@pytest.fixture
def wire(mode: str) -> Wire:
    return Wire(mode)
