"""`coze.audio.transcriptions`: speech to text for one audio file (at most 10 MB, under 30 minutes)."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Unpack

from ..._parsing import model
from ..._request import CallOptions
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...types.audio import CreateTranscriptionsResp
from ..files import FileInput, open_upload
from ._upload import check_audio_size

__all__ = ["AsyncTranscriptions", "Transcriptions"]

_PATH = "/v1/audio/transcriptions"


class Transcriptions(SyncAPIResource):
    def create(
        self, *, file: FileInput, file_name: Optional[str] = None, **options: Unpack[CallOptions]
    ) -> CreateTranscriptionsResp:
        """The text spoken in `file` (mp3, wav, ogg, m4a, pcm...); a path is streamed from disk.

        >>> coze.audio.transcriptions.create(file="question.mp3").text
        """
        check_audio_size(file)
        with open_upload(file, file_name, _PATH, options) as opts:
            return self._client.request(opts, model(CreateTranscriptionsResp))


class AsyncTranscriptions(AsyncAPIResource):
    async def create(
        self, *, file: FileInput, file_name: Optional[str] = None, **options: Unpack[CallOptions]
    ) -> CreateTranscriptionsResp:
        check_audio_size(file)
        with open_upload(file, file_name, _PATH, options) as opts:
            return await self._client.request(opts, model(CreateTranscriptionsResp))
