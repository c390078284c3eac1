"""Multi-step operations (polling, waiting, the device flow) written once, sans I/O.

A flow is a generator that yields `Call(options, parse)` or `Sleep(seconds)` and receives each call's
result (or has its error thrown in); a sub-flow is entered with `yield from`. The client that owns the
connection runs it: `SyncAPIClient.run_flow` or `await AsyncAPIClient.run_flow`, the same runner that
performs every request's own steps, so nothing else differs between sync and async.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generator, TypeVar, Union

from ._request import RequestOptions
from ._response import ResponseInfo

__all__ = ["Call", "Flow", "Sleep"]

_R = TypeVar("_R")


@dataclass(frozen=True)
class Call:
    """Send one request and parse its answer (retries, auth and errors as for any request)."""

    options: RequestOptions
    parse: Callable[[Any, ResponseInfo], Any]


@dataclass(frozen=True)
class Sleep:
    """Wait `seconds` (`time.sleep` or `asyncio.sleep`, as the runner is sync or async)."""

    seconds: float


Flow = Generator[Union[Call, Sleep], Any, _R]
