"""JWT flow: the signed assertion (decoded with the public key), the body, and the endpoint variants."""

from __future__ import annotations

import time
from typing import Any, Dict

import httpx
import jwt
import pytest

from cozekit import (
    COZE_CN_BASE_URL,
    AsyncJWTOAuthApp,
    DeviceInfo,
    JWTOAuthApp,
    OAuthError,
    Scope,
    SessionContext,
)

from .oauth_fakes import BASE, CLIENT_ID, KEY_ID, OAuthServer, bearer, oauth_error

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def app(server: OAuthServer, private_pem: str, base: str = BASE) -> JWTOAuthApp:
    return JWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, base, http_client=server.sync_client())


def decode(request: httpx.Request, public_pem: str, aud: str = "coze.test") -> Dict[str, Any]:
    assertion = bearer(request)
    assert assertion is not None
    claims: Dict[str, Any] = jwt.decode(assertion, public_pem, algorithms=["RS256"], audience=aud)
    return claims


def test_the_assertion_header_and_claims(server: OAuthServer, private_pem: str, public_pem: str) -> None:
    before = int(time.time())
    token = app(server, private_pem).get_access_token()
    assert token.access_token == "czu_access1"
    (req,) = server.requests
    assert req.method == "POST" and req.url.path == "/api/permission/oauth2/token"
    header = jwt.get_unverified_header(bearer(req) or "")
    assert header == {"alg": "RS256", "typ": "JWT", "kid": KEY_ID}
    claims = decode(req, public_pem)
    assert set(claims) == {"iss", "aud", "iat", "exp", "jti"}
    assert claims["iss"] == CLIENT_ID and claims["aud"] == "coze.test"
    assert before <= claims["iat"] <= int(time.time()) and claims["exp"] > claims["iat"]
    assert len(claims["jti"]) >= 32
    assert server.body(req) == {"grant_type": JWT_GRANT, "duration_seconds": 900}


def test_aud_is_the_api_host_without_scheme(server: OAuthServer, private_pem: str, public_pem: str) -> None:
    app(server, private_pem, COZE_CN_BASE_URL).get_access_token()
    assert decode(server.requests[0], public_pem, aud="api.coze.cn")["aud"] == "api.coze.cn"
    server.requests.clear()
    app(server, private_pem, "http://127.0.0.1:8123/").get_access_token()
    assert decode(server.requests[0], public_pem, aud="127.0.0.1:8123")["aud"] == "127.0.0.1:8123"


def test_every_assertion_has_a_new_jti(server: OAuthServer, private_pem: str, public_pem: str) -> None:
    jwt_app = app(server, private_pem)
    for _ in range(5):
        jwt_app.get_access_token()
    jtis = {decode(r, public_pem)["jti"] for r in server.requests}
    assert len(jtis) == 5


def test_ttl_scope_and_session(server: OAuthServer, private_pem: str, public_pem: str) -> None:
    context = SessionContext(device_info=DeviceInfo(device_id="dev-1"))
    app(server, private_pem).get_access_token(
        86399, Scope.build_bot_chat(["b1", "b2"]), "user_2222", session_context=context
    )
    (req,) = server.requests
    assert server.body(req) == {
        "grant_type": JWT_GRANT,
        "duration_seconds": 86399,
        "scope": {
            "account_permission": {"permission_list": ["Connector.botChat"]},
            "attribute_constraint": {"connector_bot_chat_attribute": {"bot_id_list": ["b1", "b2"]}},
        },
    }
    claims = decode(req, public_pem)
    assert claims["session_name"] == "user_2222"
    assert claims["session_context"] == {"device_info": {"device_id": "dev-1"}}


def test_session_context_as_a_dict(server: OAuthServer, private_pem: str, public_pem: str) -> None:
    ctx = {"device_info": {"custom_consumer": "c1"}}
    app(server, private_pem).get_access_token(session_context=ctx)
    assert decode(server.requests[0], public_pem)["session_context"] == ctx


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"account_id": "7490888144456"}, "/api/permission/oauth2/account/7490888144456/token"),
        ({"enterprise_id": "volcano_210195"}, "/api/permission/oauth2/enterprise_id/volcano_210195/token"),
    ],
)
def test_account_and_enterprise_endpoints(
    server: OAuthServer, private_pem: str, kwargs: Dict[str, str], path: str
) -> None:
    app(server, private_pem).get_access_token(**kwargs)  # type: ignore[arg-type]
    assert server.requests[0].url.path == path
    assert server.body(server.requests[0])["grant_type"] == JWT_GRANT


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ttl": 0},
        {"ttl": 86400},
        {"ttl": True},
        {"ttl": 1.5},
        {"account_id": "a", "enterprise_id": "e"},
        {"account_id": ""},
        {"enterprise_id": ".."},
        {"session_name": ""},
    ],
)
def test_bad_arguments_fail_before_any_io(
    server: OAuthServer, private_pem: str, kwargs: Dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        app(server, private_pem).get_access_token(**kwargs)
    assert server.requests == []


def test_a_bad_private_key_is_refused_without_quoting_it() -> None:
    bogus = "-----BEGIN PRIVATE KEY-----\nTOPSECRETNOTAKEY\n-----END PRIVATE KEY-----\n"
    with pytest.raises(ValueError) as info:
        JWTOAuthApp(CLIENT_ID, bogus, KEY_ID, BASE)
    assert "TOPSECRET" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_a_non_rsa_key_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    with pytest.raises(ValueError, match="RSA"):
        JWTOAuthApp(CLIENT_ID, pem, KEY_ID, BASE)


@pytest.mark.parametrize(
    ("code", "message"),
    [("invalid_client", ""), ("invalid_request", "invalid request: duration_seconds"), ("access_deny", "x")],
)
def test_jwt_errors(server: OAuthServer, private_pem: str, code: str, message: str) -> None:
    server.replies.append(oauth_error(code, message, 401))
    with pytest.raises(OAuthError) as info:
        app(server, private_pem).get_access_token()
    assert info.value.error_code == code
    assert (bearer(server.requests[0]) or "") not in str(info.value)


async def test_async_jwt_app(server: OAuthServer, private_pem: str, public_pem: str) -> None:
    aapp = AsyncJWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.async_client())
    token = await aapp.get_access_token(600, session_name="u1", account_id="acc")
    assert token.access_token == "czu_access1"
    (req,) = server.requests
    assert req.url.path == "/api/permission/oauth2/account/acc/token"
    assert decode(req, public_pem)["session_name"] == "u1"
    assert server.body(req) == {"grant_type": JWT_GRANT, "duration_seconds": 600}
    await aapp.close()
