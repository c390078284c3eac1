"""`cozekit login`, `logout` and `whoami`, and `coze_from_login` for any command that needs a client.

`login` runs the device flow (or, with `--browser`, PKCE with a redirect to a listener on 127.0.0.1) and
saves the token in a file store (mode 0600) under `<client_id>@<base_url>`. Later commands build a
`Coze` whose auth refreshes that token and saves each rotated one. No token is ever printed.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Optional, Tuple

import typer

from ._client import Coze
from ._constants import COZE_COM_BASE_URL
from ._exceptions import CozeError
from .auth import (
    DeviceOAuthApp,
    FileTokenStore,
    OAuthRefreshAuth,
    OAuthToken,
    PKCEOAuthApp,
    gen_code_verifier,
    gen_state,
)
from .auth.loopback import RedirectListener

__all__ = ["DEFAULT_TOKEN_FILE", "coze_from_login", "register", "stored_login", "token_store"]

DEFAULT_TOKEN_FILE = "~/.config/cozekit/tokens.json"

BaseUrl = typer.Option(COZE_COM_BASE_URL, "--base-url", envvar="COZE_API_BASE", help="API base URL.")
ClientId = typer.Option(
    None, "--client-id", envvar="COZE_CLIENT_ID", help="The OAuth app (device or PKCE) to log in with."
)
TokenFile = typer.Option(
    None, "--token-file", envvar="COZEKIT_TOKEN_FILE", help=f"Where tokens are kept [{DEFAULT_TOKEN_FILE}]."
)


class LoginFailed(Exception):
    """The browser came back with an error (or without a code)."""


def token_store(token_file: Optional[str] = None) -> FileTokenStore:
    return FileTokenStore(Path(token_file or DEFAULT_TOKEN_FILE).expanduser())


def _key(client_id: str, base_url: str) -> str:
    return f"{client_id}@{base_url.rstrip('/')}"


def stored_login(
    store: FileTokenStore, base_url: str, client_id: Optional[str] = None
) -> Tuple[str, OAuthToken]:
    """The client id and token saved by `cozekit login` for `base_url`; LookupError when there is none
    (or several apps and no `client_id` to choose)."""
    base = base_url.rstrip("/")
    if client_id is None:
        saved = store.keys()
        ids = [k[: -len(base) - 1] for k in saved if k.endswith("@" + base)]
        if len(ids) != 1:
            what = "no login" if not ids else "several logins (pass --client-id)"
            raise LookupError(f"{what} for {base} in {store.path}")
        client_id = ids[0]
    token = store.load(_key(client_id, base))
    if token is None:
        raise LookupError(f"no login of {client_id} for {base} in {store.path}")
    return client_id, token


def coze_from_login(
    base_url: str = COZE_COM_BASE_URL, token_file: Optional[str] = None, client_id: Optional[str] = None
) -> Coze:
    """A `Coze` acting with the token `cozekit login` saved; it refreshes (and re-saves) it as needed."""
    store = token_store(token_file)
    client_id, token = stored_login(store, base_url, client_id)
    app = DeviceOAuthApp(client_id, base_url=base_url)  # public clients all refresh the same way
    auth = OAuthRefreshAuth(app, token, store=store, key=_key(client_id, base_url))
    return Coze(auth=auth, base_url=base_url)


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
    store.save(_key(client_id, base_url), token)
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
    store.delete(_key(client_id, base_url))
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
