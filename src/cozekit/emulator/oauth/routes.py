"""The OAuth endpoints: authorize page, token (all grants, plus account/enterprise variants), device code.

Answers are flat OAuth JSON, never the Coze envelope; errors carry `error`, `error_code`,
`error_message` and `error_description` (the oauth_code, oauth_jwt and oauth_device_code doc pages
name them differently).
"""

import json
import logging
from typing import Any, Callable, Dict, Optional

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..routing import state_of
from ..state import EmulatorState
from . import pages
from .backend import OAuthFailure, invalid_client, invalid_request
from .jwt import verify_assertion

router = APIRouter(tags=["oauth"])
log = logging.getLogger("cozekit.emulator.oauth")

P = "/api/permission/oauth2"
CODE_GRANT = "authorization_code"
REFRESH_GRANT = "refresh_token"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_DURATION = 86399
DEFAULT_DURATION = 900


def _bearer(request: Request) -> Optional[str]:
    value = request.headers.get("authorization", "")
    scheme, _, credential = value.partition(" ")
    return credential.strip() or None if scheme.lower() == "bearer" else None


def _json(raw: bytes) -> Dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise invalid_request("body is not JSON") from None
    if not isinstance(body, dict):
        raise invalid_request("body")
    return body


Grant = Callable[[Request, Dict[str, Any]], Dict[str, Any]]
"""What an endpoint answers for its JSON body (store work: run in the thread pool)."""


def _work(request: Request, raw: bytes, make: Grant) -> Dict[str, Any]:
    armed = state_of(request).oauth.take_failure()
    if armed is not None:
        raise armed
    return make(request, _json(raw))


async def _answer(request: Request, make: Grant) -> Response:
    """The body read on the event loop; the armed failure, the grant and its store work in a thread."""
    try:
        raw = await request.body()
        return JSONResponse(await run_in_threadpool(_work, request, raw, make))
    except OAuthFailure as failure:
        return JSONResponse(failure.body(), status_code=failure.status)
    except Exception as exc:  # never echo the request (it carries secrets), only the kind of error
        log.error("oauth: %s failed: %s", request.url.path, type(exc).__name__)
        internal = OAuthFailure("internal_error", "Service internal error.", status=500)
        return JSONResponse(internal.body(), status_code=internal.status)


def _str(body: Dict[str, Any], name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""


# -- token --------------------------------------------------------------------------------------


def _grant(
    request: Request, body: Dict[str, Any], account_id: Optional[str], enterprise_id: Optional[str]
) -> Dict[str, Any]:
    state = state_of(request)
    grant = _str(body, "grant_type")
    if grant == JWT_GRANT:
        return _jwt_grant(state, request, body, account_id, enterprise_id)
    if account_id is not None or enterprise_id is not None:
        raise OAuthFailure("unsupported_grant_type", f"not supported grant type: {grant}")
    oauth = state.oauth
    if grant == CODE_GRANT:
        app = oauth.usable_app(_str(body, "client_id"), "web", "pkce")
        if app["client_type"] == "web":
            oauth.check_secret(app, _bearer(request))
        code = oauth.redeem_code(
            app, _str(body, "code"), _str(body, "redirect_uri"), body.get("code_verifier")
        )
        token = oauth.issue_user_token(app, code["user_id"], str(code.get("workspace_id") or ""))
    elif grant == REFRESH_GRANT:
        app = oauth.usable_app(_str(body, "client_id"), "web", "pkce", "device")
        if app["client_type"] == "web":
            oauth.check_secret(app, _bearer(request))
        token = oauth.refresh(app, _str(body, "refresh_token"))
    elif grant == DEVICE_GRANT:
        app = oauth.usable_app(_str(body, "client_id"), "device")
        device = oauth.poll_device(app, _str(body, "device_code"))
        token = oauth.issue_user_token(app, device["user_id"], str(device.get("workspace_id") or ""))
    else:
        raise OAuthFailure("unsupported_grant_type", f"not supported grant type: {grant}")
    log.info("oauth: %s grant issued a user token to client %s", grant, app["id"])
    return token


def _jwt_grant(
    state: EmulatorState,
    request: Request,
    body: Dict[str, Any],
    account_id: Optional[str],
    enterprise_id: Optional[str],
) -> Dict[str, Any]:
    app, claims = verify_assertion(state.oauth, _bearer(request) or "", request.headers.get("host", ""))
    if app["disabled"]:
        raise OAuthFailure("access_deny", f"app: {app['name']} is currently deactivated by the owner")
    duration = body.get("duration_seconds", DEFAULT_DURATION)
    if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= MAX_DURATION:
        raise invalid_request("duration_seconds")
    user_id = str(app["owner_user_id"])
    if account_id is not None:
        if state.accounts.account(account_id) is None:
            raise invalid_request("account_id")
        user_id = account_id
    if enterprise_id is not None and enterprise_id != app["enterprise_id"]:
        raise OAuthFailure("access_deny", "invalid app type")
    scope = body.get("scope")
    if scope is not None and not _valid_scope(scope):
        raise invalid_request("scope")
    session = claims.get("session_name")
    if session is not None and not isinstance(session, str):
        raise invalid_client("session_name must be a string")
    token = state.oauth.issue_service_token(app, user_id, duration, session or "", scope)
    log.info("oauth: jwt grant issued a service token to client %s", app["id"])
    return token


def _valid_scope(scope: Any) -> bool:
    """`{"account_permission": {"permission_list": [...]}, "attribute_constraint"?: {...}}`."""

    def part(value: Any, name: str) -> Dict[str, Any]:
        got = value.get(name) if isinstance(value, dict) else None
        return got if isinstance(got, dict) else {}

    permissions = part(scope, "account_permission").get("permission_list")
    if not isinstance(scope, dict) or not isinstance(permissions, list):
        return False
    bots = part(part(scope, "attribute_constraint"), "connector_bot_chat_attribute").get("bot_id_list", [])
    return all(isinstance(p, str) for p in permissions) and isinstance(bots, list)


@router.post(P + "/token", summary="Token endpoint: code, PKCE, refresh, device and JWT grants")
async def token(request: Request) -> Response:
    return await _answer(request, lambda r, body: _grant(r, body, None, None))


@router.post(P + "/account/{account_id}/token", summary="JWT token for another (authorizing) account")
async def account_token(request: Request, account_id: str) -> Response:
    return await _answer(request, lambda r, body: _grant(r, body, account_id, None))


@router.post(P + "/enterprise_id/{enterprise_id}/token", summary="JWT token of an enterprise privileged app")
async def enterprise_token(request: Request, enterprise_id: str) -> Response:
    return await _answer(request, lambda r, body: _grant(r, body, None, enterprise_id))


# -- device code --------------------------------------------------------------------------------


def _device_code(request: Request, body: Dict[str, Any], workspace_id: Optional[str]) -> Dict[str, Any]:
    state = state_of(request)
    app = state.oauth.usable_app(_str(body, "client_id"), "device")
    if workspace_id is not None and state.store.get("workspace", workspace_id) is None:
        raise invalid_request("workspace_id")
    answer = state.oauth.issue_device_code(app, workspace_id)
    answer["verification_uri"] = str(request.base_url).rstrip("/") + pages.DEVICE_PAGE
    return answer


@router.post(P + "/device/code", summary="Start the device flow")
async def device_code(request: Request) -> Response:
    return await _answer(request, lambda r, body: _device_code(r, body, None))


@router.post(P + "/workspace_id/{workspace_id}/device/code", summary="Start the device flow for a workspace")
async def workspace_device_code(request: Request, workspace_id: str) -> Response:
    return await _answer(request, lambda r, body: _device_code(r, body, workspace_id))


# -- browser pages ------------------------------------------------------------------------------


@router.get(P + "/authorize", summary="The consent page (code and PKCE flows)")
def authorize(request: Request) -> Response:
    return pages.consent_page(request, None)


@router.get(P + "/workspace_id/{workspace_id}/authorize", summary="The consent page for a workspace")
def workspace_authorize(request: Request, workspace_id: str) -> Response:
    return pages.consent_page(request, workspace_id)


@router.post(P + "/authorize", summary="Consent given or refused: redirect back with a code")
async def authorize_decision(request: Request) -> Response:
    form = await pages.read_form(request)
    return await run_in_threadpool(pages.consent_decision, request, form, None)


@router.post(P + "/workspace_id/{workspace_id}/authorize", summary="Consent for a workspace")
async def workspace_authorize_decision(request: Request, workspace_id: str) -> Response:
    form = await pages.read_form(request)
    return await run_in_threadpool(pages.consent_decision, request, form, workspace_id)


@router.get(pages.DEVICE_PAGE, summary="Where the user enters (or confirms) a device user code")
def device_page(request: Request) -> Response:
    return pages.device_page(request)


@router.post(pages.DEVICE_PAGE, summary="The user approves or denies a device code")
async def device_decision(request: Request) -> Response:
    form = await pages.read_form(request)
    return await run_in_threadpool(pages.device_decision, request, form)
