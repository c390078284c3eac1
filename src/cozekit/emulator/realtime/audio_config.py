"""Checking and completing the `input_audio` / `output_audio` objects of session updates."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Dict

from ..audio.backend import DEFAULT_VOICE_ID, SAMPLE_RATES
from ..audio.voice import g711, opus, synth
from ..audio.voice import pcm as pcmlib
from ..core.errors import bad_request
from .pacing import check_limit

G711 = ("g711a", "g711u")

INPUT_DEFAULTS = {"format": "wav", "codec": "pcm", "sample_rate": 24000, "channel": 1, "bit_depth": 16}
OUTPUT_DEFAULTS: Dict[str, Any] = {
    "codec": "pcm",
    "pcm_config": {"sample_rate": 24000},
    "speech_rate": 0,
    "loudness_rate": 0,
    "voice_id": DEFAULT_VOICE_ID,
}


def input_audio(current: Dict[str, Any], update: Dict[str, Any], g711: bool = False) -> Dict[str, Any]:
    """The merged input config; with `g711` (voice chat), G.711 audio is taken too (pcm format, 8 kHz)."""
    merged = {**current, **{k: v for k, v in update.items() if v is not None}}
    if merged["format"] not in ("pcm", "wav", "ogg"):
        raise bad_request("input_audio.format must be pcm, wav or ogg")
    if g711 and merged["codec"] in G711:
        merged.update(format="pcm", sample_rate=8000)
    elif merged["codec"] not in ("pcm", "opus"):
        codecs = "pcm, opus, g711a or g711u" if g711 else "pcm or opus"
        raise bad_request(f"input_audio.codec must be {codecs}")
    if is_opus_input(merged):
        _need_av()
    if merged["sample_rate"] not in SAMPLE_RATES:
        raise bad_request("input_audio.sample_rate is not a supported rate")
    if merged["channel"] not in (1, 2):
        raise bad_request("input_audio.channel must be 1 or 2")
    if merged["bit_depth"] not in (8, 16, 24):
        raise bad_request("input_audio.bit_depth must be 8, 16 or 24")
    return merged


def output_audio(current: Dict[str, Any], update: Dict[str, Any], g711: bool = False) -> Dict[str, Any]:
    """The merged output config; with `g711` (voice chat), G.711 output too (8 kHz)."""
    merged = {**current, **{k: v for k, v in update.items() if v is not None}}
    pcm_config = {**current.get("pcm_config", {}), **(update.get("pcm_config") or {})}
    merged["pcm_config"] = pcm_config
    if g711 and merged["codec"] in G711:
        pcm_config["sample_rate"] = 8000
    elif merged["codec"] == "opus":
        _need_av()
        merged["opus_config"] = _opus_config(current, update)
    elif g711 and merged["codec"] == "mp3":
        if not synth.mp3_available():
            raise bad_request("mp3 audio needs the lameenc package (pip install 'cozekit[emulator]')")
        merged["mp3_config"] = _mp3_config(current, update)
    elif merged["codec"] != "pcm":
        codecs = "pcm, opus, mp3, g711a or g711u" if g711 else "pcm or opus"
        raise bad_request(
            f"output_audio.codec {merged['codec']} is not supported by the emulator; use {codecs}"
        )
    if pcm_config.get("sample_rate", 24000) not in SAMPLE_RATES:
        raise bad_request("output_audio.pcm_config.sample_rate is not a supported rate")
    frame = pcm_config.get("frame_size_ms")
    if frame is not None and not 0 <= float(frame) <= 1000:
        raise bad_request("output_audio.pcm_config.frame_size_ms must be between 0 and 1000")
    check_limit(pcm_config, "pcm_config")
    for key in ("speech_rate", "loudness_rate"):
        if not -50 <= int(merged.get(key) or 0) <= 100:
            raise bad_request(f"output_audio.{key} must be between -50 and 100")
    return merged


def _opus_config(current: Dict[str, Any], update: Dict[str, Any]) -> Dict[str, Any]:
    config = {**(current.get("opus_config") or {}), **(update.get("opus_config") or {})}
    if int(config.get("sample_rate") or 24000) not in opus.OPUS_RATES:
        raise bad_request("output_audio.opus_config.sample_rate must be 8000, 12000, 16000, 24000 or 48000")
    if float(config.get("frame_size_ms") or 10) not in opus.FRAME_MS:
        raise bad_request("output_audio.opus_config.frame_size_ms must be 2.5, 5, 10, 20, 40 or 60")
    if not 500 <= int(config.get("bitrate") or 48000) <= 512000:
        raise bad_request("output_audio.opus_config.bitrate must be between 500 and 512000")
    check_limit(config, "opus_config")
    return config


def _mp3_config(current: Dict[str, Any], update: Dict[str, Any]) -> Dict[str, Any]:
    config = {**(current.get("mp3_config") or {}), **(update.get("mp3_config") or {})}
    if int(config.get("sample_rate") or 44100) not in (32000, 44100, 48000):
        raise bad_request("output_audio.mp3_config.sample_rate must be 32000, 44100 or 48000")
    if not 8000 <= int(config.get("bit_rate") or 64000) <= 1600000:
        raise bad_request("output_audio.mp3_config.bit_rate must be between 8000 and 1600000")
    return config


def is_opus_input(config: Dict[str, Any]) -> bool:
    """Whether input audio is Opus: an Ogg stream (format ogg), or raw packets (codec opus), one a delta."""
    return config.get("format") == "ogg" or config.get("codec") == "opus"


def _need_av() -> None:
    if not opus.available():
        raise bad_request("opus audio needs the av package (pip install 'cozekit[emulator]')")


def output_rate(output: Dict[str, Any]) -> int:
    """The sample rate speech is made at for `output` (opus_config's, mp3_config's, else pcm_config's)."""
    if output.get("codec") == "opus":
        return int((output.get("opus_config") or {}).get("sample_rate") or 24000)
    if output.get("codec") == "mp3":
        return int((output.get("mp3_config") or {}).get("sample_rate") or 44100)
    return int(output["pcm_config"].get("sample_rate", 24000))


def speed_of(output: Dict[str, Any]) -> float:
    """`speech_rate` (-50..100) as a speed factor (0.5..2)."""
    return 1 + int(output.get("speech_rate") or 0) / 100


def frame_bytes(output: Dict[str, Any]) -> int:
    """How many bytes go in one audio delta (default 100 ms): 2 per sample, 1 for G.711."""
    rate = int(output["pcm_config"].get("sample_rate", 24000))
    ms = float(output["pcm_config"].get("frame_size_ms") or 100)
    width = 1 if output.get("codec") in G711 else 2
    return max(width, int(rate * ms / 1000) * width)


def encode_output(pcm: bytes, output: Dict[str, Any]) -> bytes:
    codec = str(output.get("codec"))
    return g711.encode(pcm, codec) if codec in G711 else pcm


def decode_input(raw: bytes, config: Dict[str, Any]) -> bytes:
    """Input audio (no WAV header) as mono 16-bit PCM."""
    codec = str(config.get("codec"))
    if codec in G711:
        return g711.decode(raw, codec)
    return pcmlib.mono16(raw, int(config["channel"]), int(config["bit_depth"]) // 8)


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
