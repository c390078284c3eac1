"""`coze.commerce` (.benefits, .bill_tasks, .limitations): wire format and envelopes, sync and async."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from cozekit.types.commerce import (
    Benefit,
    BenefitBillTask,
    BenefitEntityType,
    BenefitLimitation,
    BenefitStatus,
    BenefitStrategy,
    BenefitTriggerUnit,
    BenefitType,
    BillTaskStatus,
    UpdateBenefitLimitationResp,
    UserLevel,
)
from fake_server import FakeServer, envelope
from sync_or_async import MODES

BENEFIT = {
    "basic_info": {"user_level": "enterprise"},
    "benefit_info": [
        {
            "resource_id": "plugin",
            "benefit_type": "api_run_qps",
            "basic": {
                "item_info": {"used": 0, "total": 100, "start_at": 0, "end_at": 0, "strategy": "by_quota"},
                "status": "",
            },
            "extra": [
                {
                    "item_info": {
                        "start_at": 1758361772,
                        "end_at": 1758448172,
                        "strategy": "by_quota",
                        "used": 0,
                        "total": 10,
                    },
                    "status": "expired",
                }
            ],
            "effective": {
                "item_info": {"used": 1.5, "total": 130, "strategy": "by_quota"},
                "status": "valid",
            },
        }
    ],
}
LIMIT: Dict[str, Any] = {
    "limit": 100,
    "status": "valid",
    "ended_at": 1804185600,
    "entity_id": "SN12345",
    "started_at": 1753996800,
    "active_mode": "absolute_time",
    "entity_type": "single_device",
    "benefit_type": "resource_point",
    "trigger_time": 1,
    "trigger_unit": "never",
}
INFO = {
    "benefit_type": "resource_point",
    "active_mode": "absolute_time",
    "started_at": 1741708800,
    "ended_at": 253402300799,
    "limit": 100,
}


@pytest.mark.parametrize("mode", MODES)
async def test_benefits_retrieve_joins_types_with_commas_and_reads_the_plan(mode: str) -> None:
    route = ("GET", "/v1/commerce/benefit/benefits/get")
    server = FakeServer(routes={route: envelope(BENEFIT)})
    got = await server.run(
        mode,
        lambda c: c.commerce.benefits.retrieve(
            benefit_type_list=[BenefitType.API_RUN_QPS, "call_tool_limit"], resource_id="plugin"
        ),
    )
    assert server.wire() == route
    assert server.query() == {"benefit_type_list": "api_run_qps,call_tool_limit", "resource_id": "plugin"}
    assert isinstance(got, Benefit) and got.logid == "logid-1"
    assert got.basic_info is not None and got.basic_info.user_level == UserLevel.ENTERPRISE
    info = got.benefit_info[0]
    assert (info.benefit_type, info.resource_id) == (BenefitType.API_RUN_QPS, "plugin")
    assert info.extra[0].status == BenefitStatus.EXPIRED
    assert info.extra[0].item_info is not None and info.extra[0].item_info.end_at == 1758448172
    assert info.effective is not None and info.effective.item_info is not None
    assert (info.effective.item_info.used, info.effective.item_info.total) == (1.5, 130)
    assert info.effective.item_info.strategy == BenefitStrategy.BY_QUOTA
    server.route(*route, envelope({"basic_info": {"user_level": "free"}}))
    plain = await server.run(mode, lambda c: c.commerce.benefits.retrieve())
    assert server.query() == {}
    assert plain.benefit_info == [] and plain.basic_info.user_level == UserLevel.FREE


@pytest.mark.parametrize("mode", MODES)
async def test_bill_tasks_create_posts_the_days_and_reads_a_running_task(mode: str) -> None:
    route = ("POST", "/v1/commerce/benefit/bill_tasks")
    answer = {
        "task_id": 123,
        "started_at": 1743004800,
        "ended_at": 1743091200,
        "created_at": 1743213605,
        "expires_at": 1743177600,
        "file_urls": "",
        "status": "running",
    }
    server = FakeServer(routes={route: envelope(answer)})
    task = await server.run(
        mode, lambda c: c.commerce.bill_tasks.create(started_at=1743004800, ended_at=1743091199)
    )
    assert server.wire() == route
    assert server.body() == {"started_at": 1743004800, "ended_at": 1743091199}
    assert isinstance(task, BenefitBillTask)
    assert (task.task_id, task.status, task.file_urls) == ("123", BillTaskStatus.RUNNING, [])
    assert task.expires_at == 1743177600


@pytest.mark.parametrize("mode", MODES)
async def test_bill_tasks_list_pages_by_number_and_joins_task_ids(mode: str) -> None:
    route = ("GET", "/v1/commerce/benefit/bill_tasks")

    def task(n: int) -> Dict[str, Any]:
        return {"task_id": f"t{n}", "status": "succeed", "file_urls": [f"https://example.com/{n}.csv"]}

    pages = [envelope({"task_infos": [task(1)], "total": 2}), envelope({"task_infos": [task(2)], "total": 2})]
    server = FakeServer(routes={route: pages})
    tasks = await server.collect(
        mode, lambda c: c.commerce.bill_tasks.list(task_ids=["t1", "t2"], page_size=1)
    )
    assert [t.task_id for t in tasks] == ["t1", "t2"]
    assert tasks[1].file_urls == ["https://example.com/2.csv"]
    assert server.query(0) == {"task_ids": "t1,t2", "page_num": "1", "page_size": "1"}
    assert server.query(1) == {"task_ids": "t1,t2", "page_num": "2", "page_size": "1"}
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_limitations_create_posts_the_benefit_info_and_reads_either_shape(mode: str) -> None:
    route = ("POST", "/v1/commerce/benefit/limitations")
    server = FakeServer(
        routes={route: [envelope({**LIMIT, "benefit_id": 123}), envelope({"benefit_info": LIMIT})]}
    )
    made = await server.run(
        mode,
        lambda c: c.commerce.limitations.create(
            entity_type=BenefitEntityType.SINGLE_DEVICE, entity_id="SN12345", benefit_info=INFO
        ),
    )
    assert server.wire() == route
    assert server.body() == {"entity_type": "single_device", "entity_id": "SN12345", "benefit_info": INFO}
    assert isinstance(made, BenefitLimitation) and made.benefit_id == "123"
    assert (made.limit, made.trigger_unit, made.ended_at) == (100, BenefitTriggerUnit.NEVER, 1804185600)
    model_info = BenefitLimitation(**INFO, trigger_unit=BenefitTriggerUnit.DAY, trigger_time=1)
    wrapped = await server.run(
        mode,
        lambda c: c.commerce.limitations.create(
            entity_type="enterprise_all_devices", benefit_info=model_info
        ),
    )
    assert server.body() == {
        "entity_type": "enterprise_all_devices",
        "benefit_info": {**INFO, "trigger_unit": "day", "trigger_time": 1},
    }
    assert wrapped.entity_id == "SN12345" and wrapped.status == BenefitStatus.VALID


@pytest.mark.parametrize("mode", MODES)
async def test_limitations_list_pages_with_the_page_token(mode: str) -> None:
    route = ("GET", "/v1/commerce/benefit/limitations")
    pages = [
        envelope({"has_more": True, "page_token": "p2", "benefit_infos": [LIMIT]}),
        envelope({"has_more": False, "page_token": "", "benefit_infos": [{**LIMIT, "entity_id": "SN2"}]}),
    ]
    server = FakeServer(routes={route: pages})
    limits = await server.collect(
        mode,
        lambda c: c.commerce.limitations.list(
            entity_type="single_device", entity_id="SN12345", benefit_type="resource_point", status="valid"
        ),
    )
    assert [x.entity_id for x in limits] == ["SN12345", "SN2"]
    base = {"entity_type": "single_device", "entity_id": "SN12345", "benefit_type": "resource_point"}
    assert server.query(0) == {**base, "status": "valid", "page_size": "20"}
    assert server.query(1) == {**base, "status": "valid", "page_token": "p2", "page_size": "20"}


@pytest.mark.parametrize("mode", MODES)
async def test_limitations_update_puts_only_the_given_fields(mode: str) -> None:
    route = ("PUT", "/v1/commerce/benefit/limitations/12345")
    server = FakeServer(routes={route: envelope({"benefit_id": "12345", "limit": 50})})
    resp = await server.run(
        mode,
        lambda c: c.commerce.limitations.update(
            benefit_id="12345", limit=50, status=BenefitStatus.FROZEN, trigger_unit="hour", trigger_time=2
        ),
    )
    assert server.wire() == route
    assert server.body() == {"limit": 50, "status": "frozen", "trigger_unit": "hour", "trigger_time": 2}
    assert isinstance(resp, UpdateBenefitLimitationResp) and resp.logid == "logid-1"


BAD = [
    lambda c: c.commerce.benefits.retrieve(benefit_type_list=["api_run_qps"]),
    lambda c: c.commerce.benefits.retrieve(benefit_type_list=[]),
    lambda c: c.commerce.benefits.retrieve(benefit_type_list=["a,b"]),
    lambda c: c.commerce.bill_tasks.create(started_at=1743091200, ended_at=1743004800),
    lambda c: c.commerce.bill_tasks.create(started_at=-1),
    lambda c: c.commerce.bill_tasks.list(page_size=201),
    lambda c: c.commerce.bill_tasks.list(task_ids=[str(n) for n in range(101)]),
    lambda c: c.commerce.bill_tasks.list(task_ids=[""]),
    lambda c: c.commerce.limitations.create(entity_type="single_device", benefit_info=INFO),
    lambda c: c.commerce.limitations.create(entity_type="", benefit_info=INFO),
    lambda c: c.commerce.limitations.create(
        entity_type="enterprise_all_devices", benefit_info={k: v for k, v in INFO.items() if k != "limit"}
    ),
    lambda c: c.commerce.limitations.list(
        entity_type="single_custom_consumer", benefit_type="resource_point"
    ),
    lambda c: c.commerce.limitations.list(entity_type="enterprise_all_devices", benefit_type=""),
    lambda c: c.commerce.limitations.list(
        entity_type="enterprise_all_devices", benefit_type="resource_point", page_size=0
    ),
    lambda c: c.commerce.limitations.update(benefit_id="12345"),
    lambda c: c.commerce.limitations.update(benefit_id="..", limit=1),
    lambda c: c.commerce.limitations.update(benefit_id="12345", started_at=-5),
]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("mode", MODES)
async def test_values_coze_would_reject_fail_before_any_request(mode: str, bad: Callable[[Any], Any]) -> None:
    server = FakeServer()
    with pytest.raises(ValueError):
        await server.run(mode, bad)
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_bare_string_list_argument_is_a_type_error(mode: str) -> None:
    server = FakeServer()
    with pytest.raises(TypeError):
        await server.run(mode, lambda c: c.commerce.bill_tasks.list(task_ids="t1"))
    assert server.requests == []
