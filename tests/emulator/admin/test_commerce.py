"""Commerce in the emulator: benefits, bill export tasks and end-user limits, driven through the SDK."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from cozekit import BadRequestError, NotFoundError, PermissionDeniedError
from cozekit.types.commerce import BenefitLimitation
from sync_or_async import Client, collect, open_client, run

from ..raw import raw

DAY = 86400


def _days_ago(n: int) -> int:
    return (int(time.time()) // DAY - n) * DAY


async def test_benefits_of_the_plan(client: Client) -> None:
    plan = await run(client.commerce.benefits.retrieve())
    assert plan.basic_info is not None and plan.basic_info.user_level == "enterprise"
    assert plan.benefit_info == []

    both = await run(
        client.commerce.benefits.retrieve(
            benefit_type_list=["api_run_qps", "call_tool_limit"], resource_id="chat"
        )
    )
    qps, tools = both.benefit_info
    assert (qps.benefit_type, qps.resource_id) == ("api_run_qps", "chat")
    assert qps.effective is not None and qps.effective.item_info is not None
    assert (qps.effective.item_info.total, qps.effective.item_info.strategy, qps.extra) == (
        50,
        "by_quota",
        [],
    )
    assert (
        tools.benefit_type == "call_tool_limit"
        and tools.basic is not None
        and tools.basic.item_info is not None
    )
    assert (tools.basic.item_info.used, tools.basic.item_info.total) == (0, 1000)

    plugin = await run(
        client.commerce.benefits.retrieve(benefit_type_list=["api_run_qps"], resource_id="plugin")
    )
    assert plugin.benefit_info[0].basic is not None and plugin.benefit_info[0].basic.item_info is not None
    assert plugin.benefit_info[0].basic.item_info.total == 20
    with pytest.raises(BadRequestError):
        await run(client.commerce.benefits.retrieve(benefit_type_list=["api_run_qps"], resource_id="voice"))
    with pytest.raises(BadRequestError):
        await run(client.commerce.benefits.retrieve(benefit_type_list=["resource_point"]))


async def test_bill_tasks_complete_with_a_downloadable_file(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.create_enterprise()
    task = await run(
        client.commerce.bill_tasks.create(started_at=_days_ago(3) + 3600, ended_at=_days_ago(2) + 60)
    )
    assert (task.status, task.file_urls) == ("running", [])
    assert task.started_at == _days_ago(3)
    assert task.ended_at == _days_ago(1) - 1
    assert task.created_at is not None and task.expires_at is not None
    assert task.expires_at - task.created_at == 7 * DAY
    default = await run(client.commerce.bill_tasks.create())  # yesterday

    tasks = await collect(client.commerce.bill_tasks.list(page_size=1))
    assert [t.task_id for t in tasks] == [task.task_id, default.task_id]
    assert all(t.status == "succeed" and len(t.file_urls) == 1 for t in tasks)
    csv = httpx.get(tasks[0].file_urls[0], timeout=10)
    lines = csv.text.splitlines()
    assert csv.status_code == 200 and lines[0].startswith("date,device_id,")
    assert [line.split(",")[0] for line in lines[1:]] == [
        time.strftime("%Y-%m-%d", time.gmtime(_days_ago(n))) for n in (3, 2)
    ]

    only = await collect(client.commerce.bill_tasks.list(task_ids=[default.task_id, "1"]))
    assert [t.task_id for t in only] == [default.task_id]
    with pytest.raises(BadRequestError):  # today cannot be exported yet
        await run(client.commerce.bill_tasks.create(started_at=_days_ago(0)))


async def test_bills_and_limits_are_for_enterprise_admins(client: Client) -> None:
    with pytest.raises(PermissionDeniedError):
        await run(client.commerce.bill_tasks.create())
    with pytest.raises(PermissionDeniedError):
        await collect(
            client.commerce.limitations.list(
                entity_type="enterprise_all_devices", benefit_type="resource_point"
            )
        )


async def test_device_limits_create_list_update(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.create_enterprise()
    info = {
        "benefit_type": "resource_point",
        "active_mode": "absolute_time",
        "started_at": 0,
        "ended_at": 253402300799,
    }
    total = await run(
        client.commerce.limitations.create(
            entity_type="enterprise_all_devices", benefit_info={**info, "limit": 5000}
        )
    )
    daily = await run(
        client.commerce.limitations.create(
            entity_type="enterprise_all_devices",
            benefit_info=BenefitLimitation.model_validate({**info, "limit": 100, "trigger_unit": "day"}),
        )
    )
    assert (total.limit, total.trigger_unit, total.status, total.benefit_id) == (
        5000,
        "never",
        "valid",
        total.benefit_id,
    )
    assert daily.trigger_unit == "day" and daily.benefit_id != total.benefit_id
    with pytest.raises(BadRequestError):  # one cumulative limit per scope and type
        await run(
            client.commerce.limitations.create(
                entity_type="enterprise_all_devices", benefit_info={**info, "limit": 1}
            )
        )
    devices = []
    for n in range(3):
        made = await run(
            client.commerce.limitations.create(
                entity_type="single_device", entity_id="SN1", benefit_info={**info, "limit": n}
            )
        )
        devices.append(made.benefit_id)
    assert made.entity_id == "SN1"

    listed = await collect(
        client.commerce.limitations.list(
            entity_type="single_device", entity_id="SN1", benefit_type="resource_point", page_size=2
        )
    )
    assert [lim.benefit_id for lim in listed] == devices
    everyone = await collect(
        client.commerce.limitations.list(entity_type="enterprise_all_devices", benefit_type="resource_point")
    )
    assert [lim.limit for lim in everyone] == [5000, 100]

    await run(client.commerce.limitations.update(benefit_id=daily.benefit_id, limit=200, status="frozen"))
    valid = await collect(
        client.commerce.limitations.list(entity_type="enterprise_all_devices", benefit_type="resource_point")
    )
    frozen = await collect(
        client.commerce.limitations.list(
            entity_type="enterprise_all_devices", benefit_type="resource_point", status="frozen"
        )
    )
    assert [lim.benefit_id for lim in valid] == [total.benefit_id]
    assert [(lim.benefit_id, lim.limit) for lim in frozen] == [(daily.benefit_id, 200)]

    with pytest.raises(NotFoundError):
        await run(client.commerce.limitations.update(benefit_id="1", limit=1))
    with pytest.raises(BadRequestError):
        await run(client.commerce.limitations.update(benefit_id=daily.benefit_id, trigger_unit="week"))
    with pytest.raises(BadRequestError):
        await run(
            client.commerce.limitations.update(benefit_id=daily.benefit_id, started_at=300, ended_at=200)
        )
    with pytest.raises(BadRequestError):
        await run(
            client.commerce.limitations.create(entity_type="all_devices", benefit_info={**info, "limit": 1})
        )
    bad = {"entity_type": "single_device", "benefit_info": {**info, "limit": 1}}  # no entity_id
    assert raw(coze_emulator, "POST", "/v1/commerce/benefit/limitations", bad)["code"] == 4000


async def test_limits_belong_to_their_enterprise(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.create_enterprise()
    info = {
        "benefit_type": "resource_point",
        "active_mode": "absolute_time",
        "started_at": 0,
        "ended_at": 9,
        "limit": 1,
    }
    mine = await run(
        client.commerce.limitations.create(entity_type="enterprise_all_devices", benefit_info=info)
    )
    other = coze_emulator.control.create_account("other")
    coze_emulator.control.create_enterprise(token=other["token"])
    async with open_client("sync", coze_emulator.base_url, other["token"]) as them:
        assert (
            await collect(
                them.commerce.limitations.list(
                    entity_type="enterprise_all_devices", benefit_type="resource_point"
                )
            )
            == []
        )
        with pytest.raises(NotFoundError):
            await run(them.commerce.limitations.update(benefit_id=mine.benefit_id, limit=2))
