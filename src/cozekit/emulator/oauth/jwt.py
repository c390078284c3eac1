"""JWT-bearer assertions: RS256 with a registered key (`kid`), `iss`, `aud`, `exp` and one-time `jti`."""

from __future__ import annotations

from typing import Any, Dict, Tuple

import jwt

from .backend import OAuthBackend, invalid_client

REQUIRED = ("iss", "aud", "iat", "exp", "jti")


def verify_assertion(oauth: OAuthBackend, assertion: str, host: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The app and the verified claims; `invalid_client` (401) for anything wrong.

    `host` is the API host the client called (with its port): the expected `aud`.
    """
    if not assertion:
        raise invalid_client("verify jwt empty error")
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise invalid_client("the JWT is malformed") from None
    if header.get("alg") != "RS256":
        raise invalid_client("the JWT must be signed with RS256")
    app = oauth.app(str(unverified.get("iss") or ""))
    if app is None or app["client_type"] != "jwt":
        raise invalid_client("iss is not a JWT app's client_id")
    public_key = app["public_keys"].get(str(header.get("kid") or ""))
    if public_key is None:
        raise invalid_client("kid is not a public key of this app")
    try:
        claims: Dict[str, Any] = jwt.decode(
            assertion,
            public_key,
            algorithms=["RS256"],
            audience=host,
            issuer=app["id"],
            options={"verify_exp": False, "verify_iat": False, "require": list(REQUIRED)},
        )
    except jwt.InvalidAudienceError:
        raise invalid_client(f"aud must be {host}") from None
    except jwt.InvalidSignatureError:
        raise invalid_client("the JWT signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise invalid_client(f"invalid JWT: {type(exc).__name__}") from None
    if float(claims["exp"]) <= oauth.clock():
        raise invalid_client("the JWT has expired")
    if oauth.seen_jti(app["id"], str(claims["jti"]), float(claims["exp"])):
        raise invalid_client("jti was already used")
    return app, claims
