"""Client factories for both SDKs (cozepy imported quietly: it warns about authlib on import)."""

from __future__ import annotations

import warnings
from typing import Any


def cozepy() -> Any:
    """The `cozepy` module."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cozepy

    return cozepy


def cozekit_sync(url: str, token: str = "pat_bench") -> Any:
    import cozekit

    return cozekit.Coze(auth=cozekit.TokenAuth(token), base_url=url)


def cozekit_async(url: str, token: str = "pat_bench") -> Any:
    import cozekit

    return cozekit.AsyncCoze(auth=cozekit.TokenAuth(token), base_url=url)


def cozepy_sync(url: str, token: str = "pat_bench") -> Any:
    mod = cozepy()
    return mod.Coze(auth=mod.TokenAuth(token), base_url=url)


def cozepy_async(url: str, token: str = "pat_bench") -> Any:
    mod = cozepy()
    return mod.AsyncCoze(auth=mod.AsyncTokenAuth(token), base_url=url)


def preload() -> None:
    """Imports what the figures run in the benchmark's own process use (both SDKs, their clients and
    the resources the figures call), so that the run can move it out of the collector's way at once."""
    from cozekit import Message  # noqa: F401

    for make in (cozekit_sync, cozepy_sync):
        client = make("http://127.0.0.1:9")
        for name in ("chat", "conversations", "files"):
            getattr(client, name)
        close = getattr(client, "close", None)
        if close is not None:
            close()
    cozekit_async("http://127.0.0.1:9")
    cozepy_async("http://127.0.0.1:9")
