"""End-user identity for the proxy: HMAC-signed user tokens, and the resolver that reads them.

The embedding site's server, which knows who is logged in, signs the user's id with the proxy's secret:

    >>> token = sign_user("user-42", secret)          # hand it to the page: data-user-token="..."

The widget sends it back in the `X-Cozekit-User` header (or the `cozekit_user` cookie, for a proxy on the
site's own domain). The proxy trusts only ids it can verify; the token itself is never logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import secrets
import time
from typing import Awaitable, Callable, Optional, Union

import jwt
from starlette.requests import Request

__all__ = [
    "COOKIE_NAME",
    "HEADER_NAME",
    "SignedUser",
    "UserResolver",
    "check_user_id",
    "new_anonymous_id",
    "resolve_user",
    "sign_user",
    "verify_user",
    "verify_user_jwt",
]

HEADER_NAME = "X-Cozekit-User"
COOKIE_NAME = "cozekit_user"
MAX_USER_ID = 128
DEFAULT_TTL = 24 * 3600
_PURPOSE = b"cozekit-proxy-user.v1."

UserResolver = Callable[[Request], Union[Optional[str], Awaitable[Optional[str]]]]
"""Finds the end user's id from a request (None: nobody); may be async."""


def check_user_id(user_id: str) -> str:
    """`user_id` if it is 1-128 printable characters without spaces, else ValueError."""
    if not 0 < len(user_id) <= MAX_USER_ID or not user_id.isprintable() or any(c.isspace() for c in user_id):
        raise ValueError(f"a user id is 1 to {MAX_USER_ID} printable characters without spaces")
    return user_id


def _key(secret: Union[str, bytes]) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if len(key) < 16:
        raise ValueError("the proxy secret must be at least 16 bytes")
    return key


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, _PURPOSE + payload.encode(), hashlib.sha256).digest())


def sign_user(
    user_id: str, secret: Union[str, bytes], *, ttl: int = DEFAULT_TTL, now: Optional[float] = None
) -> str:
    """A token naming `user_id` for `ttl` seconds, verifiable with the same secret."""
    if ttl <= 0:
        raise ValueError("ttl must be positive")
    expires = int((time.time() if now is None else now) + ttl)
    payload = f"{_b64(check_user_id(user_id).encode())}.{expires}"
    return f"{payload}.{_mac(_key(secret), payload)}"


def verify_user(token: str, secret: Union[str, bytes], *, now: Optional[float] = None) -> Optional[str]:
    """The user id a token names, or None if it is malformed, forged or expired."""
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 512:
        return None
    encoded, expires, mac = parts
    if not hmac.compare_digest(_mac(_key(secret), f"{encoded}.{expires}"), mac):
        return None
    if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
        return None
    try:
        return check_user_id(_unb64(encoded).decode())
    except (ValueError, UnicodeDecodeError):
        return None


def verify_user_jwt(token: str, secret: Union[str, bytes], *, now: Optional[float] = None) -> Optional[str]:
    """The `sub` of an HS256 JWT signed with the proxy's secret and carrying `exp`, or None.

    Any backend can mint one with its JWT library: `{"sub": user_id, "exp": <unix time>}` signed HS256.
    """
    if len(token) > 2048:
        return None
    try:
        claims = jwt.decode(
            token,
            _key(secret),
            algorithms=["HS256"],
            options={"require": ["exp", "sub"], "verify_aud": False, "verify_exp": now is None},
        )
    except jwt.PyJWTError:
        return None
    if now is not None and not (isinstance(claims["exp"], (int, float)) and claims["exp"] >= now):
        return None
    sub = claims["sub"]
    try:
        return check_user_id(sub) if isinstance(sub, str) else None
    except ValueError:
        return None


def new_anonymous_id() -> str:
    """A fresh id for a visitor nobody vouches for."""
    return "anon-" + secrets.token_hex(12)


class SignedUser:
    """The default resolver: a signed token (`sign_user`, or an HS256 JWT) in the `X-Cozekit-User`
    header or the `cozekit_user` cookie."""

    def __init__(self, secret: Union[str, bytes]) -> None:
        self._secret = _key(secret)

    def sign(self, user_id: str, *, ttl: int = DEFAULT_TTL) -> str:
        return sign_user(user_id, self._secret, ttl=ttl)

    def __call__(self, request: Request) -> Optional[str]:
        token = request.headers.get(HEADER_NAME) or request.cookies.get(COOKIE_NAME)
        if not token:
            return None
        return verify_user(token, self._secret) or verify_user_jwt(token, self._secret)

    def __repr__(self) -> str:
        return "SignedUser(<secret>)"


async def resolve_user(resolver: UserResolver, request: Request) -> Optional[str]:
    """Run a sync or async resolver; an id that is not a valid user id counts as nobody."""
    found = resolver(request)
    if inspect.isawaitable(found):
        found = await found
    if not isinstance(found, str):
        return None
    try:
        return check_user_id(found)
    except ValueError:
        return None
