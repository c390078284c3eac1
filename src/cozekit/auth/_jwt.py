"""The JWT flow for service apps: sign a one-time RS256 assertion, trade it for a `czs_` token.

The assertion's header carries `kid` (the public key fingerprint); its claims `iss` (client id),
`aud` (the API host), `iat`, `exp` and a unique `jti`, plus the optional `session_name` (per-user
conversation isolation) and `session_context`. Account and enterprise variants of the token endpoint
are selected with `account_id` / `enterprise_id`.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union

from .._constants import COZE_COM_BASE_URL
from .._paths import path, require
from .._request import RequestOptions
from ..types.oauth import OAuthToken, Scope, SessionContext
from ._base import AsyncOAuthAppBase, OAuthApp, SyncOAuthAppBase
from ._requests import JWT_GRANT, TOKEN_PATH, api_host, token_request

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["AsyncJWTOAuthApp", "JWTOAuthApp", "check_ttl", "load_private_key"]

DEFAULT_TTL = 900
MAX_TTL = 86399
ASSERTION_TTL = 3600
"""Seconds the signed assertion itself stays valid (it is single-use: `jti` is new every time)."""


def check_ttl(ttl: int, name: str = "ttl") -> int:
    """`ttl`, a token's lifetime in seconds, if it is an int from 1 to `MAX_TTL`."""
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL:
        raise ValueError(f"{name} must be an int from 1 to {MAX_TTL}, got {ttl!r}")
    return ttl


SessionContextArg = Union[SessionContext, Mapping[str, Any], None]
ScopeArg = Union[Scope, Mapping[str, Any], None]


def load_private_key(private_key: Union[str, bytes]) -> RSAPrivateKey:
    """Parse a PEM RSA private key; the error never quotes the key."""
    # lazy: cryptography is heavy and only JWT apps need it
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    data = private_key.encode() if isinstance(private_key, str) else private_key
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ValueError("private_key is not a readable, unencrypted PEM private key") from None
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("private_key must be an RSA key (Coze signs with RS256)")
    return key


def _dump(value: Union[Scope, SessionContext, Mapping[str, Any], None]) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if isinstance(value, (Scope, SessionContext)):
        return value.model_dump(mode="json", exclude_none=True)
    return dict(value)


def token_route(account_id: Optional[str], enterprise_id: Optional[str]) -> str:
    if account_id is not None and enterprise_id is not None:
        raise ValueError("pass account_id or enterprise_id, not both")
    if account_id is not None:
        return path("/api/permission/oauth2/account/{account_id}/token", account_id=account_id)
    if enterprise_id is not None:
        return path("/api/permission/oauth2/enterprise_id/{enterprise_id}/token", enterprise_id=enterprise_id)
    return TOKEN_PATH


class _JWTSigner(OAuthApp):
    """Holds the key and builds the token request; shared by the sync and async apps."""

    _key: RSAPrivateKey
    _public_key_id: str

    def _init_key(self, private_key: Union[str, bytes], public_key_id: str) -> None:
        require(public_key_id=public_key_id)
        self._key = load_private_key(private_key)
        self._public_key_id = public_key_id

    def _assertion(
        self, session_name: Optional[str], session_context: SessionContextArg, now: Optional[int] = None
    ) -> str:
        import jwt  # imported here so that `import cozekit` stays cheap

        iat = int(time.time()) if now is None else now
        claims: Dict[str, Any] = {
            "iss": self.client_id,
            "aud": api_host(self.base_url),
            "iat": iat,
            "exp": iat + ASSERTION_TTL,
            "jti": secrets.token_hex(32),
        }
        if session_name is not None:
            require(session_name=session_name)
            claims["session_name"] = session_name
        context = _dump(session_context)
        if context:
            claims["session_context"] = context
        return jwt.encode(
            claims, self._key, algorithm="RS256", headers={"kid": self._public_key_id, "typ": "JWT"}
        )

    def _jwt_request(
        self,
        ttl: int,
        scope: ScopeArg,
        session_name: Optional[str],
        session_context: SessionContextArg,
        account_id: Optional[str],
        enterprise_id: Optional[str],
    ) -> RequestOptions:
        check_ttl(ttl, "ttl (duration_seconds)")
        route = token_route(account_id, enterprise_id)
        body = {"grant_type": JWT_GRANT, "duration_seconds": ttl, "scope": _dump(scope)}
        return token_request(body, self._assertion(session_name, session_context), route)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, public_key_id={self._public_key_id!r}, "
            f"base_url={self.base_url!r})"
        )


class JWTOAuthApp(SyncOAuthAppBase, _JWTSigner):
    """A service app that signs JWTs with its private key.

    >>> app = JWTOAuthApp(client_id, private_key_pem, public_key_id, base_url=COZE_CN_BASE_URL)
    >>> token = app.get_access_token(ttl=900, session_name="user-42")
    """

    def __init__(
        self,
        client_id: str,
        private_key: Union[str, bytes],
        public_key_id: str,
        base_url: str = COZE_COM_BASE_URL,
        **options: Any,
    ) -> None:
        super().__init__(client_id, base_url, **options)
        self._init_key(private_key, public_key_id)

    def get_access_token(
        self,
        ttl: int = DEFAULT_TTL,
        scope: ScopeArg = None,
        session_name: Optional[str] = None,
        *,
        session_context: SessionContextArg = None,
        account_id: Optional[str] = None,
        enterprise_id: Optional[str] = None,
    ) -> OAuthToken:
        """A token valid `ttl` seconds (sent as `duration_seconds`, at most 86399).

        `account_id` uses the cross-account/organization endpoint, `enterprise_id` the enterprise
        privileged-app endpoint.
        """
        opts = self._jwt_request(ttl, scope, session_name, session_context, account_id, enterprise_id)
        return self._token(opts)


class AsyncJWTOAuthApp(AsyncOAuthAppBase, _JWTSigner):
    """The async twin of `JWTOAuthApp`."""

    def __init__(
        self,
        client_id: str,
        private_key: Union[str, bytes],
        public_key_id: str,
        base_url: str = COZE_COM_BASE_URL,
        **options: Any,
    ) -> None:
        super().__init__(client_id, base_url, **options)
        self._init_key(private_key, public_key_id)

    async def get_access_token(
        self,
        ttl: int = DEFAULT_TTL,
        scope: ScopeArg = None,
        session_name: Optional[str] = None,
        *,
        session_context: SessionContextArg = None,
        account_id: Optional[str] = None,
        enterprise_id: Optional[str] = None,
    ) -> OAuthToken:
        opts = self._jwt_request(ttl, scope, session_name, session_context, account_id, enterprise_id)
        return await self._token(opts)
