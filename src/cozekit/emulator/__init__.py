"""The cozekit Coze emulator: a local server speaking the Coze OpenAPI.

>>> from cozekit.emulator import ThreadedEmulator
>>> with ThreadedEmulator() as emu:
...     print(emu.base_url, emu.token, emu.demo_bot_id)

Needs the `testing` extra (fastapi, uvicorn, python-multipart, pyyaml); the `emulator` extra adds the
audio codecs and document parsers. Imports are lazy so that the pytest plugin can load without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .control.client import Control, ControlClient
    from .control.oauth_client import OAuthControl, OAuthControlClient
    from .core.config import EmulatorConfig
    from .server import ThreadedEmulator, serve
    from .workflows.engine.loader import example_workflows

__all__ = [
    "Control",
    "ControlClient",
    "EmulatorConfig",
    "OAuthControl",
    "OAuthControlClient",
    "ThreadedEmulator",
    "create_app",
    "example_workflows",
    "serve",
]

_HOMES = {
    "create_app": ".app",
    "EmulatorConfig": ".core.config",
    "Control": ".control.client",
    "ControlClient": ".control.client",
    "OAuthControl": ".control.oauth_client",
    "OAuthControlClient": ".control.oauth_client",
    "ThreadedEmulator": ".server",
    "serve": ".server",
    "example_workflows": ".workflows.engine.loader",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name], __name__), name)
