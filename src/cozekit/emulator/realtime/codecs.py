"""The audio a socket sends (PCM, G.711 or Opus deltas) and the audio it takes (PCM, WAV, G.711, Opus)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..audio.voice import opus, synth, tones
from ..audio.voice import pcm as pcmlib
from .audio_config import decode_input, encode_output, frame_bytes, is_opus_input, output_rate


def output_frames(pcm: bytes, output: Dict[str, Any]) -> List[bytes]:
    """The audio deltas for `pcm` (made at `output_rate(output)`): `frame_size_ms` slices of PCM or
    G.711; for opus one raw Opus packet a delta, `opus_config.frame_size_ms` long; for mp3 the pieces
    of one MP3 stream the encoder gives for each 100 ms (`mp3_config.bit_rate`, 8-320 kbit/s)."""
    if output.get("codec") == "opus":
        config = output.get("opus_config") or {}
        encoder = opus.PacketEncoder(
            output_rate(output),
            bitrate=int(config.get("bitrate") or 48000),
            frame_ms=float(config.get("frame_size_ms") or 10),
            cbr=bool(config.get("use_cbr")),
        )
        return encoder.encode(pcm) + encoder.flush()
    if output.get("codec") == "mp3":
        kbps = int((output.get("mp3_config") or {}).get("bit_rate") or 64000) // 1000
        piece = 2 * output_rate(output) // 10  # 100 ms of PCM a piece
        return synth.mp3_pieces(pcm, output_rate(output), max(8, min(320, kbps)), piece)
    audio = encode_output(pcm, output)
    step = frame_bytes(output)
    return [audio[start : start + step] for start in range(0, len(audio), step)]


class InputDecoder:
    """Input deltas to mono 16-bit PCM at the input rate. Opus needs state: an Ogg stream is split into
    pages as it comes, and raw packets (one a delta) are decoded in order; their PCM is kept."""

    def __init__(self, config: Dict[str, Any]) -> None:
        self.config = config
        self.rate = int(config["sample_rate"])
        self.ogg = opus.OggPackets() if config.get("format") == "ogg" else None
        self.opus = opus.PacketDecoder(self.rate) if is_opus_input(config) else None
        self.pcm = b""
        """Everything decoded so far (opus only)."""

    def feed(self, chunk: bytes) -> bytes:
        if self.opus is None:
            wav = pcmlib.parse_wav(chunk)
            return wav.pcm if wav is not None else decode_input(chunk, self.config)
        packets = self.ogg.feed(chunk) if self.ogg is not None else [chunk]
        pcm = b"".join(self.opus.decode(packet) for packet in packets)
        self.pcm += pcm
        return pcm

    def whole(self, buffer: bytes) -> bytes:
        """The audio file to transcribe for all of `buffer` (the deltas so far, joined): an Ogg
        stream as it is, else WAV."""
        if self.ogg is not None:
            return buffer
        if self.opus is not None:
            return pcmlib.wav_bytes(self.pcm, self.rate)
        if pcmlib.parse_wav(buffer) is not None:
            return buffer
        return pcmlib.wav_bytes(decode_input(buffer, self.config), self.rate)


class Recognizer:
    """What a session that listens (transcriptions, simultaneous interpretation) keeps to show the text
    heard while audio arrives: the `input` config, its decoder and the tone reader (None: made anew)."""

    input: Dict[str, Any]
    decoder: Optional[InputDecoder]
    reader: Optional[tones.Reader]

    def _partial(self, chunk: bytes) -> Optional[str]:
        """The text decoded so far (each chunk is analysed once)."""
        if self.decoder is None:
            self.decoder = InputDecoder(self.input)
        if self.reader is None:
            wav = None if is_opus_input(self.input) else pcmlib.parse_wav(chunk)
            self.reader = tones.Reader(wav.rate if wav is not None else self.decoder.rate)
        return self.reader.feed(self.decoder.feed(chunk)).text(partial=True)
