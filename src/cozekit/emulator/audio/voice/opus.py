"""Opus (raw packets and Ogg Opus files) and compressed audio files, through PyAV.

PyAV (`av`, in the `emulator` extra) is imported only when one of these runs, so the emulator starts
without paying for ffmpeg. Everything here speaks mono 16-bit PCM on the other side.
"""

from __future__ import annotations

import importlib
import io
from typing import Any, List, Optional

from .pcm import Audio

OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
"""The rates an Opus encoder takes."""
FRAME_MS = (2.5, 5.0, 10.0, 20.0, 40.0, 60.0)


class CodecUnavailable(Exception):
    """PyAV is not installed."""


def _av() -> Any:
    try:
        return importlib.import_module("av")
    except ImportError:
        raise CodecUnavailable("the av package is not installed") from None


def available() -> bool:
    try:
        _av()
    except CodecUnavailable:
        return False
    return True


def opus_rate(rate: int) -> int:
    """The Opus encoder rate for `rate`: itself when Opus takes it, else the next one up (48 kHz at most)."""
    return next((r for r in OPUS_RATES if r >= rate), OPUS_RATES[-1])


def _frame(av: Any, pcm: bytes, rate: int, pts: int) -> Any:
    pcm = pcm[: len(pcm) - len(pcm) % 2]
    frame = av.AudioFrame(format="s16", layout="mono", samples=len(pcm) // 2)
    frame.planes[0].update(pcm)
    frame.sample_rate = rate
    frame.pts = pts
    return frame


def _pcm(frames: List[Any]) -> bytes:
    return b"".join(bytes(f.planes[0])[: 2 * f.samples] for f in frames)


def ogg_opus(pcm: bytes, rate: int, bitrate: int = 48000) -> bytes:
    """An Ogg Opus file of `pcm` (mono 16-bit at `rate`), encoded at `opus_rate(rate)`."""
    av = _av()
    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=opus_rate(rate), layout="mono")
        stream.bit_rate = bitrate
        for packet in stream.encode(_frame(av, pcm, rate, 0)):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def decode_file(data: bytes, rate: Optional[int] = None) -> Optional[Audio]:
    """A compressed audio file (ogg/opus, mp3, m4a, ...) as mono 16-bit PCM at `rate` (default: the
    file's own); None when PyAV is missing or cannot read it."""
    try:
        av = _av()
    except CodecUnavailable:
        return None
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            target = rate or stream.codec_context.sample_rate or 48000
            resampler = av.AudioResampler(format="s16", layout="mono", rate=target)
            frames: List[Any] = []
            for frame in container.decode(stream):
                frames += resampler.resample(frame)
            frames += resampler.resample(None)
    except (av.error.FFmpegError, ValueError, IndexError):
        return None
    return Audio(_pcm(frames), target)


class PacketEncoder:
    """Mono 16-bit PCM in, raw Opus packets out (one per `frame_ms`)."""

    def __init__(self, rate: int, bitrate: int = 48000, frame_ms: float = 10.0, cbr: bool = False) -> None:
        av = _av()
        self.av = av
        self.rate = rate
        self.pts = 0
        self.context = av.CodecContext.create("libopus", "w")
        self.context.sample_rate = opus_rate(rate)
        self.context.layout = "mono"
        self.context.format = "s16"
        self.context.bit_rate = bitrate
        self.context.options = {"frame_duration": f"{frame_ms:g}", "vbr": "off" if cbr else "on"}

    def encode(self, pcm: bytes) -> List[bytes]:
        frame = _frame(self.av, pcm, self.rate, self.pts)
        self.pts += frame.samples
        return [bytes(p) for p in self.context.encode(frame)]

    def flush(self) -> List[bytes]:
        return [bytes(p) for p in self.context.encode(None)]


class PacketDecoder:
    """Raw Opus packets in, mono 16-bit PCM at `rate` out."""

    def __init__(self, rate: int) -> None:
        av = _av()
        self.av = av
        self.context = av.CodecContext.create("libopus", "r")
        self.context.sample_rate = opus_rate(rate)
        self.context.layout = "mono"
        self.resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)

    def decode(self, packet: bytes) -> bytes:
        """The PCM of one packet; a packet libopus cannot read decodes to nothing."""
        try:
            frames = self.context.decode(self.av.Packet(packet))
        except self.av.error.FFmpegError:
            return b""
        out: List[Any] = []
        for frame in frames:
            out += self.resampler.resample(frame)
        return _pcm(out)


class OggPackets:
    """Splits a growing Ogg stream into its packets (the Opus head and tags packets left out)."""

    def __init__(self) -> None:
        self.data = b""
        self.partial = b""

    def feed(self, chunk: bytes) -> List[bytes]:
        self.data += chunk
        packets: List[bytes] = []
        while True:
            start = self.data.find(b"OggS")
            if start < 0 or len(self.data) < start + 27:
                return packets
            count = self.data[start + 26]
            if len(self.data) < start + 27 + count:
                return packets
            lacing = self.data[start + 27 : start + 27 + count]
            body = start + 27 + count
            if len(self.data) < body + sum(lacing):
                return packets
            for size in lacing:
                self.partial += self.data[body : body + size]
                body += size
                if size < 255:
                    if not self.partial.startswith((b"OpusHead", b"OpusTags")):
                        packets.append(self.partial)
                    self.partial = b""
            self.data = self.data[body:]
