"""Emulator settings: streaming pace, body limits and the optional OpenAI-compatible model."""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Dict, Optional, Tuple

MB = 1024 * 1024
ENV_PREFIX = "COZEKIT_EMULATOR_OPENAI_"
CONTROL_TOKEN_ENV = "COZEKIT_EMULATOR_CONTROL_TOKEN"
STRICT_ENV = "COZEKIT_EMULATOR_STRICT_REQUESTS"
CALLBACK_HOSTS_ENV = "COZEKIT_EMULATOR_CALLBACK_HOSTS"
DATABASE_URL_ENV = "COZEKIT_EMULATOR_DATABASE_URL"
"""A database URL for the emulator's state (`postgresql://user:pass@host/db`), instead of SQLite."""
FILES_URL_ENV = "COZEKIT_EMULATOR_FILES_URL"
"""Where uploaded bytes live (`s3://bucket/prefix`), instead of files in the data directory."""
CHUNK_DELAY_ENV = "COZEKIT_EMULATOR_CHUNK_DELAY_MS"
"""Milliseconds `serve` waits before each streamed delta (`--chunk-delay-ms`; default 20)."""
CONTROL_TOKEN_HEADER = "X-Cozekit-Control-Token"
"""The header that carries the control token (`--control-token`)."""


@dataclasses.dataclass
class EmulatorConfig:
    """Knobs of one emulator; the control plane can change the first six at run time."""

    chunk_size: int = 8
    """Characters per `conversation.message.delta` of the default model."""
    chunk_delay: float = 0.0
    """Seconds to wait before each delta (0 in tests; `serve` uses a small delay)."""
    max_body_bytes: int = 15 * MB
    max_workflow_body_bytes: int = 20 * MB
    """Workflow APIs take larger bodies than the rest (doc pages coze_api_overview, workflow_run)."""
    max_upload_bytes: int = 512 * MB
    follow_ups: Optional[bool] = None
    """Force follow-up suggestions on (True) or off (False); None follows each bot's settings."""
    openai_base_url: Optional[str] = None
    openai_api_key: Optional[str] = None
    openai_model: Optional[str] = None
    control_token: Optional[str] = None
    """When set, `/_emulator/` requests must carry it in the `X-Cozekit-Control-Token` header (all but
    the links the API hands out: a run's debug_url, document and bill files)."""
    allowed_hosts: Tuple[str, ...] = ()
    """`Host` names the control plane answers besides localhost, 127.0.0.1 and [::1] (the bind host is
    added by `serve`); any other name is refused, which defeats DNS rebinding."""
    allowed_origins: Tuple[str, ...] = ()
    """Browser origins (`http://host:port`) allowed to call the control plane besides the server's own."""

    callback_hosts: Tuple[str, ...] = ()
    """Host names callbacks may be posted to besides loopback (localhost, 127.0.0.0/8, ::1)."""
    callback_retries: int = 3
    """Retries of a callback whose POST fails or answers other than HTTP 200."""
    callback_backoff: float = 1.0
    """Seconds before the first retry; doubled before each next one."""
    callback_timeout: float = 3.0
    """Seconds a callback receiver has to answer (Coze: 3 s, 10 s for bot.published)."""

    workers: int = 1
    """Worker processes serving this emulator (`--workers`); above 1 the control plane refuses what each
    worker keeps in its own memory (scripted replies, faults, settings, reset: docs/deployment.md)."""
    database_url: Optional[str] = None
    """Keep state in this database (`postgresql://...`, or `sqlite:///path`) instead of the SQLite file in
    the data directory (or memory); read when the emulator starts (`--database-url`)."""

    files_url: Optional[str] = None
    """Keep uploaded bytes in this S3-compatible bucket (`s3://bucket/prefix`, the `s3` extra) instead of
    files under the data directory, so several hosts share them; read when the emulator starts
    (`--files-url`)."""
    s3_endpoint_url: Optional[str] = None
    """The S3-compatible server of `files_url` (MinIO...; `--s3-endpoint-url`); None: boto3's settings
    (`AWS_ENDPOINT_URL`, else AWS). Credentials and region come from boto3's settings."""

    strict_requests: bool = False
    """Refuse (4000) a JSON body field the endpoint does not know, instead of ignoring it as Coze does;
    unknown fields are recorded either way (`GET /_emulator/unknown_fields`)."""

    @classmethod
    def from_env(cls, **overrides: Any) -> EmulatorConfig:
        """Defaults plus the `COZEKIT_EMULATOR_OPENAI_*`, `COZEKIT_EMULATOR_CONTROL_TOKEN`,
        `COZEKIT_EMULATOR_STRICT_REQUESTS`, `COZEKIT_EMULATOR_CALLBACK_HOSTS`,
        `COZEKIT_EMULATOR_DATABASE_URL` and `COZEKIT_EMULATOR_FILES_URL` environment variables, then
        `overrides`."""
        cfg = cls(
            openai_base_url=os.environ.get(ENV_PREFIX + "BASE_URL") or None,
            openai_api_key=os.environ.get(ENV_PREFIX + "API_KEY") or None,
            openai_model=os.environ.get(ENV_PREFIX + "MODEL") or None,
            control_token=os.environ.get(CONTROL_TOKEN_ENV) or None,
            strict_requests=os.environ.get(STRICT_ENV, "").lower() in ("1", "true", "yes"),
            database_url=os.environ.get(DATABASE_URL_ENV) or None,
            files_url=os.environ.get(FILES_URL_ENV) or None,
            callback_hosts=tuple(
                h.strip() for h in os.environ.get(CALLBACK_HOSTS_ENV, "").split(",") if h.strip()
            ),
        )
        return dataclasses.replace(cfg, **overrides)

    def update(self, **changes: Any) -> None:
        """Change settings in place: every backend holding this config sees the new values."""
        changed = dataclasses.replace(self, **changes)
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(changed, field.name))

    def restore(self, defaults: EmulatorConfig) -> None:
        """Back to `defaults`, in place."""
        self.update(**{f.name: getattr(defaults, f.name) for f in dataclasses.fields(defaults)})

    def public(self) -> Dict[str, Any]:
        """What the control plane shows (never the API key)."""
        out = dataclasses.asdict(self)
        out["chunk_delay_ms"] = int(self.chunk_delay * 1000)
        out.pop("chunk_delay")
        out["openai_api_key"] = "***" if self.openai_api_key else None
        out["control_token"] = "***" if self.control_token else None
        out["database_url"] = _without_password(self.database_url)
        out["s3_endpoint_url"] = _without_password(self.s3_endpoint_url)
        out["allowed_hosts"] = list(self.allowed_hosts)
        out["allowed_origins"] = list(self.allowed_origins)
        out["callback_hosts"] = list(self.callback_hosts)
        return out


def _without_password(url: Optional[str]) -> Optional[str]:
    """A database URL fit to show: its password replaced by `***`."""
    if not url or "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
