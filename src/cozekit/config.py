"""cozepy's `cozepy.config`: the Coze hosts and the default HTTP timeout and connection limits."""

from ._constants import COZE_CN_BASE_URL, COZE_COM_BASE_URL, DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT

__all__ = ["COZE_CN_BASE_URL", "COZE_COM_BASE_URL", "DEFAULT_CONNECTION_LIMITS", "DEFAULT_TIMEOUT"]
