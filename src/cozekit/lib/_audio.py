"""Audio plumbing for the voice helpers: what an input is (WAV or raw PCM, from a path, bytes or chunks)
and a file sink that writes as chunks arrive (a WAV header, patched at the end, for PCM into `.wav`)."""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import wave
from dataclasses import dataclass
from typing import Any, AsyncIterable, AsyncIterator, BinaryIO, Dict, Iterable, Iterator, Optional, Union

__all__ = ["AudioInput", "AudioSink", "PCMFormat", "aclose_source", "close_source", "open_audio"]

PathLike = Union[str, "os.PathLike[str]"]
AudioSource = Union[PathLike, bytes, Iterable[bytes], AsyncIterable[bytes]]
"""A `.wav` file, a raw PCM file (any other suffix), WAV or PCM bytes, or chunks of raw PCM."""


@dataclass(frozen=True)
class PCMFormat:
    """Linear PCM: rate in Hz, channels, bits per sample."""

    sample_rate: int = 24000
    channels: int = 1
    bit_depth: int = 16

    def __post_init__(self) -> None:
        if self.sample_rate <= 0 or self.channels not in (1, 2) or self.bit_depth not in (8, 16, 24):
            raise ValueError(f"unsupported PCM format {self}")

    @property
    def bytes_per_second(self) -> int:
        return self.sample_rate * self.channels * self.bit_depth // 8

    def chunk_bytes(self, chunk_ms: int) -> int:
        """Bytes in `chunk_ms` of audio, whole frames."""
        if chunk_ms <= 0:
            raise ValueError("chunk_ms must be > 0")
        frame = self.channels * self.bit_depth // 8
        return max(frame, self.bytes_per_second * chunk_ms // 1000 // frame * frame)

    def input_audio(self) -> Dict[str, Any]:
        """The `input_audio` object of `chat.update` / `transcriptions.update`."""
        return {
            "format": "pcm",
            "codec": "pcm",
            "sample_rate": self.sample_rate,
            "channel": self.channels,
            "bit_depth": self.bit_depth,
        }


@dataclass
class AudioInput:
    """An audio source resolved: its PCM format and its chunks (sync or async iterator)."""

    format: PCMFormat
    chunks: Any


def _wav_chunks(stream: BinaryIO, chunk_bytes: int) -> Iterator[bytes]:
    with stream, wave.open(stream, "rb") as wav:
        frame = wav.getsampwidth() * wav.getnchannels()
        while True:
            data = wav.readframes(max(1, chunk_bytes // frame))
            if not data:
                return
            yield data


def _wav_format(stream: BinaryIO) -> PCMFormat:
    with wave.open(stream, "rb") as wav:
        fmt = PCMFormat(wav.getframerate(), wav.getnchannels(), wav.getsampwidth() * 8)
    stream.seek(0)
    return fmt


def _file_chunks(path: PathLike, chunk_bytes: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while True:
            data = f.read(chunk_bytes)
            if not data:
                return
            yield data


def _bytes_chunks(data: bytes, chunk_bytes: int) -> Iterator[bytes]:
    for start in range(0, len(data), chunk_bytes):
        yield data[start : start + chunk_bytes]


def close_source(chunks: Any) -> None:
    """Close an audio source's chunk iterator (a generator reading a file) if it can be closed."""
    close = getattr(chunks, "close", None)
    if callable(close):
        close()


async def aclose_source(chunks: Any) -> None:
    """`close_source` for the async helpers: `aclose()` (else `close()`), awaited when it returns an
    awaitable."""
    close = getattr(chunks, "aclose", None) or getattr(chunks, "close", None)
    if callable(close):
        closing = close()
        if inspect.isawaitable(closing):
            await closing


def open_audio(source: Any, fmt: PCMFormat, chunk_ms: int) -> AudioInput:
    """Resolve `source`: a WAV (by `.wav` suffix or a RIFF header) brings its own format; anything else
    is raw PCM in `fmt`. Files are read lazily, chunk by chunk."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise FileNotFoundError(path)
        if path.lower().endswith(".wav"):
            stream: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the chunk generator
            try:
                wav_fmt = _wav_format(stream)
            except (wave.Error, EOFError) as exc:
                stream.close()
                raise ValueError(f"{path} is not a PCM WAV file: {exc}") from exc
            return AudioInput(wav_fmt, _wav_chunks(stream, wav_fmt.chunk_bytes(chunk_ms)))
        return AudioInput(fmt, _file_chunks(path, fmt.chunk_bytes(chunk_ms)))
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
            try:
                wav_fmt = _wav_format(io.BytesIO(data))
            except (wave.Error, EOFError) as exc:
                raise ValueError(f"not a PCM WAV: {exc}") from exc
            return AudioInput(wav_fmt, _wav_chunks(io.BytesIO(data), wav_fmt.chunk_bytes(chunk_ms)))
        return AudioInput(fmt, _bytes_chunks(data, fmt.chunk_bytes(chunk_ms)))
    size = fmt.chunk_bytes(chunk_ms)
    if isinstance(source, AsyncIterable):
        return AudioInput(fmt, _achunked(source, size))
    if isinstance(source, Iterable):
        return AudioInput(fmt, _chunked(source, size))
    raise TypeError(f"audio must be a path, bytes or an iterable of bytes, not {type(source).__name__}")


def _chunked(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Chunks larger than `size` are split; smaller ones pass as they are (a live source keeps its pace)."""
    for chunk in chunks:
        for start in range(0, len(chunk), size):
            yield bytes(chunk[start : start + size])


async def _achunked(chunks: AsyncIterable[bytes], size: int) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        for start in range(0, len(chunk), size):
            yield bytes(chunk[start : start + size])


class AudioSink:
    """Writes audio to `path` as it arrives, through `path.part` renamed on `finish()`; raw PCM gets a
    WAV header when `wav` is given (its sizes patched at the end)."""

    def __init__(self, path: PathLike, wav: Optional[PCMFormat] = None) -> None:
        self.path = os.fspath(path)
        self._part = self.path + ".part"
        self._file: BinaryIO = open(self._part, "wb")  # noqa: SIM115 - closed by finish/abort
        self._wav: Optional[wave.Wave_write] = None
        if wav is not None:
            self._wav = wave.open(self._file, "wb")  # noqa: SIM115 - closed by finish/abort
            self._wav.setnchannels(wav.channels)
            self._wav.setsampwidth(wav.bit_depth // 8)
            self._wav.setframerate(wav.sample_rate)
        self.audio_bytes = 0

    def write(self, chunk: bytes) -> None:
        if self._wav is not None:
            self._wav.writeframesraw(chunk)
        else:
            self._file.write(chunk)
        self.audio_bytes += len(chunk)

    def finish(self) -> None:
        if self._wav is not None:
            self._wav.close()  # patches the header's sizes
        self._file.close()
        os.replace(self._part, self.path)

    def abort(self) -> None:
        if self._wav is not None:
            with contextlib.suppress(Exception):  # the partial file is discarded anyway
                self._wav.close()
        self._file.close()
        if os.path.exists(self._part):
            os.remove(self._part)
