"""Multi-step operations (polling, waiting, the device flow, workflow runs, voice turns) written once,
sans I/O.

A flow is a generator that yields steps and receives each step's result (or has its error thrown in); a
sub-flow is entered with `yield from`. The steps:

- `Call(options, parse)`: one whole request (retries, auth and errors as for any request);
- `Sleep(seconds)`: `time.sleep` or `asyncio.sleep`;
- `Consume(options, decode, on_event, take)`: a stream request read to its end, each event handed to
  the caller's `on_event` and then to the flow's own `take`;
- `Invoke(function)`: call the caller's code; an async runner awaits an awaitable result, a sync runner
  refuses one;
- `Emit(item)`: hand `item` to whoever iterates the flow; the flow resumes when the next item is asked for.

The client that owns the connection runs a flow: `SyncAPIClient.run_flow` or `await
AsyncAPIClient.run_flow` (its result), `iter_flow` for a flow that emits (its items, as they come); the
same runner performs every request's own steps, so nothing else differs between sync and async. The
voice helpers' WebSocket flows (`lib/_voice_flow.py`) are such flows: their session's methods and event
queue are `Invoke` steps (sync or async callables), their pacing is `Sleep`, their items `Emit`. The
WebSocket connection (`websockets/_connection.py`) is a flow too, of socket steps that the same runner
hands to a link (`_run(flow, perform=link.perform)`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Generator, Optional, TypeVar, Union

from ._request import RequestOptions
from ._response import ResponseInfo
from ._streaming import EventDecoder

__all__ = ["Call", "Consume", "Emit", "Flow", "Invoke", "Sleep", "invoke_async", "invoke_sync"]

_R = TypeVar("_R")


@dataclass(frozen=True)
class Call:
    """Send one request and parse its answer."""

    options: RequestOptions
    parse: Callable[[Any, ResponseInfo], Any]


@dataclass(frozen=True)
class Sleep:
    """Wait `seconds`."""

    seconds: float


@dataclass(frozen=True)
class Consume:
    """Send a stream request and read it to its end: each event goes to `on_event` (the caller's; an
    async runner awaits an awaitable result, a sync runner ignores the result) and then to `take` (the
    flow's bookkeeping, which may raise). The stream is closed however it ends; the result is None."""

    options: RequestOptions
    decode: EventDecoder[Any]
    on_event: Optional[Callable[[Any], Any]]
    take: Callable[[Any], None]


@dataclass(frozen=True)
class Invoke:
    """Call `function()` (the caller's code) and send its result into the flow; `async_api` names what to
    use instead when a sync runner gets an awaitable."""

    function: Callable[[], Any]
    async_api: str = "AsyncCoze"


@dataclass(frozen=True)
class Emit:
    """Hand `item` to the flow's caller (`iter_flow`); the runner pauses the flow here and resumes it (with
    None) when the caller asks for the next item."""

    item: Any


Flow = Generator[Union[Call, Sleep, Consume, Invoke, Emit], Any, _R]


def invoke_sync(step: Invoke) -> Any:
    value = step.function()
    if inspect.isawaitable(value):
        getattr(value, "close", lambda: None)()  # a coroutine nobody will await
        raise TypeError(f"an async callback needs {step.async_api}")
    return value


async def invoke_async(step: Invoke) -> Any:
    value = step.function()
    if inspect.isawaitable(value):
        value = await value
    return value
