"""A service app (JWT): sign an assertion with the app's private key and trade it for a token; `JWTAuth`
does that again whenever the token nears expiry. No user has to be present.

Set COZE_CLIENT_ID, COZE_JWT_PUBLIC_KEY_ID and COZE_JWT_PRIVATE_KEY_FILE (a PEM file). Against the local
emulator, leave them unset: the example registers an app (and gets a key pair) through the control plane.
"""

import os
from pathlib import Path

from cozekit import Coze
from cozekit.auth import JWTAuth, JWTOAuthApp

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
client_id = os.environ.get("COZE_CLIENT_ID", "")
if client_id:
    public_key_id = os.environ["COZE_JWT_PUBLIC_KEY_ID"]
    private_key = Path(os.environ["COZE_JWT_PRIVATE_KEY_FILE"]).read_text()
else:  # the emulator: register a JWT app; it answers with a fresh key pair
    from cozekit.emulator import OAuthControlClient

    created = OAuthControlClient(base_url).create_app("jwt")
    client_id, public_key_id, private_key = (
        created[k] for k in ("client_id", "public_key_id", "private_key")
    )

app = JWTOAuthApp(client_id, private_key, public_key_id, base_url=base_url)
token = app.get_access_token(ttl=900)  # one token by hand (duration_seconds, at most 86399)
print("token type:", token.token_type, "- no refresh token:", token.refresh_token in (None, ""))

with Coze(auth=JWTAuth(oauth_app=app, ttl=3600), base_url=base_url) as coze:  # renews itself
    print("acting as user:", coze.users.me().user_id)
