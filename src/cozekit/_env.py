"""Environment variables the SDK reads (an empty value counts as unset)."""

from __future__ import annotations

import os
from typing import Optional

from ._constants import ENV_STRICT_VALIDATION

__all__ = ["env", "strict_from_env"]


def env(name: str) -> Optional[str]:
    value = os.environ.get(name)
    return value if value else None


def strict_from_env() -> bool:
    """True when `$COZEKIT_STRICT_VALIDATION` is 1, true, yes or on."""
    return (env(ENV_STRICT_VALIDATION) or "").strip().lower() in ("1", "true", "yes", "on")
