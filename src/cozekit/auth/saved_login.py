"""The login `cozekit login` saves, for any program or command that wants to act with it.

Tokens live in a `FileTokenStore` (mode 0600, default `~/.config/cozekit/tokens.json`) under
`<client_id>@<base_url>`. `coze_from_login()` builds a `Coze` whose auth refreshes the token and saves
each rotated one back, so the next run starts from the newest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Tuple

from .._client import Coze
from .._constants import COZE_COM_BASE_URL
from ..types.oauth import OAuthToken
from ._auths import OAuthRefreshAuth
from ._device import DeviceOAuthApp
from ._token_store import FileTokenStore

__all__ = ["DEFAULT_TOKEN_FILE", "coze_from_login", "login_auth", "login_key", "stored_login", "token_store"]

DEFAULT_TOKEN_FILE = "~/.config/cozekit/tokens.json"


def token_store(token_file: Optional[str] = None) -> FileTokenStore:
    """The store at `token_file`, else `$COZEKIT_TOKEN_FILE`, else `DEFAULT_TOKEN_FILE`."""
    chosen = token_file or os.environ.get("COZEKIT_TOKEN_FILE") or DEFAULT_TOKEN_FILE
    return FileTokenStore(Path(chosen).expanduser())


def login_key(client_id: str, base_url: str) -> str:
    return f"{client_id}@{base_url.rstrip('/')}"


def stored_login(
    store: FileTokenStore, base_url: str, client_id: Optional[str] = None
) -> Tuple[str, OAuthToken]:
    """The client id and token saved for `base_url`; LookupError when there is none (or there are
    several apps and no `client_id` to choose)."""
    base = base_url.rstrip("/")
    if client_id is None:
        saved = store.keys()
        ids = [k[: -len(base) - 1] for k in saved if k.endswith("@" + base)]
        if len(ids) != 1:
            what = "no login" if not ids else "several logins (pass --client-id)"
            raise LookupError(f"{what} for {base} in {store.path}")
        client_id = ids[0]
    token = store.load(login_key(client_id, base))
    if token is None:
        raise LookupError(f"no login of {client_id} for {base} in {store.path}")
    return client_id, token


def login_auth(
    base_url: str = COZE_COM_BASE_URL, token_file: Optional[str] = None, client_id: Optional[str] = None
) -> OAuthRefreshAuth:
    """An auth acting with the saved login; it refreshes the token and saves every new one."""
    store = token_store(token_file)
    client_id, token = stored_login(store, base_url, client_id)
    app = DeviceOAuthApp(client_id, base_url=base_url)  # device and PKCE apps refresh the same way
    return OAuthRefreshAuth(app, token, store=store, key=login_key(client_id, base_url))


def coze_from_login(
    base_url: str = COZE_COM_BASE_URL, token_file: Optional[str] = None, client_id: Optional[str] = None
) -> Coze:
    """A `Coze` acting with the token `cozekit login` saved (LookupError when there is none)."""
    return Coze(auth=login_auth(base_url, token_file, client_id), base_url=base_url)
