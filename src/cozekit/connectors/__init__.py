"""cozepy's `cozepy.connectors` module path; the API itself is `coze.connectors`."""

from ..resources.connectors import AsyncConnectors as AsyncConnectorsClient
from ..resources.connectors import Connectors as ConnectorsClient

__all__ = ["AsyncConnectorsClient", "ConnectorsClient"]
