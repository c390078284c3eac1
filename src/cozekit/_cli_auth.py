"""`cozekit login`, `logout` and `whoami`.

`login` runs the device flow (or, with `--browser`, PKCE with a redirect to a listener on 127.0.0.1) and
saves the token (`cozekit.auth.saved_login`); later commands build their client with `coze_from_login`,
which refreshes the token and saves each rotated one. No token is ever printed.
"""

from __future__ import annotations

import webbrowser
from typing import Optional

import typer

from ._constants import COZE_COM_BASE_URL
from ._exceptions import CozeError
from .auth import DeviceOAuthApp, OAuthToken, PKCEOAuthApp, gen_code_verifier, gen_state
from .auth.loopback import RedirectListener
from .auth.saved_login import DEFAULT_TOKEN_FILE, coze_from_login, login_key, stored_login, token_store

__all__ = ["register"]

BaseUrl = typer.Option(COZE_COM_BASE_URL, "--base-url", envvar="COZE_API_BASE", help="API base URL.")
ClientId = typer.Option(
    None, "--client-id", envvar="COZE_CLIENT_ID", help="The OAuth app (device or PKCE) to log in with."
)
TokenFile = typer.Option(
    None, "--token-file", envvar="COZEKIT_TOKEN_FILE", help=f"Where tokens are kept [{DEFAULT_TOKEN_FILE}]."
)


class LoginFailed(Exception):
    """The browser came back with an error (or without a code)."""


def _device_login(client_id: str, base_url: str, workspace_id: Optional[str]) -> OAuthToken:
    app = DeviceOAuthApp(client_id, base_url=base_url)
    try:
        code = app.get_device_code(workspace_id=workspace_id)
        typer.echo(f"Open {code.verification_url} and confirm the code {code.user_code}")
        typer.echo(f"(waiting up to {code.expires_in} s)")
        return app.get_access_token(code, poll=True)
    finally:
        app.close()


def _browser_login(
    client_id: str, base_url: str, port: int, open_browser: bool, timeout: float
) -> OAuthToken:
    verifier, state = gen_code_verifier(), gen_state()
    app = PKCEOAuthApp(client_id, base_url=base_url)
    try:
        with RedirectListener(port) as listener:
            url = app.get_oauth_url(listener.redirect_uri, verifier, state=state)
            typer.echo(f"Open this page to authorize cozekit:\n{url}")
            if open_browser:
                webbrowser.open(url)
            back = listener.wait(timeout)
        if back.get("error"):
            raise LoginFailed(f"{back['error']}: {back.get('error_description', '')}")
        if back.get("state") != state or not back.get("code"):
            raise LoginFailed("the browser came back without a code for this login")
        return app.get_access_token(listener.redirect_uri, back["code"], verifier)
    finally:
        app.close()


def login(
    base_url: str = BaseUrl,
    client_id: Optional[str] = ClientId,
    token_file: Optional[str] = TokenFile,
    browser: bool = typer.Option(False, "--browser", help="Authorize in a browser (PKCE) instead of a code."),
    open_browser: bool = typer.Option(True, "--open/--no-open", help="With --browser: open it for you."),
    port: int = typer.Option(0, "--port", help="With --browser: the local redirect port (0: any free one)."),
    timeout: float = typer.Option(300, "--timeout", help="With --browser: seconds to wait for the redirect."),
    workspace_id: Optional[str] = typer.Option(None, "--workspace-id", help="Device flow for a workspace."),
) -> None:
    """Log in with an OAuth app and keep the token for later commands."""
    if not client_id:
        raise typer.BadParameter("pass --client-id or set COZE_CLIENT_ID", param_hint="--client-id")
    try:
        if browser:
            token = _browser_login(client_id, base_url, port, open_browser, timeout)
        else:
            token = _device_login(client_id, base_url, workspace_id)
    except (CozeError, TimeoutError, LoginFailed) as err:
        typer.echo(f"login failed: {err}", err=True)
        raise typer.Exit(1) from None
    store = token_store(token_file)
    store.save(login_key(client_id, base_url), token)
    typer.echo(f"Logged in to {base_url.rstrip('/')}; token saved in {store.path}")


def logout(
    base_url: str = BaseUrl, client_id: Optional[str] = ClientId, token_file: Optional[str] = TokenFile
) -> None:
    """Forget the saved token."""
    store = token_store(token_file)
    try:
        client_id, _ = stored_login(store, base_url, client_id)
    except LookupError as err:
        typer.echo(f"not logged in: {err}")
        return
    store.delete(login_key(client_id, base_url))
    typer.echo(f"Logged out of {base_url.rstrip('/')} ({client_id})")


def whoami(
    base_url: str = BaseUrl, client_id: Optional[str] = ClientId, token_file: Optional[str] = TokenFile
) -> None:
    """Show who the saved login acts as (refreshing the token if it expired)."""
    try:
        coze = coze_from_login(base_url, token_file, client_id)
    except LookupError as err:
        typer.echo(f"not logged in: {err}; run `cozekit login`", err=True)
        raise typer.Exit(1) from None
    with coze:
        try:
            me = coze.users.me()
        except CozeError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"{me.user_name or me.nick_name or '?'} (user_id {me.user_id})")


def register(app: typer.Typer) -> None:
    """Add `login`, `logout` and `whoami` to the `cozekit` command."""
    app.command()(login)
    app.command()(logout)
    app.command()(whoami)
