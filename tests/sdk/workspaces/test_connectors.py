"""`coze.connectors` (install, `.user_configs`, `.bots`): wire format and envelopes, sync and async."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from cozekit.types.connector import (
    AuditStatus,
    BindConnectorUserConfigResp,
    InstallConnectorResp,
    UpdateConnectorBotResp,
    UserConfig,
    UserConfigEnum,
)
from fake_server import FakeServer, envelope
from sync_or_async import MODES


@pytest.mark.parametrize("mode", MODES)
async def test_install_posts_the_workspace(mode: str) -> None:
    server = FakeServer(routes={("POST", "/v1/connectors/7452/install"): envelope()})
    resp = await server.run(mode, lambda c: c.connectors.install(connector_id="7452", workspace_id="7361"))
    assert server.wire() == ("POST", "/v1/connectors/7452/install")
    assert server.body() == {"workspace_id": "7361"}
    assert isinstance(resp, InstallConnectorResp) and resp.logid == "logid-1"


@pytest.mark.parametrize("mode", MODES)
async def test_user_configs_create_sends_models_and_dicts_alike(mode: str) -> None:
    server = FakeServer(routes={("POST", "/v1/connectors/7452/user_configs"): envelope()})
    configs = [
        UserConfig(key="device_id", enums=[UserConfigEnum(label="客厅", value="5123")]),
        {"key": "room", "enums": [{"label": "主卧", "value": "5124"}]},
    ]
    resp = await server.run(
        mode,
        lambda c: c.connectors.user_configs.create(connector_id="7452", configs=configs, user_id="4497"),
    )
    assert server.wire() == ("POST", "/v1/connectors/7452/user_configs")
    assert server.body() == {
        "configs": [
            {"key": "device_id", "enums": [{"label": "客厅", "value": "5123"}]},
            {"key": "room", "enums": [{"label": "主卧", "value": "5124"}]},
        ],
        "user_id": "4497",
    }
    assert isinstance(resp, BindConnectorUserConfigResp)
    await server.run(
        mode, lambda c: c.connectors.user_configs.create(connector_id="7452", configs=configs[:1])
    )
    assert "user_id" not in server.body()


@pytest.mark.parametrize(
    "configs",
    [
        [],
        [{"key": "", "enums": [{"label": "a", "value": "1"}]}],
        [{"key": "device_id", "enums": []}],
        [{"key": "device_id", "enums": [{"label": "a", "value": " "}]}],
        [{"key": "device_id"}],
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_user_configs_create_checks_configs_before_any_request(mode: str, configs: Any) -> None:
    server = FakeServer()
    with pytest.raises(ValueError):
        await server.run(
            mode, lambda c: c.connectors.user_configs.create(connector_id="7452", configs=configs)
        )
    with pytest.raises(TypeError):
        await server.run(
            mode,
            lambda c: c.connectors.user_configs.create(connector_id="7452", configs={"key": "x"}),
        )
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_bots_update_puts_the_review_result(mode: str) -> None:
    route = ("PUT", "/v1/connectors/7420/bots/7342")
    server = FakeServer(routes={route: envelope()})
    resp = await server.run(
        mode,
        lambda c: c.connectors.bots.update(
            bot_id="7342", connector_id="7420", audit_status=AuditStatus.REJECTED, reason="头像无法通过审核"
        ),
    )
    assert server.wire() == route
    assert server.body() == {"audit_status": 3, "reason": "头像无法通过审核"}
    assert isinstance(resp, UpdateConnectorBotResp) and resp.logid == "logid-1"
    await server.run(
        mode, lambda c: c.connectors.bots.update(bot_id="7342", connector_id="7420", audit_status=2)
    )
    assert server.body() == {"audit_status": 2}


@pytest.mark.parametrize(
    "bad",
    [
        lambda c: c.connectors.bots.update(bot_id="7342", connector_id="7420", audit_status=3),
        lambda c: c.connectors.bots.update(bot_id="7342", connector_id="7420", audit_status=4),
        lambda c: c.connectors.bots.update(bot_id="", connector_id="7420", audit_status=2),
        lambda c: c.connectors.bots.update(bot_id="7342", connector_id="..", audit_status=2),
        lambda c: c.connectors.install(connector_id="7452", workspace_id=""),
        lambda c: c.connectors.install(connector_id=" ", workspace_id="7361"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_connector_calls_check_their_values_before_any_request(
    mode: str, bad: Callable[[Any], Any]
) -> None:
    server = FakeServer()
    with pytest.raises(ValueError):
        await server.run(mode, bad)
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_ids_are_percent_encoded(mode: str) -> None:
    route = ("POST", "/v1/connectors/a%2Fb/install")
    server = FakeServer(routes={route: envelope()})
    await server.run(mode, lambda c: c.connectors.install(connector_id="a/b", workspace_id="7361"))
    assert server.wire() == route
