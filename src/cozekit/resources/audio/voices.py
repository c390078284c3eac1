"""`coze.audio.voices`: list system and cloned voices, clone a voice from a recording."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Unpack

from ..._parsing import model
from ..._paths import require
from ..._request import CallOptions, RequestOptions, get
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...pagination import AsyncPager, NumberPaging, SyncPager
from ...types.audio import AudioFormat, Voice, VoiceModelType, VoiceState
from .._body import to_json
from .._validate import check_page_size
from ..files import FileInput, open_upload
from ._upload import check_audio_size

__all__ = ["AsyncVoices", "Voices"]


def _list(
    filter_system_voice: bool,
    model_type: Optional[str],
    voice_state: Optional[str],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[Voice]:
    check_page_size(page_size, 100)

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "filter_system_voice": filter_system_voice,
            "model_type": model_type,
            "voice_state": voice_state,
            "page_num": num,
            "page_size": size,
        }
        return get("/v1/audio/voices", params).with_call_options(options)

    return NumberPaging(Voice, "voice_list", request, page_num=page_num, page_size=page_size)


def _check_clone(voice_name: str, text: Optional[str], file: FileInput) -> None:
    require(voice_name=voice_name)
    if len(voice_name.encode()) > 128:
        raise ValueError("voice_name has at most 128 bytes")
    if text is not None and len(text.encode()) > 1024:
        raise ValueError("text has at most 1024 bytes")
    check_audio_size(file)


class Voices(SyncAPIResource):
    """Voices for speech synthesis and voice chats."""

    def list(
        self,
        *,
        filter_system_voice: bool = False,
        model_type: Optional[VoiceModelType] = None,
        voice_state: Optional[VoiceState] = None,
        page_num: int = 1,
        page_size: int = 100,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Voice]:
        """Voices, page by page; iterate for all of them."""
        paging = _list(filter_system_voice, model_type, voice_state, page_num, page_size, options)
        return SyncPager(self._client, paging)

    def clone(
        self,
        *,
        voice_name: str,
        file: FileInput,
        audio_format: AudioFormat,
        language: Optional[str] = None,
        voice_id: Optional[str] = None,
        preview_text: Optional[str] = None,
        text: Optional[str] = None,
        space_id: Optional[str] = None,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> Voice:
        """Clone a voice from a 10–30 s recording (at most 10 MB); pass `voice_id` to retrain one.

        >>> coze.audio.voices.clone(voice_name="me", file="me.mp3", audio_format=AudioFormat.MP3)
        """
        _check_clone(voice_name, text, file)
        fields = _clone_fields(locals())
        with open_upload(file, None, "/v1/audio/voices/clone", options, **fields) as opts:
            return self._client.request(opts, model(Voice))


class AsyncVoices(AsyncAPIResource):
    def list(
        self,
        *,
        filter_system_voice: bool = False,
        model_type: Optional[VoiceModelType] = None,
        voice_state: Optional[VoiceState] = None,
        page_num: int = 1,
        page_size: int = 100,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Voice]:
        paging = _list(filter_system_voice, model_type, voice_state, page_num, page_size, options)
        return AsyncPager(self._client, paging)

    async def clone(
        self,
        *,
        voice_name: str,
        file: FileInput,
        audio_format: AudioFormat,
        language: Optional[str] = None,
        voice_id: Optional[str] = None,
        preview_text: Optional[str] = None,
        text: Optional[str] = None,
        space_id: Optional[str] = None,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> Voice:
        _check_clone(voice_name, text, file)
        fields = _clone_fields(locals())
        with open_upload(file, None, "/v1/audio/voices/clone", options, **fields) as opts:
            return await self._client.request(opts, model(Voice))


_CLONE_FIELDS = (
    "voice_name",
    "audio_format",
    "language",
    "voice_id",
    "preview_text",
    "text",
    "space_id",
    "description",
)


def _clone_fields(values: dict[str, object]) -> dict[str, object]:
    return {name: to_json(values[name]) for name in _CLONE_FIELDS}
