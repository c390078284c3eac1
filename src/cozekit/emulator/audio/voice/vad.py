"""Server-side turn detection for `/v1/chat`: speech starts on a loud frame and stops after
`silence_duration_ms` of silence; the turn keeps `prefix_padding_ms` of audio before the start."""

from __future__ import annotations

from typing import List, Tuple

from .pcm import SILENCE, samples

FRAME_MS = 10
Event = Tuple[str, bytes]
"""("speech_started", b"") or ("speech_stopped", the turn's PCM)."""


class TurnDetector:
    def __init__(self, rate: int, silence_ms: int = 500, prefix_ms: int = 600) -> None:
        self.frame = max(2, 2 * rate * FRAME_MS // 1000)
        self.silence_frames = max(1, silence_ms // FRAME_MS)
        self.prefix_frames = max(0, prefix_ms // FRAME_MS)
        self.pending = b""
        self.prefix: List[bytes] = []
        self.turn: List[bytes] = []
        self.quiet = 0
        self.speaking = False

    def feed(self, pcm: bytes) -> List[Event]:
        """The turn events the audio so far completes."""
        self.pending += pcm
        events: List[Event] = []
        while len(self.pending) >= self.frame:
            frame, self.pending = self.pending[: self.frame], self.pending[self.frame :]
            loud = any(abs(v) > SILENCE for v in samples(frame))
            if not self.speaking:
                self.prefix = ([*self.prefix, frame])[-(self.prefix_frames + 1) :]
                if loud:
                    self.speaking, self.turn, self.quiet = True, list(self.prefix), 0
                    self.prefix = []
                    events.append(("speech_started", b""))
                continue
            self.turn.append(frame)
            self.quiet = 0 if loud else self.quiet + 1
            if self.quiet >= self.silence_frames:
                events.append(("speech_stopped", b"".join(self.turn)))
                self.speaking, self.turn = False, []
        return events

    def flush(self) -> bytes:
        """The unfinished turn (if any), ending detection."""
        turn = b"".join(self.turn) + (self.pending if self.speaking else b"")
        self.speaking, self.turn, self.pending, self.prefix = False, [], b"", []
        return turn

    def clear(self) -> None:
        self.flush()
