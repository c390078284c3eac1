"""cozepy's `cozepy.util` helpers, for programs that import them (`write_pcm_to_wav_file` above all)."""

from __future__ import annotations

import base64
import enum
import inspect
import os
import secrets
import wave
from builtins import anext  # cozepy's util re-exports the builtin (and backported it for 3.9)
from typing import Any, BinaryIO, Dict, List, Mapping, Union

from pydantic import BaseModel

from .auth._requests import code_challenge

__all__ = [
    "anext",
    "base64_encode_string",
    "dump_exclude_none",
    "gen_s256_code_challenge",
    "get_methods",
    "get_model_default",
    "http_base_url_to_ws",
    "random_hex",
    "remove_none_values",
    "remove_url_trailing_slash",
    "write_pcm_to_wav_file",
]


def base64_encode_string(s: str) -> str:
    """`s` as UTF-8, standard base64."""
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def random_hex(length: int) -> str:
    """`length` random lowercase hex digits."""
    return secrets.token_hex((length + 1) // 2)[:length]


def gen_s256_code_challenge(code_verifier: str) -> str:
    """The PKCE S256 `code_challenge` of `code_verifier`."""
    return code_challenge(code_verifier, "S256")


def remove_url_trailing_slash(base_url: str) -> str:
    return base_url.rstrip("/") if base_url else base_url


def http_base_url_to_ws(base_url: str) -> str:
    """The WebSocket host of a REST base URL: `https://api.coze.cn` → `wss://ws.coze.cn`.

    Unlike cozepy's, a plain `http://` URL (a local emulator) maps to `ws://` instead of raising.
    """
    from .websockets._endpoint import websocket_base_url  # lazy: loads the websockets package

    if not base_url:
        raise ValueError("base_url cannot be empty")
    return websocket_base_url(base_url)


def remove_none_values(d: Mapping[str, Any]) -> Dict[str, Any]:
    """`d` without its None values."""
    return {k: v for k, v in d.items() if v is not None}


def dump_exclude_none(d: Any) -> Any:
    """`d` as plain JSON-ready data: models dumped, enums as their values, None values dropped."""
    if isinstance(d, BaseModel):
        return dump_exclude_none(d.model_dump(exclude_none=True))
    if isinstance(d, enum.Enum):
        return d.value
    if isinstance(d, Mapping):
        return {k: dump_exclude_none(v) for k, v in d.items() if v is not None}
    if isinstance(d, list):
        return [dump_exclude_none(v) for v in d if v is not None]
    return d


def write_pcm_to_wav_file(
    pcm_data: bytes,
    filepath: Union[str, os.PathLike[str], BinaryIO],
    channels: int = 1,
    sample_width: int = 2,
    frame_rate: int = 24000,
) -> None:
    """Write raw little-endian PCM (by default 24 kHz, 16-bit, mono: what Coze's voice APIs send) as a
    WAV file. For audio still arriving, `cozekit.lib.synthesize(..., wav=True)` writes as it streams."""
    target = os.fspath(filepath) if isinstance(filepath, (str, os.PathLike)) else filepath
    with wave.open(target, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(sample_width)
        wav.setframerate(frame_rate)
        wav.writeframes(pcm_data)


def get_methods(cls: Any, prefix: str = "on") -> List[Dict[str, Any]]:
    """The methods of `cls` whose names start with `prefix`: `{"function", "parameters", "type"}` each,
    `parameters` without `self`/`cls` (how cozepy finds the `on_*` callbacks of an event handler)."""
    found: List[Dict[str, Any]] = []
    for name in dir(cls):
        if not name.startswith(prefix):
            continue
        attr = getattr(cls, name)
        if not (inspect.ismethod(attr) or inspect.isfunction(attr)):
            continue
        raw = inspect.getattr_static(cls, name)
        params = list(inspect.signature(attr).parameters.values())  # a bound method's lacks self/cls
        if isinstance(raw, staticmethod):
            kind = "staticmethod"
        elif isinstance(raw, classmethod):
            kind = "classmethod"
        else:
            kind = "instancemethod"
            if inspect.isfunction(attr) and params:  # looked up on the class: drop `self`
                params = params[1:]
        found.append({"function": attr, "parameters": params, "type": kind})
    return found


def get_model_default(model: type, field_name: str) -> Any:
    """The default of `field_name` on the pydantic model class `model` (None if it has none)."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    field = model.model_fields.get(field_name)
    if field is None:
        return None
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    return field.default if field.default is not None else None
