"""`coze.audio`: voices, speech, transcriptions, rooms, live broadcasts and voiceprint groups (REST)."""

from __future__ import annotations

from functools import cached_property

from ..._resource import AsyncAPIResource, SyncAPIResource
from .live import AsyncLive, Live
from .rooms import AsyncRooms, Rooms
from .speech import AsyncSpeech, Speech
from .transcriptions import AsyncTranscriptions, Transcriptions
from .voiceprint_groups import AsyncVoiceprintGroups, VoiceprintGroups
from .voices import AsyncVoices, Voices

__all__ = ["AsyncAudio", "Audio"]


class Audio(SyncAPIResource):
    @cached_property
    def voices(self) -> Voices:
        return Voices(self._client)

    @cached_property
    def speech(self) -> Speech:
        return Speech(self._client)

    @cached_property
    def transcriptions(self) -> Transcriptions:
        return Transcriptions(self._client)

    @cached_property
    def rooms(self) -> Rooms:
        return Rooms(self._client)

    @cached_property
    def live(self) -> Live:
        return Live(self._client)

    @cached_property
    def voiceprint_groups(self) -> VoiceprintGroups:
        return VoiceprintGroups(self._client)


class AsyncAudio(AsyncAPIResource):
    @cached_property
    def voices(self) -> AsyncVoices:
        return AsyncVoices(self._client)

    @cached_property
    def speech(self) -> AsyncSpeech:
        return AsyncSpeech(self._client)

    @cached_property
    def transcriptions(self) -> AsyncTranscriptions:
        return AsyncTranscriptions(self._client)

    @cached_property
    def rooms(self) -> AsyncRooms:
        return AsyncRooms(self._client)

    @cached_property
    def live(self) -> AsyncLive:
        return AsyncLive(self._client)

    @cached_property
    def voiceprint_groups(self) -> AsyncVoiceprintGroups:
        return AsyncVoiceprintGroups(self._client)
