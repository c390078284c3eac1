"""Multi-step helpers (polling, waiting, tool loops) written once as generators of steps.

A flow yields `Call(options, parse)` or `Sleep(seconds)` and receives each call's result (or has its
error thrown in). `run_sync` and `run_async` perform the steps; nothing else differs.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Callable, Generator, Optional, TypeVar, Union

from .._base_client import AsyncAPIClient, SyncAPIClient
from .._exceptions import CozeError
from .._models import ResponseInfo
from .._request import RequestOptions

__all__ = ["Call", "Flow", "Sleep", "run_async", "run_sync"]

_R = TypeVar("_R")


@dataclass(frozen=True)
class Call:
    options: RequestOptions
    parse: Callable[[Any, ResponseInfo], Any]


@dataclass(frozen=True)
class Sleep:
    seconds: float


Flow = Generator[Union[Call, Sleep], Any, _R]


def run_sync(client: SyncAPIClient, flow: Flow[_R]) -> _R:
    value: Any = None
    error: Optional[CozeError] = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            continue
        try:
            value = client.request(step.options, step.parse)
        except CozeError as exc:
            error = exc


async def run_async(client: AsyncAPIClient, flow: Flow[_R]) -> _R:
    value: Any = None
    error: Optional[CozeError] = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        value, error = None, None
        if isinstance(step, Sleep):
            await asyncio.sleep(step.seconds)
            continue
        try:
            value = await client.request(step.options, step.parse)
        except CozeError as exc:
            error = exc
