"""cozepy's `cozepy.connectors.bots` module path (`from cozepy.connectors.bots import AuditStatus`)."""

from ..resources.connectors import AsyncConnectorBots as AsyncConnectorsBotsClient
from ..resources.connectors import ConnectorBots as ConnectorsBotsClient
from ..types.connector import AuditStatus, UpdateConnectorBotResp

__all__ = ["AsyncConnectorsBotsClient", "AuditStatus", "ConnectorsBotsClient", "UpdateConnectorBotResp"]
