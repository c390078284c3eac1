"""Checking and completing the `input_audio` / `output_audio` objects of session updates."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Dict

from ..backends.audio import DEFAULT_VOICE_ID, SAMPLE_RATES
from ..errors import bad_request

INPUT_DEFAULTS = {"format": "wav", "codec": "pcm", "sample_rate": 24000, "channel": 1, "bit_depth": 16}
OUTPUT_DEFAULTS: Dict[str, Any] = {
    "codec": "pcm",
    "pcm_config": {"sample_rate": 24000},
    "speech_rate": 0,
    "loudness_rate": 0,
    "voice_id": DEFAULT_VOICE_ID,
}


def input_audio(current: Dict[str, Any], update: Dict[str, Any]) -> Dict[str, Any]:
    merged = {**current, **{k: v for k, v in update.items() if v is not None}}
    if merged["format"] not in ("pcm", "wav", "ogg"):
        raise bad_request("input_audio.format must be pcm, wav or ogg")
    if merged["format"] == "ogg" or merged["codec"] != "pcm":
        raise bad_request("the emulator takes pcm audio (format pcm or wav, codec pcm)")
    if merged["sample_rate"] not in SAMPLE_RATES:
        raise bad_request("input_audio.sample_rate is not a supported rate")
    if merged["channel"] not in (1, 2):
        raise bad_request("input_audio.channel must be 1 or 2")
    if merged["bit_depth"] not in (8, 16, 24):
        raise bad_request("input_audio.bit_depth must be 8, 16 or 24")
    return merged


def output_audio(current: Dict[str, Any], update: Dict[str, Any]) -> Dict[str, Any]:
    merged = {**current, **{k: v for k, v in update.items() if v is not None}}
    pcm_config = {**current.get("pcm_config", {}), **(update.get("pcm_config") or {})}
    merged["pcm_config"] = pcm_config
    if merged["codec"] != "pcm":
        raise bad_request(f"output_audio.codec {merged['codec']} is not supported by the emulator; use pcm")
    if pcm_config.get("sample_rate", 24000) not in SAMPLE_RATES:
        raise bad_request("output_audio.pcm_config.sample_rate is not a supported rate")
    frame = pcm_config.get("frame_size_ms")
    if frame is not None and not 0 <= float(frame) <= 1000:
        raise bad_request("output_audio.pcm_config.frame_size_ms must be between 0 and 1000")
    for key in ("speech_rate", "loudness_rate"):
        if not -50 <= int(merged.get(key) or 0) <= 100:
            raise bad_request(f"output_audio.{key} must be between -50 and 100")
    return merged


def speed_of(output: Dict[str, Any]) -> float:
    """`speech_rate` (-50..100) as a speed factor (0.5..2)."""
    return 1 + int(output.get("speech_rate") or 0) / 100


def frame_bytes(output: Dict[str, Any]) -> int:
    """How many PCM bytes go in one audio delta (default 100 ms)."""
    rate = int(output["pcm_config"].get("sample_rate", 24000))
    ms = float(output["pcm_config"].get("frame_size_ms") or 100)
    return max(2, int(rate * ms / 1000) * 2)


def audio_delta(data: Dict[str, Any]) -> bytes:
    delta = data.get("delta")
    if not isinstance(delta, str):
        raise bad_request("data.delta must be base64 audio")
    try:
        return base64.b64decode(delta, validate=True)
    except (binascii.Error, ValueError):
        raise bad_request("data.delta is not valid base64") from None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
