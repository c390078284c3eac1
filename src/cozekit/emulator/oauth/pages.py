"""The OAuth pages a browser sees: a minimal consent form and the device-code page (inline HTML).

The emulator has no login: consent is given as the app's owner, or as `user_id` when the form
(or the authorize URL) names another emulator account.
"""

import html
from typing import Dict, Mapping, Optional
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..routing import state_of
from .backend import OAuthFailure, redirect_allowed

DEVICE_PAGE = "/api/permission/oauth2/device/verify"
CONSENT_FIELDS = ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "user_id")

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto">
<h1>{title}</h1>
{content}
</body></html>"""


def _html(title: str, content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=html.escape(title), content=content), status_code=status)


def _form(action: str, fields: Mapping[str, str], prompt: str) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    return (
        f"<p>{prompt}</p>"
        f'<form method="post" action="{html.escape(action)}">{hidden}'
        '<button type="submit" name="decision" value="approve">Authorize</button> '
        '<button type="submit" name="decision" value="deny">Deny</button>'
        "</form>"
    )


def _check(request: Request, params: Mapping[str, str], workspace_id: Optional[str]) -> Dict[str, str]:
    """The app checked against the authorize parameters; an OAuthFailure when they are wrong."""
    state = state_of(request)
    if params.get("response_type", "code") != "code":
        raise OAuthFailure("invalid_request", "invalid request: response_type")
    app = state.oauth.usable_app(params.get("client_id", ""), "web", "pkce")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri or not redirect_allowed(app["redirect_uris"], redirect_uri):
        raise OAuthFailure("invalid_request", "invalid request: redirect_uri")
    if workspace_id is not None and state.store.get("workspace", workspace_id) is None:
        raise OAuthFailure("invalid_request", "invalid request: workspace_id")
    user_id = params.get("user_id") or str(app["owner_user_id"])
    user = state.accounts.account(user_id)
    if user is None:
        raise OAuthFailure("access_deny", "login session invalid")
    return {"app": str(app["name"]), "user_id": user_id, "user_name": user.user_name}


def consent_page(request: Request, workspace_id: Optional[str]) -> Response:
    params = dict(request.query_params)
    try:
        who = _check(request, params, workspace_id)
    except OAuthFailure as failure:
        return _html("Authorization failed", f"<p>{html.escape(failure.message)}</p>", 400)
    fields = {k: params[k] for k in CONSENT_FIELDS if params.get(k)}
    fields["user_id"] = who["user_id"]
    prompt = (
        f"<b>{html.escape(who['app'])}</b> asks to act on Coze as <b>{html.escape(who['user_name'])}</b>."
    )
    return _html("Authorize app", _form(request.url.path, fields, prompt))


async def read_form(request: Request) -> Dict[str, str]:
    """A posted form's fields (read on the event loop; the decisions run in the thread pool)."""
    return {k: str(v) for k, v in (await request.form()).items()}


def consent_decision(request: Request, form: Dict[str, str], workspace_id: Optional[str]) -> Response:
    try:
        who = _check(request, form, workspace_id)
    except OAuthFailure as failure:
        return _html("Authorization failed", f"<p>{html.escape(failure.message)}</p>", 400)
    back: Dict[str, str] = {}
    if form.get("decision") == "approve":
        oauth = state_of(request).oauth
        app = oauth.usable_app(form["client_id"], "web", "pkce")
        try:
            back["code"] = oauth.issue_code(
                app,
                who["user_id"],
                form["redirect_uri"],
                form.get("code_challenge"),
                form.get("code_challenge_method"),
                workspace_id,
            )
        except OAuthFailure as failure:
            back = {"error": failure.error, "error_description": failure.message}
    else:
        back = {"error": "access_denied", "error_description": "the user denied the request"}
    if form.get("state"):
        back["state"] = form["state"]
    sep = "&" if "?" in form["redirect_uri"] else "?"
    return RedirectResponse(form["redirect_uri"] + sep + urlencode(back), status_code=302)


def device_page(request: Request) -> Response:
    user_code = request.query_params.get("user_code", "")
    if not user_code:
        content = (
            f'<form method="get" action="{DEVICE_PAGE}"><label>User code '
            '<input name="user_code" autofocus></label> <button type="submit">Next</button></form>'
        )
        return _html("Connect a device", content)
    prompt = f"Approve the device showing the code <b>{html.escape(user_code)}</b>?"
    return _html("Connect a device", _form(DEVICE_PAGE, {"user_code": user_code}, prompt))


def device_decision(request: Request, form: Dict[str, str]) -> Response:
    approve = form.get("decision") == "approve"
    try:
        state_of(request).oauth.decide_device(form.get("user_code", ""), approve, form.get("user_id"))
    except (KeyError, ValueError):
        return _html("Unknown code", "<p>That code is unknown, expired or already used.</p>", 400)
    result = "Device connected. You can close this page." if approve else "Request denied."
    return _html("Done", f"<p>{result}</p>")
