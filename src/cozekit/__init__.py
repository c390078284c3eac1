"""cozekit: a Python SDK for the Coze OpenAPI, with a local Coze emulator."""

from ._version import __version__

__all__ = ["__version__"]
