"""A token-holding proxy with an embeddable web chat widget (needs the `proxy` extra: FastAPI, uvicorn).

    >>> from cozekit import AsyncCoze, TokenAuth
    >>> from cozekit.proxy import create_proxy_app
    >>> app = create_proxy_app(AsyncCoze(auth=TokenAuth("pat_...")), bots=["7379..."],
    ...                        allowed_origins=["https://shop.example"], secret=SECRET)

Pages embed `<script src="https://proxy.example/widget.js" data-bot-id="7379..."></script>`.
See docs/proxy.md.
"""

from __future__ import annotations

from .app import ProxyConfig, create_proxy_app
from .identity import (
    COOKIE_NAME,
    HEADER_NAME,
    SignedUser,
    UserResolver,
    sign_user,
    verify_user,
    verify_user_jwt,
)
from .ratelimit import RateLimiter, parse_rate
from .server import ThreadedProxy, serve

__all__ = [
    "COOKIE_NAME",
    "HEADER_NAME",
    "ProxyConfig",
    "RateLimiter",
    "SignedUser",
    "ThreadedProxy",
    "UserResolver",
    "create_proxy_app",
    "parse_rate",
    "serve",
    "sign_user",
    "verify_user",
    "verify_user_jwt",
]
