"""Hosts, default timeouts and retry constants."""

import httpx

COZE_COM_BASE_URL = "https://api.coze.com"
COZE_CN_BASE_URL = "https://api.coze.cn"
COZE_COM_WWW_URL = "https://www.coze.com"
COZE_CN_WWW_URL = "https://www.coze.cn"

ENV_API_TOKEN = "COZE_API_TOKEN"
ENV_API_BASE = "COZE_API_BASE"
ENV_STRICT_VALIDATION = "COZEKIT_STRICT_VALIDATION"
"""Set to 1 (true, yes, on) to validate every answer strictly (see `Coze(strict_validation=...)`)."""

DEFAULT_TIMEOUT = httpx.Timeout(timeout=600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_CONNECTION_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
DEFAULT_MAX_CONNECTIONS = 1000
"""Connections a client cozekit creates opens at most (cozepy's limit); see `_transport.pool_limits`."""

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

LOGID_HEADER = "x-tt-logid"
RETRY_COUNT_HEADER = "x-coze-retry-count"
