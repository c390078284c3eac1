"""Audio: voices (seeded system voices and clones), speech synthesis, transcription and RTC rooms.

Transcription is deterministic: audio the emulator synthesized reads back as its text (the tone
signal carries it; espeak-ng and mp3 audio are found by hash), audio registered through the control
plane reads as its registered text, silence reads as "" and anything else as a fixed placeholder.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Dict, List, Optional, Tuple

from ..bots.backend import BotsBackend
from ..conversations.backend import ConversationsBackend
from ..core.base import Account, Backend
from ..core.errors import CozeErrors, bad_request
from .voice import opus, synth, tones
from .voice import pcm as pcmlib
from .voice.pcm import Audio

SAMPLE_RATES = (8000, 16000, 22050, 24000, 32000, 44100, 48000)
FORMATS = ("wav", "pcm", "ogg_opus", "mp3")
COMPRESSED_MAGIC = (b"OggS", b"ID3", b"#!AMR", b"fLaC", b"RIFF")
CLONE_FORMATS = ("wav", "mp3", "ogg", "m4a", "aac", "pcm")
LANGUAGES = {
    "zh": "中文",
    "en": "English",
    "ja": "日本語",
    "es": "Español",
    "id": "Bahasa Indonesia",
    "pt": "Português",
}
EMOTIONS = ("happy", "sad", "angry", "surprised", "fear", "hate", "excited", "coldness", "neutral")
MAX_TEXT_BYTES = 1024
MAX_AUDIO_BYTES = 10 * 1024 * 1024
MAX_TRAININGS = 10
DEFAULT_PREVIEW = "你好，我是你的专属AI克隆声音，希望未来可以一起好好相处哦"
RTC_APP_ID = "cozekit-emulator-rtc"
DEFAULT_VOICE_ID = "7000000000000100001"
SEEDED_AT = 1735689600


def _system_voice(
    voice_id: str, name: str, language: str, model_type: str, emotional: bool
) -> Dict[str, Any]:
    voice: Dict[str, Any] = {
        "voice_id": voice_id,
        "name": name,
        "state": "cloned",
        "model_type": model_type,
        "model_name": f"emulator-{model_type}",
        "create_time": SEEDED_AT,
        "update_time": SEEDED_AT,
        "preview_text": "你好呀" if language == "zh" else "Hello there",
        "preview_audio": "",
        "language_code": language,
        "language_name": LANGUAGES[language],
        "is_system_voice": True,
        "available_training_times": 0,
    }
    if emotional:
        interval = {"min": 1.0, "max": 5.0, "default": 4.0}
        voice["support_emotions"] = [
            {"emotion": e, "display_name": e, "emotion_scale_interval": interval} for e in EMOTIONS
        ]
    return voice


SYSTEM_VOICES = [
    _system_voice(DEFAULT_VOICE_ID, "柔美女友", "zh", "big", True),
    _system_voice("7000000000000100002", "开朗大男孩", "zh", "big", False),
    _system_voice("7000000000000100003", "Friendly Narrator", "en", "big", True),
    _system_voice("7000000000000100004", "Calm Guide", "en", "small", False),
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class AudioBackend(Backend):
    def __init__(self, bots: BotsBackend, conversations: ConversationsBackend) -> None:
        super().__init__(bots.store, bots.ids)
        self.bots = bots
        self.conversations = conversations

    # voices

    def list_voices(
        self,
        account: Account,
        filter_system_voice: bool = False,
        model_type: Optional[str] = None,
        voice_state: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 100,
    ) -> Dict[str, Any]:
        if page_num < 1 or not 1 <= page_size <= 100:
            raise bad_request("page_num must be >= 1 and page_size between 1 and 100")
        if model_type not in (None, "big", "small"):
            raise bad_request("model_type must be big or small")
        if voice_state not in (None, "init", "cloned", "all"):
            raise bad_request("voice_state must be init, cloned or all")
        own = [self._public(v) for v in self.store.find("voice", owner=account.user_id)]
        voices = own if filter_system_voice else [*SYSTEM_VOICES, *own]
        voices = [v for v in voices if model_type is None or v["model_type"] == model_type]
        voices = [v for v in voices if voice_state in (None, "all") or v["state"] == voice_state]
        start = (page_num - 1) * page_size
        return {"voice_list": voices[start : start + page_size], "has_more": len(voices) > start + page_size}

    def voice(self, account: Account, voice_id: str) -> Dict[str, Any]:
        for voice in SYSTEM_VOICES:
            if voice["voice_id"] == voice_id:
                return voice
        doc = self.store.get("voice", voice_id, owner=account.user_id)
        if doc is None:
            raise CozeErrors.PARAM_ERROR(f"voice_id {voice_id} does not exist")
        return self._public(doc)

    @staticmethod
    def _public(doc: Dict[str, Any]) -> Dict[str, Any]:
        return {k: v for k, v in doc.items() if k != "id"}

    def clone(self, account: Account, data: bytes, fields: Dict[str, Optional[str]]) -> Dict[str, str]:
        """Clone (or retrain, with `voice_id`) a voice from one recording."""
        name = fields.get("voice_name") or ""
        if not name or len(name.encode()) > 128:
            raise bad_request("voice_name is required and has at most 128 bytes")
        if not data:
            raise bad_request("file is required")
        if len(data) > MAX_AUDIO_BYTES:
            raise bad_request("the audio file exceeds 10 MB")
        fmt = fields.get("audio_format")
        if fmt and fmt not in CLONE_FORMATS:
            raise bad_request(f"audio_format must be one of {', '.join(CLONE_FORMATS)}")
        language = fields.get("language") or "zh"
        if language not in LANGUAGES:
            raise bad_request(f"language must be one of {', '.join(LANGUAGES)}")
        text = fields.get("text")
        if text is not None and len(text.encode()) > MAX_TEXT_BYTES:
            raise bad_request("text has at most 1024 bytes")
        if text:
            heard = self.recognize(data)
            if heard is not None and _normal(heard) != _normal(text):
                raise CozeErrors.AUDIO_TEXT_MISMATCH()
        now = self.now()
        voice_id = fields.get("voice_id")
        with self.store.transaction():
            if voice_id:
                doc = self.store.get("voice", voice_id, owner=account.user_id, lock=True)  # training count
                if doc is None:
                    raise CozeErrors.PARAM_ERROR(f"voice_id {voice_id} does not exist or is not yours")
                if doc["available_training_times"] <= 0:
                    raise CozeErrors.PARAM_ERROR(f"voice {voice_id} has been trained {MAX_TRAININGS} times")
                doc["available_training_times"] -= 1
            else:
                voice_id = self.ids.next()
                doc = {
                    "id": voice_id,
                    "voice_id": voice_id,
                    "create_time": now,
                    "is_system_voice": False,
                    "available_training_times": MAX_TRAININGS - 1,
                    "model_type": "big",
                    "model_name": "emulator-clone",
                    "state": "cloned",
                    "preview_audio": "",
                }
            doc.update(
                name=name,
                update_time=now,
                preview_text=fields.get("preview_text") or DEFAULT_PREVIEW,
                language_code=language,
                language_name=LANGUAGES[language],
                description=fields.get("description") or "",
                space_id=fields.get("space_id") or "",
            )
            write = self.store.update if fields.get("voice_id") else self.store.insert
            write("voice", doc, owner=account.user_id)
        return {"voice_id": voice_id}

    # speech

    def speech(
        self,
        account: Account,
        text: str,
        voice_id: str,
        response_format: str = "mp3",
        sample_rate: int = 24000,
        speed: float = 1.0,
        loudness_rate: int = 0,
        emotion: Optional[str] = None,
        emotion_scale: Optional[float] = None,
    ) -> Tuple[bytes, str]:
        """The audio file and its media type."""
        check_text(text)
        voice = self.voice(account, voice_id)
        if response_format not in FORMATS:
            raise bad_request(f"response_format must be one of {', '.join(FORMATS)}")
        check_rate(sample_rate)
        if not 0.2 <= speed <= 3:
            raise bad_request("speed must be between 0.2 and 3")
        if not -50 <= loudness_rate <= 100:
            raise bad_request("loudness_rate must be between -50 and 100")
        if emotion is not None:
            supported = [e["emotion"] for e in voice.get("support_emotions") or []]
            if emotion not in supported:
                raise bad_request(f"voice {voice_id} does not support emotion {emotion!r}")
        if emotion_scale is not None and not 1 <= emotion_scale <= 5:
            raise bad_request("emotion_scale must be between 1 and 5")
        pcm = self.synthesize(text, sample_rate, voice_id, speed, loudness_rate)
        try:
            data, media_type = synth.encode(pcm, sample_rate, response_format)
        except synth.UnsupportedFormat:
            raise bad_request(
                f"response_format {response_format} needs an audio encoder the emulator lacks"
                f" ({'lameenc' if response_format == 'mp3' else 'av'}): pip install 'cozekit[emulator]'"
            ) from None
        self.register(data, text)
        return data, media_type

    def synthesize(
        self,
        text: str,
        rate: int,
        voice_id: str = DEFAULT_VOICE_ID,
        speed: float = 1.0,
        loudness_rate: int = 0,
    ) -> bytes:
        """Mono 16-bit PCM for `text`, remembered so that transcription finds it again."""
        pcm = synth.synthesize(text, rate, voice_id, speed, loudness_rate)
        self.register(pcm, text, raw_pcm=True)
        return pcm

    # transcription

    def register(self, audio: bytes, text: str, raw_pcm: bool = False) -> None:
        """Remember what `audio` says: by its exact bytes, and by its trimmed samples."""
        keys = {sha(audio)}
        decoded = Audio(audio, 0) if raw_pcm else pcmlib.parse_wav(audio)
        if decoded is not None:
            keys.add(sha(pcmlib.trim(decoded.pcm)))
        elif not is_compressed(audio):
            keys.add(sha(pcmlib.trim(audio)))
        with self.store.transaction():
            for key in keys:
                self.store.upsert("transcript", {"id": key, "text": text}, owner="")

    def register_hash(self, digest: str, text: str) -> None:
        self.store.upsert("transcript", {"id": digest.lower(), "text": text}, owner="")

    def _known(self, data: bytes) -> Optional[str]:
        doc = self.store.get("transcript", sha(data))
        return None if doc is None else str(doc["text"])

    def recognize(self, data: bytes, rate: Optional[int] = None) -> Optional[str]:
        """The text of audio the emulator knows (synthesized or registered); None otherwise."""
        known = self._known(data)
        if known is not None:
            return known
        candidates = _candidates(data, rate)
        for audio in candidates:
            text = tones.decode(audio.pcm, audio.rate)
            if text is not None:
                return text
        return self._known(pcmlib.trim(candidates[0].pcm)) if candidates else None

    def transcribe(self, data: bytes, rate: Optional[int] = None) -> str:
        """Deterministic text for any audio (wav, a compressed file, or raw 16-bit PCM at `rate`)."""
        text = self.recognize(data, rate)
        if text is not None:
            return text
        candidates = _candidates(data, rate)
        if not data or (candidates and pcmlib.is_silent(candidates[0].pcm)):
            return ""
        return f"unrecognized speech ({sha(data)[:12]})"

    def transcribe_upload(self, data: bytes) -> Dict[str, str]:
        if not data:
            raise bad_request("file is required")
        if len(data) > MAX_AUDIO_BYTES:
            raise bad_request("the audio file exceeds 10 MB")
        return {"text": self.transcribe(data)}

    # rooms

    def create_room(
        self,
        account: Account,
        bot_id: str,
        conversation_id: Optional[str] = None,
        voice_id: Optional[str] = None,
        uid: Optional[str] = None,
        config: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, str]:
        self.bots.for_chat(account, bot_id, None)
        if conversation_id:
            self.conversations.get(account, conversation_id)
        if voice_id:
            self.voice(account, voice_id)
        check_room_config(config or {})
        room: Dict[str, Any] = {
            "id": f"room_{self.ids.next()}",
            "bot_id": bot_id,
            "conversation_id": conversation_id or "",
            "voice_id": voice_id or DEFAULT_VOICE_ID,
            "uid": uid or f"uid_{self.ids.next()}",
            "config": config or {},
            "token": secrets.token_urlsafe(24),
            "created_at": self.now(),
        }
        self.store.insert("room", room, owner=account.user_id)
        return {"room_id": room["id"], "app_id": RTC_APP_ID, "token": room["token"], "uid": str(room["uid"])}


def check_text(text: str) -> None:
    if not text:
        raise bad_request("input is required")
    if len(text.encode()) > MAX_TEXT_BYTES:
        raise CozeErrors.TEXT_TOO_LONG(limit=MAX_TEXT_BYTES)


def check_rate(rate: int) -> None:
    if rate not in SAMPLE_RATES:
        raise bad_request(f"sample_rate must be one of {', '.join(map(str, SAMPLE_RATES))}")


def check_room_config(config: Dict[str, Any]) -> None:
    allowed = {
        ("room_mode",): ("default", "podcast"),
        ("audio_config", "codec"): ("AACLC", "G711A", "OPUS", "G722"),
        ("video_config", "codec"): ("H264", "BYTEVC1"),
        ("video_config", "stream_video_type"): ("main", "screen"),
        ("turn_detection", "type"): ("server_vad", "client_interrupt", "semantic_vad"),
    }
    for path, values in allowed.items():
        node: Any = config
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None and node not in values:
            raise bad_request(f"config.{'.'.join(path)} must be one of {', '.join(values)}")
    delay = config.get("prologue_delay_duration_ms")
    if delay is not None and not 0 <= int(delay) <= 5000:
        raise bad_request("config.prologue_delay_duration_ms must be between 0 and 5000")
    video = config.get("video_config") or {}
    if video.get("video_frame_rate") is not None and not 1 <= int(video["video_frame_rate"]) <= 24:
        raise bad_request("config.video_config.video_frame_rate must be between 1 and 24")


def is_compressed(data: bytes) -> bool:
    """Whether `data` starts like a compressed audio file (ogg/opus, mp3, m4a/mp4, aac, amr, flac)."""
    mpeg_sync = len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0  # mp3 and ADTS aac
    return mpeg_sync or data.startswith(COMPRESSED_MAGIC) or data[4:8] == b"ftyp"


def _candidates(data: bytes, rate: Optional[int]) -> List[Audio]:
    """The ways to read `data` as PCM: a WAV, a compressed file (decoded with PyAV), or raw PCM at
    `rate` (or, without one, at each documented rate)."""
    wav = pcmlib.parse_wav(data)
    if wav is not None:
        return [wav]
    if is_compressed(data):
        if not opus.available():
            raise bad_request(
                "compressed audio (ogg, mp3, m4a...) needs the av package: pip install 'cozekit[emulator]'"
            )
        decoded = opus.decode_file(data)
        return [] if decoded is None else [decoded]
    return [Audio(data, r) for r in _rates(rate)]


def _rates(rate: Optional[int]) -> List[int]:
    return [rate] if rate else [24000, 16000, 8000, 48000, 44100, 32000, 22050]


def _normal(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
