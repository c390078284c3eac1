"""Emulator settings: streaming pace, body limits and the optional OpenAI-compatible model."""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, Optional

MB = 1024 * 1024
ENV_PREFIX = "COZEKIT_EMULATOR_OPENAI_"


@dataclasses.dataclass
class EmulatorConfig:
    """Knobs of one emulator; the control plane can change the first five at run time."""

    chunk_size: int = 8
    """Characters per `conversation.message.delta` of the default model."""
    chunk_delay: float = 0.0
    """Seconds to wait before each delta (0 in tests; `serve` uses a small delay)."""
    max_body_bytes: int = 15 * MB
    max_upload_bytes: int = 512 * MB
    follow_ups: Optional[bool] = None
    """Force follow-up suggestions on (True) or off (False); None follows each bot's settings."""
    openai_base_url: Optional[str] = None
    openai_api_key: Optional[str] = None
    openai_model: Optional[str] = None

    @classmethod
    def from_env(cls, **overrides: Any) -> EmulatorConfig:
        """Defaults plus the `COZEKIT_EMULATOR_OPENAI_*` environment variables, then `overrides`."""
        cfg = cls(
            openai_base_url=os.environ.get(ENV_PREFIX + "BASE_URL") or None,
            openai_api_key=os.environ.get(ENV_PREFIX + "API_KEY") or None,
            openai_model=os.environ.get(ENV_PREFIX + "MODEL") or None,
        )
        return dataclasses.replace(cfg, **overrides)

    def public(self) -> Dict[str, Any]:
        """What the control plane shows (never the API key)."""
        out = dataclasses.asdict(self)
        out["chunk_delay_ms"] = int(self.chunk_delay * 1000)
        out.pop("chunk_delay")
        out["openai_api_key"] = "***" if self.openai_api_key else None
        return out
