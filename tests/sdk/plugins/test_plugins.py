"""Wire format of plugin details, plugin tool calls and the plugin store."""

from __future__ import annotations

import pytest

from cozekit.types.plugin import CallPluginToolResp, Plugin, StoreCategory, StorePlugin, StorePluginSortType
from fake_server import ok

from ..conftest import Wire

TOOL = {
    "name": "asr_lite",
    "tool_id": "7506818",
    "description": "speech to text",
    "inputSchema": {
        "type": "object",
        "required": ["audio_url"],
        "properties": {"audio_url": {"type": "string"}},
    },
    "outputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
}
PLUGIN = {
    "plugin_id": "7506818401",
    "name": "speech",
    "name_for_model": "yuyinshibie",
    "description": "d",
    "icon_url": "https://example.com/i.png",
    "is_call_available": True,
    "created_at": 1759045245,
    "updated_at": 1761197207,
    "mcp_json": '{"mcpServers":{}}',
    "tools": [TOOL],
}


async def test_retrieve_reads_the_plugin_and_its_tool_schemas(wire: Wire) -> None:
    wire.reply(ok(PLUGIN))
    plugin = await wire.call(lambda c: c.plugins.retrieve(plugin_id="7506818401"))
    wire.check("GET", "/v1/plugins/7506818401")
    assert isinstance(plugin, Plugin)
    assert plugin.name_for_model == "yuyinshibie"
    assert plugin.updated_at == 1761197207
    assert plugin.tools[0].input_schema == TOOL["inputSchema"]
    assert plugin.tools[0].output_schema == TOOL["outputSchema"]
    assert plugin.tools[0].tool_id == "7506818"
    assert plugin.logid == "logid-1"


async def test_retrieve_refuses_an_empty_id(wire: Wire) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.plugins.retrieve(plugin_id=""))
    assert wire.requests == []


async def test_batch_retrieve_joins_ids_and_reads_items(wire: Wire) -> None:
    wire.reply(ok({"items": [PLUGIN, {**PLUGIN, "plugin_id": 42, "tools": []}]}))
    plugins = await wire.call(lambda c: c.plugins.batch_retrieve(ids=["7506818401", "42"]))
    wire.check("GET", "/v1/plugins/mget", query={"ids": "7506818401,42"})
    assert [p.plugin_id for p in plugins] == ["7506818401", "42"]
    assert plugins[1].tools == []
    assert plugins.logid == "logid-1"


@pytest.mark.parametrize("ids", [[], [str(i) for i in range(21)], "1,2", ["1", ""], ["1,2"]])
async def test_batch_retrieve_takes_one_to_twenty_ids(wire: Wire, ids: list) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.plugins.batch_retrieve(ids=ids))
    assert wire.requests == []


async def test_tool_call_posts_name_and_arguments_and_reads_the_result(wire: Wire) -> None:
    wire.reply(ok({"result": {"news": [{"title": "autumn break"}]}}))
    result = await wire.call(
        lambda c: c.plugins.tools.call(
            plugin_id="p1", tool_name="getToutiaoNews", arguments={"q": "hangzhou"}
        )
    )
    wire.check(
        "POST",
        "/v1/plugins/p1/tools/call",
        body={"tool_name": "getToutiaoNews", "arguments": {"q": "hangzhou"}},
    )
    assert isinstance(result, CallPluginToolResp)
    assert result.result == {"news": [{"title": "autumn break"}]}


async def test_tool_call_is_not_resent_after_a_server_error(wire: Wire) -> None:
    import httpx

    from cozekit import CozeAPIError

    wire.reply(httpx.Response(502, json={"code": 5000, "msg": "bad gateway"}), ok({"result": 1}))
    with pytest.raises(CozeAPIError):
        await wire.call(lambda c: c.plugins.tools.call(plugin_id="p1", tool_name="t", arguments={}))
    assert len(wire.requests) == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"plugin_id": "", "tool_name": "t", "arguments": {}}, ValueError),
        ({"plugin_id": "p", "tool_name": "", "arguments": {}}, ValueError),
        ({"plugin_id": "p", "tool_name": "t", "arguments": "q=1"}, TypeError),
    ],
)
async def test_tool_call_checks_before_any_request(wire: Wire, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        await wire.call(lambda c: c.plugins.tools.call(**kwargs))
    assert wire.requests == []


STORE_PLUGIN = {
    "metainfo": {
        "name": "speech",
        "category": {"id": 7327137275714732069, "name": "social"},
        "entity_id": "7546499763",
        "listed_at": 1757474787,
        "paid_type": "paid",
        "user_info": {"user_id": 32351795934732, "nick_name": "dev"},
        "product_id": "7546200432",
        "entity_type": "plugin",
        "is_official": True,
        "entity_version": "0",
    },
    "plugin_info": {"heat": 1500, "call_count": 1000, "success_rate": 0.95, "avg_exec_duration_ms": 120},
}


async def test_store_plugins_list_sends_filters_and_pages_by_has_more(wire: Wire) -> None:
    wire.reply(
        ok({"items": [STORE_PLUGIN], "has_more": True}), ok({"items": [STORE_PLUGIN], "has_more": False})
    )
    found = await wire.items(
        lambda c: c.stores.plugins.list(
            keyword="speech",
            is_official=True,
            category_ids=["1", "2"],
            sort_type=StorePluginSortType.RELATIVE,
            page_size=1,
        )
    )
    base = {"keyword": "speech", "is_official": "true", "category_ids": "1,2", "sort_type": "relative"}
    wire.check("GET", "/v1/stores/plugins", query={**base, "page_num": "1", "page_size": "1"}, index=0)
    wire.check("GET", "/v1/stores/plugins", query={**base, "page_num": "2", "page_size": "1"}, index=1)
    assert len(found) == 2
    assert isinstance(found[0], StorePlugin)
    meta = found[0].metainfo
    assert meta.entity_id == "7546499763"
    assert meta.category is not None and meta.category.id == "7327137275714732069"
    assert meta.user_info is not None and meta.user_info.user_id == "32351795934732"
    assert found[0].plugin_info is not None and found[0].plugin_info.success_rate == 0.95


async def test_store_plugins_list_without_filters_sends_only_the_page(wire: Wire) -> None:
    wire.reply(ok({"items": [], "has_more": False}))
    assert await wire.items(lambda c: c.stores.plugins.list(is_official=False)) == []
    assert wire.query() == {"is_official": "false", "page_num": "1", "page_size": "20"}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"page_size": 101}, ValueError), ({"page_size": 0}, ValueError), ({"category_ids": "1"}, TypeError)],
)
async def test_store_plugins_list_checks_before_any_request(wire: Wire, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        await wire.items(lambda c: c.stores.plugins.list(**kwargs))
    assert wire.requests == []


async def test_store_categories_list_asks_for_plugin_categories(wire: Wire) -> None:
    wire.reply(
        ok({"items": [{"id": "7475", "name": "hardware"}, {"id": "7327", "name": "news"}], "has_more": False})
    )
    categories = await wire.items(lambda c: c.stores.categories.list(page_size=100))
    wire.check(
        "GET", "/v1/stores/categories", query={"entity_type": "plugin", "page_num": "1", "page_size": "100"}
    )
    assert [(k.id, k.name) for k in categories] == [("7475", "hardware"), ("7327", "news")]
    assert isinstance(categories[0], StoreCategory)


async def test_store_categories_list_checks_before_any_request(wire: Wire) -> None:
    with pytest.raises(ValueError):
        await wire.items(lambda c: c.stores.categories.list(entity_type=""))
    with pytest.raises(ValueError):
        await wire.items(lambda c: c.stores.categories.list(page_size=101))
    assert wire.requests == []
