"""`coze.commerce`: the plan's benefits (`.benefits`), end-user bill exports (`.bill_tasks`) and
end-user benefit limits (`.limitations`, quotas for devices or custom consumers)."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, get, post, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager, TokenPaging
from ..types.commerce import Benefit, BenefitBillTask, BenefitLimitation, UpdateBenefitLimitationResp
from ._body import to_json
from ._validate import check_page_size

__all__ = [
    "AsyncBenefits",
    "AsyncBillTasks",
    "AsyncCommerce",
    "AsyncLimitations",
    "Benefits",
    "BillTasks",
    "Commerce",
    "Limitations",
]

LimitationInput = Union[BenefitLimitation, Mapping[str, Any]]
_LIMITS = "/v1/commerce/benefit/limitations"
_SINGLE = ("single_device", "single_custom_consumer")
_REQUIRED_INFO = ("benefit_type", "active_mode", "started_at", "ended_at", "limit")


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _strings(name: str, values: Sequence[str], limit: int) -> str:
    if isinstance(values, str):
        raise TypeError(f"{name} must be a list of strings, not one string")
    items = [_text(v) for v in values]
    if not 1 <= len(items) <= limit:
        raise ValueError(f"{name} takes 1 to {limit} values, got {len(items)}")
    for item in items:
        require(**{name: item})
        if "," in item:
            raise ValueError(f"{name} values cannot contain a comma: {item!r}")
    return ",".join(items)


def _benefit(
    benefit_type_list: Optional[Sequence[str]], resource_id: Optional[str], options: CallOptions
) -> RequestOptions:
    types = _strings("benefit_type_list", benefit_type_list, 10) if benefit_type_list is not None else None
    if types is not None and "api_run_qps" in types.split(","):
        require(resource_id=resource_id)
    params = {"benefit_type_list": types, "resource_id": resource_id}
    return get("/v1/commerce/benefit/benefits/get", params).with_call_options(options)


def _check_time(name: str, value: Optional[int]) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be Unix seconds (a non-negative int)")


def _bill_create(started_at: Optional[int], ended_at: Optional[int], options: CallOptions) -> RequestOptions:
    _check_time("started_at", started_at)
    _check_time("ended_at", ended_at)
    if started_at is not None and ended_at is not None and started_at > ended_at:
        raise ValueError("started_at must not be after ended_at")
    body = {"started_at": started_at, "ended_at": ended_at}
    return post("/v1/commerce/benefit/bill_tasks", body).with_call_options(options)


def _bill_list(
    task_ids: Optional[Sequence[str]], page_num: int, page_size: int, options: CallOptions
) -> NumberPaging[BenefitBillTask]:
    ids = _strings("task_ids", task_ids, 100) if task_ids is not None else None
    check_page_size(page_size, 200)

    def request(num: int, size: int) -> RequestOptions:
        params = {"task_ids": ids, "page_num": num, "page_size": size}
        return get("/v1/commerce/benefit/bill_tasks", params).with_call_options(options)

    return NumberPaging(BenefitBillTask, "task_infos", request, page_num=page_num, page_size=page_size)


def _check_entity(entity_type: str, entity_id: Optional[str]) -> str:
    require(entity_type=entity_type)
    kind = _text(entity_type)
    if kind in _SINGLE:
        require(entity_id=entity_id)
    return kind


def _limit_create(
    entity_type: str, benefit_info: LimitationInput, entity_id: Optional[str], options: CallOptions
) -> RequestOptions:
    kind = _check_entity(entity_type, entity_id)
    if isinstance(benefit_info, Mapping):
        benefit_info = BenefitLimitation.model_validate(benefit_info)
    info: Dict[str, Any] = to_json(benefit_info)
    missing = [key for key in _REQUIRED_INFO if info.get(key) in (None, "")]
    if missing:
        raise ValueError(f"benefit_info needs {', '.join(missing)}")
    _check_time("started_at", info["started_at"])
    _check_time("ended_at", info["ended_at"])
    body = {"entity_type": kind, "entity_id": entity_id, "benefit_info": info}
    return post(_LIMITS, body).with_call_options(options)


def _limit_list(
    entity_type: str,
    benefit_type: str,
    entity_id: Optional[str],
    status: Optional[str],
    page_token: str,
    page_size: int,
    options: CallOptions,
) -> TokenPaging[BenefitLimitation]:
    kind = _check_entity(entity_type, entity_id)
    require(benefit_type=benefit_type)
    check_page_size(page_size, 200)

    def request(token: str) -> RequestOptions:
        params = {
            "entity_type": kind,
            "entity_id": entity_id,
            "benefit_type": _text(benefit_type),
            "status": _text(status) if status else None,
            "page_token": token or page_token or None,
            "page_size": page_size,
        }
        return get(_LIMITS, params).with_call_options(options)

    return TokenPaging(BenefitLimitation, "benefit_infos", request)


def _limit_update(benefit_id: str, fields: Dict[str, Any], options: CallOptions) -> RequestOptions:
    changes = {k: to_json(v) for k, v in fields.items() if v is not None}
    if not changes:
        raise ValueError("pass at least one field to change")
    _check_time("started_at", changes.get("started_at"))
    _check_time("ended_at", changes.get("ended_at"))
    target = path(_LIMITS + "/{benefit_id}", benefit_id=benefit_id)
    return put(target, changes).with_call_options(options)


class Commerce(SyncAPIResource):
    """Benefits, bills and end-user benefit limits."""

    @cached_property
    def benefits(self) -> Benefits:
        return Benefits(self._client)

    @cached_property
    def bill_tasks(self) -> BillTasks:
        return BillTasks(self._client)

    @cached_property
    def limitations(self) -> Limitations:
        return Limitations(self._client)


class Benefits(SyncAPIResource):
    def retrieve(
        self,
        *,
        benefit_type_list: Optional[Sequence[str]] = None,
        resource_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> Benefit:
        """The plan; with `benefit_type_list`, those benefits too (`api_run_qps` needs `resource_id`)."""
        opts = _benefit(benefit_type_list, resource_id, options)
        return self._client.request(opts, model(Benefit))


class BillTasks(SyncAPIResource):
    def create(
        self,
        *,
        started_at: Optional[int] = None,
        ended_at: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> BenefitBillTask:
        """Start exporting end-user bills for whole days (Coze rounds to 00:00:00 and 23:59:59)."""
        return self._client.request(_bill_create(started_at, ended_at, options), model(BenefitBillTask))

    def list(
        self,
        *,
        task_ids: Optional[Sequence[str]] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[BenefitBillTask]:
        """Bill export tasks (default: those created in the last 7 days); iterate for all pages."""
        return SyncPager(self._client, _bill_list(task_ids, page_num, page_size, options))


class Limitations(SyncAPIResource):
    def create(
        self,
        *,
        entity_type: str,
        benefit_info: LimitationInput,
        entity_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> BenefitLimitation:
        """A limit for `entity_type` (a `single_*` type needs `entity_id`); `benefit_info` needs
        benefit_type, active_mode, started_at, ended_at and limit."""
        opts = _limit_create(entity_type, benefit_info, entity_id, options)
        return self._client.request(opts, model(BenefitLimitation))

    def list(
        self,
        *,
        entity_type: str,
        benefit_type: str,
        entity_id: Optional[str] = None,
        status: Optional[str] = None,
        page_token: str = "",
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[BenefitLimitation]:
        paging = _limit_list(entity_type, benefit_type, entity_id, status, page_token, page_size, options)
        return SyncPager(self._client, paging)

    def update(
        self,
        *,
        benefit_id: str,
        active_mode: Optional[str] = None,
        started_at: Optional[int] = None,
        ended_at: Optional[int] = None,
        limit: Optional[int] = None,
        status: Optional[str] = None,
        trigger_unit: Optional[str] = None,
        trigger_time: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateBenefitLimitationResp:
        fields = dict(
            active_mode=active_mode,
            started_at=started_at,
            ended_at=ended_at,
            limit=limit,
            status=status,
            trigger_unit=trigger_unit,
            trigger_time=trigger_time,
        )
        opts = _limit_update(benefit_id, fields, options)
        return self._client.request(opts, model(UpdateBenefitLimitationResp))


class AsyncCommerce(AsyncAPIResource):
    @cached_property
    def benefits(self) -> AsyncBenefits:
        return AsyncBenefits(self._client)

    @cached_property
    def bill_tasks(self) -> AsyncBillTasks:
        return AsyncBillTasks(self._client)

    @cached_property
    def limitations(self) -> AsyncLimitations:
        return AsyncLimitations(self._client)


class AsyncBenefits(AsyncAPIResource):
    async def retrieve(
        self,
        *,
        benefit_type_list: Optional[Sequence[str]] = None,
        resource_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> Benefit:
        opts = _benefit(benefit_type_list, resource_id, options)
        return await self._client.request(opts, model(Benefit))


class AsyncBillTasks(AsyncAPIResource):
    async def create(
        self,
        *,
        started_at: Optional[int] = None,
        ended_at: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> BenefitBillTask:
        return await self._client.request(_bill_create(started_at, ended_at, options), model(BenefitBillTask))

    def list(
        self,
        *,
        task_ids: Optional[Sequence[str]] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[BenefitBillTask]:
        return AsyncPager(self._client, _bill_list(task_ids, page_num, page_size, options))


class AsyncLimitations(AsyncAPIResource):
    async def create(
        self,
        *,
        entity_type: str,
        benefit_info: LimitationInput,
        entity_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> BenefitLimitation:
        opts = _limit_create(entity_type, benefit_info, entity_id, options)
        return await self._client.request(opts, model(BenefitLimitation))

    def list(
        self,
        *,
        entity_type: str,
        benefit_type: str,
        entity_id: Optional[str] = None,
        status: Optional[str] = None,
        page_token: str = "",
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[BenefitLimitation]:
        paging = _limit_list(entity_type, benefit_type, entity_id, status, page_token, page_size, options)
        return AsyncPager(self._client, paging)

    async def update(
        self,
        *,
        benefit_id: str,
        active_mode: Optional[str] = None,
        started_at: Optional[int] = None,
        ended_at: Optional[int] = None,
        limit: Optional[int] = None,
        status: Optional[str] = None,
        trigger_unit: Optional[str] = None,
        trigger_time: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateBenefitLimitationResp:
        fields = dict(
            active_mode=active_mode,
            started_at=started_at,
            ended_at=ended_at,
            limit=limit,
            status=status,
            trigger_unit=trigger_unit,
            trigger_time=trigger_time,
        )
        opts = _limit_update(benefit_id, fields, options)
        return await self._client.request(opts, model(UpdateBenefitLimitationResp))
