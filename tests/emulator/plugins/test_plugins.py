"""Plugins and the plugin store in the emulator, driven through the SDK."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import BadRequestError, NotFoundError
from cozekit.emulator.plugins.catalogue import CALCULATOR_ID, ECHO_ID, TEXT_STATS_ID
from sync_or_async import Client, collect, run

from ..raw import raw


async def test_plugin_details_and_tools(client: Client) -> None:
    plugin = await run(client.plugins.retrieve(plugin_id=CALCULATOR_ID))
    assert (plugin.plugin_id, plugin.name, plugin.name_for_model, plugin.is_call_available) == (
        CALCULATOR_ID,
        "Calculator",
        "calculator",
        True,
    )
    (tool,) = plugin.tools
    assert tool.name == "calculate" and tool.input_schema is not None
    assert tool.input_schema["required"] == ["expression"]
    assert tool.output_schema is not None and "value" in tool.output_schema["properties"]

    many = await run(client.plugins.batch_retrieve(ids=[ECHO_ID, "1", TEXT_STATS_ID]))
    assert [p.plugin_id for p in many] == [ECHO_ID, TEXT_STATS_ID]
    assert [t.name for t in many[0].tools] == ["echo", "reverse"]
    with pytest.raises(NotFoundError):
        await run(client.plugins.retrieve(plugin_id="1"))


async def test_tools_run_and_count_towards_the_benefit(client: Client, coze_emulator: Any) -> None:
    calc = await run(
        client.plugins.tools.call(
            plugin_id=CALCULATOR_ID, tool_name="calculate", arguments={"expression": "(2+3)*4"}
        )
    )
    assert calc.result == {"value": 20}
    half = await run(
        client.plugins.tools.call(
            plugin_id=CALCULATOR_ID, tool_name="calculate", arguments={"expression": "7 / 2"}
        )
    )
    assert half.result == {"value": 3.5}
    back = await run(
        client.plugins.tools.call(plugin_id=ECHO_ID, tool_name="reverse", arguments={"text": "abc"})
    )
    assert back.result == {"text": "cba"}
    counted = await run(
        client.plugins.tools.call(
            plugin_id=TEXT_STATS_ID, tool_name="word_count", arguments={"text": "one two  three"}
        )
    )
    assert counted.result == {"words": 3, "characters": 14}

    benefit = await run(client.commerce.benefits.retrieve(benefit_type_list=["call_tool_limit"]))
    effective = benefit.benefit_info[0].effective
    assert effective is not None and effective.item_info is not None
    assert (effective.item_info.used, effective.item_info.total) == (4, 1000)

    for expression in (
        "__import__('os')",
        "1/0",
        "2 ** 1000",
        "10.0 ** 60 * 10.0 ** 60 * 10.0 ** 60 * 10.0 ** 60 * 10.0 ** 60 * 10.0 ** 60",
    ):
        with pytest.raises(BadRequestError):
            await run(
                client.plugins.tools.call(
                    plugin_id=CALCULATOR_ID, tool_name="calculate", arguments={"expression": expression}
                )
            )
    with pytest.raises(BadRequestError):
        await run(client.plugins.tools.call(plugin_id=ECHO_ID, tool_name="shout", arguments={"text": "x"}))
    with pytest.raises(BadRequestError):
        await run(client.plugins.tools.call(plugin_id=ECHO_ID, tool_name="echo", arguments={"words": "x"}))
    with pytest.raises(NotFoundError):
        await run(client.plugins.tools.call(plugin_id="1", tool_name="echo", arguments={"text": "x"}))
    path = f"/v1/plugins/{ECHO_ID}/tools/call"
    assert raw(coze_emulator, "POST", path, {"tool_name": "echo", "arguments": ["x"]})["code"] == 4000
    assert raw(coze_emulator, "GET", "/v1/plugins/mget?ids=" + ",".join(["1"] * 21), None)["code"] == 4000


async def test_store_lists_filters_and_sorts(client: Client) -> None:
    everything = await collect(client.stores.plugins.list(page_size=2))
    assert [p.metainfo.name for p in everything] == ["Calculator", "Text Stats", "Echo"]
    assert all(p.metainfo.paid_type == "paid" and p.plugin_info is not None for p in everything)
    assert everything[2].plugin_info is not None and everything[2].plugin_info.total_tools_count == 2

    newest = await collect(client.stores.plugins.list(sort_type="newest"))
    assert [p.metainfo.entity_id for p in newest] == [TEXT_STATS_ID, ECHO_ID, CALCULATOR_ID]
    third_party = await collect(client.stores.plugins.list(is_official=False))
    assert [p.metainfo.name for p in third_party] == ["Echo"]
    found = await collect(client.stores.plugins.list(keyword="WORDS"))
    assert [p.metainfo.name for p in found] == ["Text Stats"]

    categories = await collect(client.stores.categories.list(page_size=2))
    assert [c.name for c in categories] == ["Utilities", "Text", "Smart hardware"]
    text = await collect(client.stores.plugins.list(category_ids=[categories[1].id]))
    assert [p.metainfo.name for p in text] == ["Text Stats"]
    hardware = await collect(client.stores.plugins.list(category_ids=[categories[2].id]))
    assert hardware == []
    with pytest.raises(BadRequestError):
        await collect(client.stores.plugins.list(sort_type="cheapest"))
    with pytest.raises(BadRequestError):
        await collect(client.stores.categories.list(entity_type="bot"))
