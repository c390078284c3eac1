"""Every public sync resource method has an async twin with the same parameters."""

from __future__ import annotations

import inspect
from typing import List, Tuple

import cozekit
from cozekit import AsyncCoze, Coze, TokenAuth

RESOURCES = [
    "chat",
    "conversations",
    "files",
    "bots",
    "apps",
    "folders",
    "entities",
    "variables",
    "plugins",
    "stores",
    "workspaces",
    "users",
    "workflows",
    "datasets",
    "audio",
    "api_apps",
    "connectors",
    "enterprises",
    "organizations",
    "commerce",
]


def _walk(obj: object, prefix: str) -> List[Tuple[str, object]]:
    found: List[Tuple[str, object]] = []
    for name, member in inspect.getmembers(type(obj)):
        if name.startswith("_"):
            continue
        if isinstance(member, property) or hasattr(member, "func") or name in ("messages", "feedback"):
            child = getattr(obj, name)
            if isinstance(child, (cozekit._resource.SyncAPIResource, cozekit._resource.AsyncAPIResource)):
                found += _walk(child, f"{prefix}.{name}")
                continue
        if inspect.isfunction(member):
            found.append((f"{prefix}.{name}", getattr(obj, name)))
    return found


def _returns_stream_call(method: object) -> bool:
    return "AsyncStreamCall" in str(inspect.signature(method).return_annotation)  # type: ignore[arg-type]


def test_every_sync_method_has_an_async_twin_with_the_same_parameters() -> None:
    sync = Coze(TokenAuth("t"), "http://127.0.0.1:1")
    asyn = AsyncCoze(TokenAuth("t"), "http://127.0.0.1:1")
    checked = 0
    for resource in RESOURCES:
        sync_methods = dict(_walk(getattr(sync, resource), resource))
        async_methods = dict(_walk(getattr(asyn, resource), resource))
        assert sync_methods.keys() == async_methods.keys(), resource
        for name, method in sync_methods.items():
            twin = async_methods[name]
            assert list(inspect.signature(method).parameters.values()) == list(
                inspect.signature(twin).parameters.values()
            ), name
            assert (
                inspect.iscoroutinefunction(twin)
                or name.endswith(".list")
                or name.endswith(".list_versions")
                or (name.endswith("_stream") and inspect.isasyncgenfunction(twin))  # cozepy's generators
                or _returns_stream_call(twin)  # awaited, or iterated directly as in cozepy
            ), name
            checked += 1
    assert checked >= 30
