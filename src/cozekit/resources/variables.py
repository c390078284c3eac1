"""`coze.variables`: read and set an end user's user variables in a published bot or app."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Union

from typing_extensions import Unpack

from .._envelope import Envelope
from .._models import ListResponse
from .._parsing import model, models
from .._paths import require
from .._request import CallOptions, RequestOptions, get, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.variable import UpdateVariableResp, VariableValue

__all__ = ["AsyncVariables", "Variables"]

ValueLike = Union[VariableValue, Mapping[str, Any]]
"""A value to set: a `VariableValue` or a mapping with `keyword` and `value`."""

_ITEMS = Envelope.at("data.items")


def _owner(app_id: Optional[str], bot_id: Optional[str]) -> None:
    if not (app_id or bot_id):
        raise ValueError("pass app_id or bot_id: user variables belong to an app or a bot")


def _retrieve(
    connector_uid: str,
    keywords: Optional[Sequence[str]],
    app_id: Optional[str],
    bot_id: Optional[str],
    connector_id: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(connector_uid=connector_uid)
    _owner(app_id, bot_id)
    if isinstance(keywords, str):
        raise TypeError("keywords takes a list of variable names")
    params = {
        "app_id": app_id,
        "bot_id": bot_id,
        "connector_id": connector_id,
        "connector_uid": connector_uid,
        "keywords": ",".join(keywords) if keywords else None,
    }
    return get("/v1/variables", params, envelope=_ITEMS).with_call_options(options)


def _pair(item: ValueLike) -> dict[str, str]:
    fields = item.model_dump() if isinstance(item, VariableValue) else item
    keyword, value = fields.get("keyword"), fields.get("value")
    require(keyword=keyword)
    if not isinstance(value, str):
        raise TypeError(f"the value of {keyword!r} must be a string")
    return {"keyword": str(keyword), "value": value}


def _update(
    connector_uid: str,
    data: Sequence[ValueLike],
    app_id: Optional[str],
    bot_id: Optional[str],
    connector_id: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(connector_uid=connector_uid)
    _owner(app_id, bot_id)
    if not data:
        raise ValueError("data must name at least one variable")
    body = {
        "app_id": app_id,
        "bot_id": bot_id,
        "connector_id": connector_id,
        "connector_uid": connector_uid,
        "data": [_pair(item) for item in data],
    }
    return put("/v1/variables", body).with_call_options(options)


class Variables(SyncAPIResource):
    def retrieve(
        self,
        *,
        connector_uid: str,
        keywords: Optional[List[str]] = None,
        app_id: Optional[str] = None,
        bot_id: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> ListResponse[VariableValue]:
        """The values of `keywords` (every user variable when omitted) for the end user `connector_uid`."""
        opts = _retrieve(connector_uid, keywords, app_id, bot_id, connector_id, options)
        return self._client.request(opts, models(VariableValue))

    def update(
        self,
        *,
        connector_uid: str,
        data: List[ValueLike],
        app_id: Optional[str] = None,
        bot_id: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateVariableResp:
        """Set user variables (enabled ones only) for the end user `connector_uid`."""
        opts = _update(connector_uid, data, app_id, bot_id, connector_id, options)
        return self._client.request(opts, model(UpdateVariableResp))


class AsyncVariables(AsyncAPIResource):
    async def retrieve(
        self,
        *,
        connector_uid: str,
        keywords: Optional[List[str]] = None,
        app_id: Optional[str] = None,
        bot_id: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> ListResponse[VariableValue]:
        opts = _retrieve(connector_uid, keywords, app_id, bot_id, connector_id, options)
        return await self._client.request(opts, models(VariableValue))

    async def update(
        self,
        *,
        connector_uid: str,
        data: List[ValueLike],
        app_id: Optional[str] = None,
        bot_id: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateVariableResp:
        opts = _update(connector_uid, data, app_id, bot_id, connector_id, options)
        return await self._client.request(opts, model(UpdateVariableResp))
