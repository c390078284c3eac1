"""Channels in the emulator: install, device binding and review results, driven through the SDK."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import BadRequestError, NotFoundError, PermissionDeniedError
from cozekit.types.connector import AuditStatus, UserConfig
from sync_or_async import Client, open_client, run

from ..raw import raw


async def test_install_a_channel_in_a_workspace(client: Client, coze_emulator: Any) -> None:
    cid = coze_emulator.control.create_connector(name="speakers")
    await run(client.connectors.install(connector_id=cid, workspace_id=coze_emulator.workspace_id))
    await run(client.connectors.install(connector_id=cid, workspace_id=coze_emulator.workspace_id))
    await run(client.connectors.install(connector_id="1024", workspace_id=coze_emulator.workspace_id))
    assert coze_emulator.control.connector(cid)["installed_workspaces"] == [coze_emulator.workspace_id]

    with pytest.raises(NotFoundError):
        await run(client.connectors.install(connector_id="1", workspace_id=coze_emulator.workspace_id))
    other = coze_emulator.control.create_account("other")
    with pytest.raises(NotFoundError):  # not a workspace of mine
        await run(client.connectors.install(connector_id=cid, workspace_id=other["workspace_id"]))
    assert raw(coze_emulator, "POST", f"/v1/connectors/{cid}/install", {})["code"] == 4000


async def test_bind_devices_to_a_custom_channel(client: Client, coze_emulator: Any) -> None:
    cid = coze_emulator.control.create_connector(device_keys=["device_id"])
    speaker = UserConfig.model_validate({"key": "device_id", "enums": [{"label": "kitchen", "value": "d1"}]})
    await run(client.connectors.user_configs.create(connector_id=cid, configs=[speaker]))
    more = {
        "key": "device_id",
        "enums": [{"label": "hall", "value": "d2"}, {"label": "kitchen v2", "value": "d1"}],
    }
    await run(
        client.connectors.user_configs.create(connector_id=cid, configs=[more], user_id=coze_emulator.user_id)
    )
    await run(
        client.connectors.user_configs.create(connector_id=cid, configs=[more], user_id=coze_emulator.user_id)
    )
    bound = coze_emulator.control.connector(cid)["user_configs"]
    assert bound[""] == [{"key": "device_id", "label": "kitchen", "value": "d1"}]
    assert sorted((c["value"], c["label"]) for c in bound[coze_emulator.user_id]) == [
        ("d1", "kitchen v2"),
        ("d2", "hall"),
    ]

    with pytest.raises(BadRequestError):  # a key the channel was not set up with
        await run(
            client.connectors.user_configs.create(
                connector_id=cid, configs=[{"key": "sn", "enums": [{"label": "x", "value": "1"}]}]
            )
        )
    with pytest.raises(NotFoundError):  # no such user
        await run(client.connectors.user_configs.create(connector_id=cid, configs=[speaker], user_id="1"))
    plain = coze_emulator.control.create_connector()
    with pytest.raises(PermissionDeniedError):  # binding not enabled for this channel
        await run(client.connectors.user_configs.create(connector_id=plain, configs=[speaker]))
    for body in (
        {"configs": []},
        {"configs": [{"key": "device_id", "enums": [{"label": "", "value": "d"}]}]},
    ):
        assert raw(coze_emulator, "POST", f"/v1/connectors/{cid}/user_configs", body)["code"] == 4000


async def test_review_results_for_a_published_bot(client: Client, coze_emulator: Any) -> None:
    cid = coze_emulator.control.create_connector()
    bot_id = coze_emulator.control.create_bot(name="Reviewed", published=False)
    with pytest.raises(BadRequestError):  # not published to the channel yet
        await run(
            client.connectors.bots.update(connector_id=cid, bot_id=bot_id, audit_status=AuditStatus.PENDING)
        )
    await run(client.bots.publish(bot_id=bot_id, connector_ids=[cid]))
    await run(
        client.connectors.bots.update(connector_id=cid, bot_id=bot_id, audit_status=AuditStatus.PENDING)
    )
    assert coze_emulator.control.connector(cid)["reviews"][bot_id]["audit_status"] == 1
    await run(
        client.connectors.bots.update(
            connector_id=cid, bot_id=bot_id, audit_status=3, reason="avatar rejected"
        )
    )
    review = coze_emulator.control.connector(cid)["reviews"][bot_id]
    assert (review["audit_status"], review["reason"]) == (3, "avatar rejected")

    with pytest.raises(NotFoundError):
        await run(client.connectors.bots.update(connector_id=cid, bot_id="1", audit_status=2))
    path = f"/v1/connectors/{cid}/bots/{bot_id}"
    assert raw(coze_emulator, "PUT", path, {"audit_status": 3})["code"] == 4000  # a rejection needs a reason
    assert raw(coze_emulator, "PUT", path, {"audit_status": 4})["code"] == 4000


async def test_only_the_channel_owner_binds_devices_and_reviews(client: Client, coze_emulator: Any) -> None:
    cid = coze_emulator.control.create_connector(device_keys=["device_id"])
    await run(client.bots.publish(bot_id=coze_emulator.demo_bot_id, connector_ids=[cid]))
    other = coze_emulator.control.create_account("other")
    async with open_client("async", coze_emulator.base_url, other["token"]) as them:
        with pytest.raises(PermissionDeniedError):
            await run(
                them.connectors.bots.update(
                    connector_id=cid, bot_id=coze_emulator.demo_bot_id, audit_status=2
                )
            )
        with pytest.raises(PermissionDeniedError):
            await run(
                them.connectors.user_configs.create(
                    connector_id=cid, configs=[{"key": "device_id", "enums": [{"label": "x", "value": "1"}]}]
                )
            )
        await run(them.connectors.install(connector_id=cid, workspace_id=other["workspace_id"]))
    assert coze_emulator.control.connector(cid)["installed_workspaces"] == [other["workspace_id"]]
