"""Control plane for the OAuth server, under `/_emulator/oauth/`: apps and keys, codes without a browser,
device-code decisions, and the clock that token expiry is measured by."""

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from ..core.base import Account
from ..core.errors import CozeErrors, bad_request
from ..oauth.backend import OAuthFailure
from ..routing import ok, state_of
from ..seed import USER_ID

router = APIRouter(prefix="/_emulator/oauth", tags=["control plane: oauth"])


class AppIn(BaseModel):
    client_type: str
    name: Optional[str] = None
    owner_user_id: Optional[str] = None
    redirect_uris: List[str] = []
    public_key: Optional[str] = None
    public_key_id: Optional[str] = None
    enterprise_id: Optional[str] = None
    access_token_ttl: Optional[int] = None
    refresh_token_ttl: Optional[int] = None
    device_code_ttl: Optional[int] = None
    interval: Optional[int] = None


class AppPatch(BaseModel):
    name: Optional[str] = None
    redirect_uris: Optional[List[str]] = None
    enterprise_id: Optional[str] = None
    access_token_ttl: Optional[int] = None
    refresh_token_ttl: Optional[int] = None
    device_code_ttl: Optional[int] = None
    interval: Optional[int] = None
    disabled: Optional[bool] = None


class KeyIn(BaseModel):
    public_key: Optional[str] = None
    public_key_id: Optional[str] = None


class CodeIn(BaseModel):
    redirect_uri: str
    user_id: Optional[str] = None
    code_challenge: Optional[str] = None
    code_challenge_method: Optional[str] = None
    workspace_id: Optional[str] = None


class DecisionIn(BaseModel):
    user_id: Optional[str] = None


class ClockIn(BaseModel):
    advance: float = 0


class FailureIn(BaseModel):
    error: str
    message: Optional[str] = None
    status: Optional[int] = None
    times: int = 1


def new_key_pair() -> Dict[str, str]:
    """A fresh RSA key pair as PEM (private: PKCS#8)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {"private_key": private.decode(), "public_key": public.decode()}


def _key(request: Request, client_id: str, body: KeyIn) -> Dict[str, str]:
    pair = {"public_key": body.public_key} if body.public_key else new_key_pair()
    kid = state_of(request).oauth.add_public_key(client_id, pair["public_key"], body.public_key_id)
    out = {"public_key_id": kid}
    if "private_key" in pair:
        out["private_key"] = pair["private_key"]
    return out


def _app(request: Request, client_id: str) -> Dict[str, Any]:
    app = state_of(request).oauth.app(client_id)
    if app is None:
        raise CozeErrors.RESOURCE_NOT_FOUND(what="client_id", id=client_id, http_status=404)
    return app


@router.post("/apps", summary="Create an OAuth app (web, pkce, device or jwt; jwt gets a key pair)")
def create_app(request: Request, body: AppIn) -> Response:
    state = state_of(request)
    owner = state.accounts.account(body.owner_user_id or USER_ID)
    if owner is None:
        raise bad_request("unknown owner_user_id")
    fields = body.model_dump(exclude={"client_type", "owner_user_id", "public_key", "public_key_id"})
    try:
        app = state.oauth.create_app(Account(owner.user_id, owner.user_name), body.client_type, **fields)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    if body.client_type == "jwt":
        app.update(
            _key(
                request, app["client_id"], KeyIn(public_key=body.public_key, public_key_id=body.public_key_id)
            )
        )
    return ok(request, app)


@router.get("/apps/{client_id}", summary="An app's settings (no secrets)")
def get_app(request: Request, client_id: str) -> Response:
    return ok(request, state_of(request).oauth.public(_app(request, client_id)))


@router.patch("/apps/{client_id}", summary="Change an app: token lifetimes, poll interval, disabled...")
def patch_app(request: Request, client_id: str, body: AppPatch) -> Response:
    _app(request, client_id)
    changes = body.model_dump(exclude_none=True)
    return ok(request, state_of(request).oauth.update_app(client_id, changes))


@router.post("/apps/{client_id}/keys", summary="Register a public key (or generate a pair) for a JWT app")
def add_key(request: Request, client_id: str, body: KeyIn) -> Response:
    _app(request, client_id)
    return ok(request, _key(request, client_id, body))


@router.post("/apps/{client_id}/codes", summary="Issue an authorization code as if the user consented")
def issue_code(request: Request, client_id: str, body: CodeIn) -> Response:
    oauth = state_of(request).oauth
    app = _app(request, client_id)
    try:
        code = oauth.issue_code(
            app,
            body.user_id or str(app["owner_user_id"]),
            body.redirect_uri,
            body.code_challenge,
            body.code_challenge_method,
            body.workspace_id,
        )
    except OAuthFailure as failure:
        raise bad_request(failure.message) from None
    return ok(request, {"code": code})


@router.get("/devices", summary="Pending device codes (user codes only)")
def pending_devices(request: Request, client_id: Optional[str] = None) -> Response:
    return ok(request, state_of(request).oauth.pending_devices(client_id))


def _decide(request: Request, user_code: str, approve: bool, body: Optional[DecisionIn]) -> Response:
    try:
        done = state_of(request).oauth.decide_device(user_code, approve, body.user_id if body else None)
    except KeyError:
        raise CozeErrors.RESOURCE_NOT_FOUND(
            f"unknown or expired user_code {user_code[:20]}", http_status=404
        ) from None
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return ok(request, done)


@router.post("/devices/{user_code}/approve", summary="The user approves a device code")
def approve_device(request: Request, user_code: str, body: Optional[DecisionIn] = None) -> Response:
    return _decide(request, user_code, True, body)


@router.post("/devices/{user_code}/deny", summary="The user denies a device code")
def deny_device(request: Request, user_code: str, body: Optional[DecisionIn] = None) -> Response:
    return _decide(request, user_code, False, body)


@router.get("/clock", summary="The OAuth clock (Unix seconds) and its offset from real time")
def get_clock(request: Request) -> Response:
    oauth = state_of(request).oauth
    return ok(request, {"now": oauth.clock(), "offset": oauth.offset()})


@router.post("/clock", summary="Move the OAuth clock forward: tokens, codes and JWTs expire by it")
def advance_clock(request: Request, body: ClockIn) -> Response:
    oauth = state_of(request).oauth
    if body.advance < 0:
        raise bad_request("advance must be >= 0")
    now = oauth.advance(body.advance)
    return ok(request, {"now": now, "offset": oauth.offset()})


@router.post(
    "/failures", summary="Make the next token/device-code answers an OAuth error (e.g. internal_error)"
)
def arm_failure(request: Request, body: FailureIn) -> Response:
    try:
        state_of(request).oauth.arm_failure(body.error, body.message or "", body.status, body.times)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return ok(request, {"error": body.error, "times": body.times})
