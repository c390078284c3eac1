"""`coze.audio.voiceprint_groups` (and `.features`): speaker groups, enrolled samples, identification."""

from __future__ import annotations

import contextlib
import dataclasses
from functools import cached_property
from typing import Any, Iterator, Optional

from typing_extensions import Unpack

from ..._parsing import model
from ..._paths import path, require
from ..._request import CallOptions, RequestOptions, delete, get, post, put
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...pagination import AsyncPager, NumberPaging, SyncPager
from ...types.voiceprint import (
    CreateVoicePrintGroupFeatureResp,
    CreateVoicePrintGroupResp,
    DeleteVoicePrintGroupFeatureResp,
    DeleteVoicePrintGroupResp,
    SpeakerIdentifyResp,
    UpdateVoicePrintGroupFeatureResp,
    UpdateVoicePrintGroupResp,
    VoicePrintGroup,
    VoicePrintGroupFeature,
)
from .._validate import check_page_size
from ..files import FileInput, open_upload
from ._upload import check_audio_size

__all__ = [
    "AsyncVoiceprintGroupFeatures",
    "AsyncVoiceprintGroups",
    "VoiceprintGroupFeatures",
    "VoiceprintGroups",
]

_GROUPS = "/v1/audio/voiceprint_groups"


def _group(group_id: str, suffix: str = "") -> str:
    return path(_GROUPS + "/{group_id}", group_id=group_id) + suffix


def _feature(group_id: str, feature_id: str) -> str:
    return path(_GROUPS + "/{group_id}/features/{feature_id}", group_id=group_id, feature_id=feature_id)


def _check_group_fields(name: Optional[str], desc: Optional[str]) -> None:
    if name is not None and not 1 <= len(name) <= 20:
        raise ValueError("a voiceprint group name has 1-20 characters")
    if desc is not None and len(desc) > 500:
        raise ValueError("desc has at most 500 characters")


def _page_size(page_size: int) -> None:
    check_page_size(page_size, 200)


def _create(name: str, desc: Optional[str], options: CallOptions) -> RequestOptions:
    require(name=name)
    _check_group_fields(name, desc)
    return post(_GROUPS, {"name": name, "desc": desc}).with_call_options(options)


def _update(group_id: str, name: Optional[str], desc: Optional[str], options: CallOptions) -> RequestOptions:
    _check_group_fields(name, desc)
    return put(_group(group_id), {"name": name, "desc": desc}).with_call_options(options)


def _delete(group_id: str, options: CallOptions) -> RequestOptions:
    return delete(_group(group_id)).with_call_options(options)


def _list(
    name: Optional[str],
    group_id: Optional[str],
    user_id: Optional[str],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[VoicePrintGroup]:
    _page_size(page_size)

    def request(num: int, size: int) -> RequestOptions:
        params = {"name": name, "group_id": group_id, "user_id": user_id, "page_num": num, "page_size": size}
        return get(_GROUPS, params).with_call_options(options)

    return NumberPaging(VoicePrintGroup, "items", request, page_num=page_num, page_size=page_size)


def _sample_fields(sample_rate: Optional[int], channel: Optional[int]) -> dict[str, Any]:
    if channel is not None and channel not in (1, 2):
        raise ValueError("channel must be 1 or 2")
    return {"sample_rate": sample_rate, "channel": channel}


def _identify_fields(
    group_id: str, file: FileInput, top_k: Optional[int], sample_rate: Optional[int], channel: Optional[int]
) -> dict[str, Any]:
    require(group_id=group_id)
    check_audio_size(file)
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be >= 1")
    return {"top_k": top_k, **_sample_fields(sample_rate, channel)}


def _feature_list(
    group_id: str, page_num: int, page_size: int, options: CallOptions
) -> NumberPaging[VoicePrintGroupFeature]:
    _page_size(page_size)
    base = _group(group_id, "/features")

    def request(num: int, size: int) -> RequestOptions:
        return get(base, {"page_num": num, "page_size": size}).with_call_options(options)

    return NumberPaging(VoicePrintGroupFeature, "items", request, page_num=page_num, page_size=page_size)


def _feature_fields(
    name: Optional[str], desc: Optional[str], sample_rate: Optional[int], channel: Optional[int]
) -> dict[str, Any]:
    if desc is not None and len(desc) > 500:
        raise ValueError("desc has at most 500 characters")
    return {"name": name, "desc": desc, **_sample_fields(sample_rate, channel)}


def _feature_update(
    group_id: str, feature_id: str, fields: dict[str, Any], options: CallOptions
) -> RequestOptions:
    data = {k: v for k, v in fields.items() if v is not None}
    if not data:
        raise ValueError("pass file, name, desc, sample_rate or channel to update a feature")
    # Multipart like the upload form (documented), with plain fields only.
    parts = {k: (None, str(v)) for k, v in data.items()}
    return RequestOptions("PUT", _feature(group_id, feature_id), files=parts).with_call_options(options)


@contextlib.contextmanager
def _feature_upload(
    group_id: str,
    name: str,
    file: FileInput,
    desc: Optional[str],
    sample_rate: Optional[int],
    channel: Optional[int],
    options: CallOptions,
) -> Iterator[RequestOptions]:
    """The multipart request enrolling a feature (the file open while it is sent)."""
    require(group_id=group_id, name=name)
    check_audio_size(file)
    fields = _feature_fields(name, desc, sample_rate, channel)
    with open_upload(file, None, _group(group_id, "/features"), options, **fields) as opts:
        yield opts


@contextlib.contextmanager
def _feature_change(
    group_id: str,
    feature_id: str,
    name: Optional[str],
    desc: Optional[str],
    file: Optional[FileInput],
    sample_rate: Optional[int],
    channel: Optional[int],
    options: CallOptions,
) -> Iterator[RequestOptions]:
    """The PUT updating a feature: its fields alone, or with a new recording (open while it is sent)."""
    fields = _feature_fields(name, desc, sample_rate, channel)
    if file is None:
        yield _feature_update(group_id, feature_id, fields, options)
        return
    check_audio_size(file)
    with open_upload(file, None, _feature(group_id, feature_id), options, **fields) as opts:
        yield dataclasses.replace(opts, method="PUT")


def _feature_delete(group_id: str, feature_id: str, options: CallOptions) -> RequestOptions:
    return delete(_feature(group_id, feature_id)).with_call_options(options)


class VoiceprintGroups(SyncAPIResource):
    """Groups of enrolled speakers; identify who speaks in a recording."""

    @cached_property
    def features(self) -> VoiceprintGroupFeatures:
        return VoiceprintGroupFeatures(self._client)

    def create(
        self, *, name: str, desc: Optional[str] = None, **options: Unpack[CallOptions]
    ) -> CreateVoicePrintGroupResp:
        return self._client.request(_create(name, desc, options), model(CreateVoicePrintGroupResp))

    def update(
        self,
        *,
        group_id: str,
        name: Optional[str] = None,
        desc: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateVoicePrintGroupResp:
        return self._client.request(_update(group_id, name, desc, options), model(UpdateVoicePrintGroupResp))

    def delete(self, *, group_id: str, **options: Unpack[CallOptions]) -> DeleteVoicePrintGroupResp:
        return self._client.request(_delete(group_id, options), model(DeleteVoicePrintGroupResp))

    def list(
        self,
        *,
        name: Optional[str] = None,
        group_id: Optional[str] = None,
        user_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> SyncPager[VoicePrintGroup]:
        return SyncPager(self._client, _list(name, group_id, user_id, page_num, page_size, options))

    def speaker_identify(
        self,
        *,
        group_id: str,
        file: FileInput,
        top_k: Optional[int] = None,
        sample_rate: Optional[int] = None,
        channel: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> SpeakerIdentifyResp:
        """Score a recording against the group's features, best match first."""
        fields = _identify_fields(group_id, file, top_k, sample_rate, channel)
        with open_upload(file, None, _group(group_id, "/speaker_identify"), options, **fields) as opts:
            return self._client.request(opts, model(SpeakerIdentifyResp))


class VoiceprintGroupFeatures(SyncAPIResource):
    """Enrolled speaker samples of one group."""

    def create(
        self,
        *,
        group_id: str,
        name: str,
        file: FileInput,
        desc: Optional[str] = None,
        sample_rate: Optional[int] = None,
        channel: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> CreateVoicePrintGroupFeatureResp:
        with _feature_upload(group_id, name, file, desc, sample_rate, channel, options) as opts:
            return self._client.request(opts, model(CreateVoicePrintGroupFeatureResp))

    def update(
        self,
        *,
        group_id: str,
        feature_id: str,
        name: Optional[str] = None,
        desc: Optional[str] = None,
        file: Optional[FileInput] = None,
        sample_rate: Optional[int] = None,
        channel: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateVoicePrintGroupFeatureResp:
        args = (group_id, feature_id, name, desc, file, sample_rate, channel, options)
        with _feature_change(*args) as opts:
            return self._client.request(opts, model(UpdateVoicePrintGroupFeatureResp))

    def delete(
        self, *, group_id: str, feature_id: str, **options: Unpack[CallOptions]
    ) -> DeleteVoicePrintGroupFeatureResp:
        opts = _feature_delete(group_id, feature_id, options)
        return self._client.request(opts, model(DeleteVoicePrintGroupFeatureResp))

    def list(
        self, *, group_id: str, page_num: int = 1, page_size: int = 10, **options: Unpack[CallOptions]
    ) -> SyncPager[VoicePrintGroupFeature]:
        return SyncPager(self._client, _feature_list(group_id, page_num, page_size, options))


class AsyncVoiceprintGroups(AsyncAPIResource):
    @cached_property
    def features(self) -> AsyncVoiceprintGroupFeatures:
        return AsyncVoiceprintGroupFeatures(self._client)

    async def create(
        self, *, name: str, desc: Optional[str] = None, **options: Unpack[CallOptions]
    ) -> CreateVoicePrintGroupResp:
        return await self._client.request(_create(name, desc, options), model(CreateVoicePrintGroupResp))

    async def update(
        self,
        *,
        group_id: str,
        name: Optional[str] = None,
        desc: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateVoicePrintGroupResp:
        opts = _update(group_id, name, desc, options)
        return await self._client.request(opts, model(UpdateVoicePrintGroupResp))

    async def delete(self, *, group_id: str, **options: Unpack[CallOptions]) -> DeleteVoicePrintGroupResp:
        return await self._client.request(_delete(group_id, options), model(DeleteVoicePrintGroupResp))

    def list(
        self,
        *,
        name: Optional[str] = None,
        group_id: Optional[str] = None,
        user_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[VoicePrintGroup]:
        return AsyncPager(self._client, _list(name, group_id, user_id, page_num, page_size, options))

    async def speaker_identify(
        self,
        *,
        group_id: str,
        file: FileInput,
        top_k: Optional[int] = None,
        sample_rate: Optional[int] = None,
        channel: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> SpeakerIdentifyResp:
        fields = _identify_fields(group_id, file, top_k, sample_rate, channel)
        with open_upload(file, None, _group(group_id, "/speaker_identify"), options, **fields) as opts:
            return await self._client.request(opts, model(SpeakerIdentifyResp))


class AsyncVoiceprintGroupFeatures(AsyncAPIResource):
    async def create(
        self,
        *,
        group_id: str,
        name: str,
        file: FileInput,
        desc: Optional[str] = None,
        sample_rate: Optional[int] = None,
        channel: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> CreateVoicePrintGroupFeatureResp:
        with _feature_upload(group_id, name, file, desc, sample_rate, channel, options) as opts:
            return await self._client.request(opts, model(CreateVoicePrintGroupFeatureResp))

    async def update(
        self,
        *,
        group_id: str,
        feature_id: str,
        name: Optional[str] = None,
        desc: Optional[str] = None,
        file: Optional[FileInput] = None,
        sample_rate: Optional[int] = None,
        channel: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateVoicePrintGroupFeatureResp:
        args = (group_id, feature_id, name, desc, file, sample_rate, channel, options)
        with _feature_change(*args) as opts:
            return await self._client.request(opts, model(UpdateVoicePrintGroupFeatureResp))

    async def delete(
        self, *, group_id: str, feature_id: str, **options: Unpack[CallOptions]
    ) -> DeleteVoicePrintGroupFeatureResp:
        opts = _feature_delete(group_id, feature_id, options)
        return await self._client.request(opts, model(DeleteVoicePrintGroupFeatureResp))

    def list(
        self, *, group_id: str, page_num: int = 1, page_size: int = 10, **options: Unpack[CallOptions]
    ) -> AsyncPager[VoicePrintGroupFeature]:
        return AsyncPager(self._client, _feature_list(group_id, page_num, page_size, options))
