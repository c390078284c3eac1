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
