"""Helpers above the raw API: stream accumulation and the local-plugin loop."""

from .chat_stream import ChatStreamAccumulator, text_deltas
from .local_plugins import LocalPluginError, arun_with_local_plugins, run_with_local_plugins

__all__ = [
    "ChatStreamAccumulator",
    "LocalPluginError",
    "arun_with_local_plugins",
    "run_with_local_plugins",
    "text_deltas",
]
