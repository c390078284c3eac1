"""cozepy's logging helpers (`from cozepy.log import setup_logging, log_info`), for the `cozekit` logger.

Importing this module installs nothing: `setup_logging(level)` is what attaches a stderr handler (once),
sets the level, and stops records from also reaching the root logger's handlers, as cozepy's does.
"""

from __future__ import annotations

import logging

__all__ = [
    "formatter",
    "handler",
    "log_debug",
    "log_error",
    "log_fatal",
    "log_info",
    "log_warning",
    "logger",
    "setup_logging",
]

logger = logging.getLogger("cozekit")
formatter = logging.Formatter(
    "[cozekit][%(levelname)s][%(asctime)s] %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
)
handler = logging.StreamHandler()
handler.setFormatter(formatter)

_LEVELS = frozenset(
    {logging.FATAL, logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG, logging.NOTSET}
)


def setup_logging(level: int = logging.WARNING) -> None:
    """Print the SDK's log records at `level` and above to stderr, one `[cozekit][LEVEL][time]` line each.

    `level` is one of logging's named levels (`logging.DEBUG`...); anything else raises `ValueError`.
    Tokens are never logged.
    """
    if level not in _LEVELS:
        raise ValueError(f"invalid log level: {level}")
    if handler not in logger.handlers:
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level)


log_fatal = logger.fatal
log_error = logger.error
log_warning = logger.warning
log_info = logger.info
log_debug = logger.debug
