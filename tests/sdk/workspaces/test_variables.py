"""Wire format of user variables (read and set values for one end user)."""

from __future__ import annotations

import pytest

from cozekit.types.variable import UpdateVariableResp, VariableValue
from fake_server import ok

from ..conftest import Wire


async def test_retrieve_joins_keywords_and_reads_the_items(wire: Wire) -> None:
    wire.reply(
        ok(
            {
                "items": [
                    {"keyword": "name", "value": "Wang", "create_time": 0, "update_time": 0},
                    {"keyword": "age", "value": "18", "create_time": 1744637812, "update_time": "1744637812"},
                ]
            }
        )
    )
    values = await wire.call(
        lambda c: c.variables.retrieve(
            connector_uid="u1", keywords=["name", "age"], bot_id="b1", connector_id="1024"
        )
    )
    wire.check(
        "GET",
        "/v1/variables",
        query={"bot_id": "b1", "connector_id": "1024", "connector_uid": "u1", "keywords": "name,age"},
    )
    assert [(v.keyword, v.value) for v in values] == [("name", "Wang"), ("age", "18")]
    assert values[1].update_time == 1744637812
    assert values[0].create_time == 0
    assert values.logid == "logid-1"


async def test_retrieve_without_keywords_asks_for_every_variable(wire: Wire) -> None:
    wire.reply(ok({"items": []}))
    values = await wire.call(lambda c: c.variables.retrieve(connector_uid="u1", app_id="a1"))
    assert wire.query() == {"app_id": "a1", "connector_uid": "u1"}
    assert list(values) == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"connector_uid": "u1"}, ValueError),
        ({"connector_uid": "", "bot_id": "b"}, ValueError),
        ({"connector_uid": "u1", "bot_id": "b", "keywords": "name"}, TypeError),
    ],
)
async def test_retrieve_checks_before_any_request(wire: Wire, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        await wire.call(lambda c: c.variables.retrieve(**kwargs))
    assert wire.requests == []


async def test_update_puts_keyword_value_pairs(wire: Wire) -> None:
    data = [VariableValue(keyword="name", value="Wang", create_time=5), {"keyword": "age", "value": ""}]
    result = await wire.call(lambda c: c.variables.update(connector_uid="u1", data=data, bot_id="b1"))
    wire.check(
        "PUT",
        "/v1/variables",
        body={
            "bot_id": "b1",
            "connector_uid": "u1",
            "data": [{"keyword": "name", "value": "Wang"}, {"keyword": "age", "value": ""}],
        },
    )
    assert isinstance(result, UpdateVariableResp)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"connector_uid": "u1", "data": [], "bot_id": "b"}, ValueError),
        ({"connector_uid": "u1", "data": [{"keyword": "k", "value": "v"}]}, ValueError),
        ({"connector_uid": "u1", "data": [{"keyword": "", "value": "v"}], "app_id": "a"}, ValueError),
        ({"connector_uid": "u1", "data": [{"keyword": "k", "value": 3}], "app_id": "a"}, TypeError),
    ],
)
async def test_update_checks_before_any_request(wire: Wire, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        await wire.call(lambda c: c.variables.update(**kwargs))
    assert wire.requests == []
