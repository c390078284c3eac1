"""A web app's OAuth (authorization code): the user consents on Coze's page, the app trades the code
(with its client secret) for a token that `OAuthRefreshAuth` then refreshes by itself.

Set COZE_CLIENT_ID and COZE_CLIENT_SECRET for your app (redirect URI http://127.0.0.1/callback, or set
REDIRECT_PORT to the port you registered). Against the local emulator, leave them unset: the example
registers an app through the emulator's control plane.
"""

import os
import webbrowser

from cozekit import Coze
from cozekit.auth import OAuthRefreshAuth, WebOAuthApp, gen_state
from cozekit.auth.loopback import RedirectListener

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
client_id = os.environ.get("COZE_CLIENT_ID", "")
client_secret = os.environ.get("COZE_CLIENT_SECRET", "")
if not client_id:  # the emulator: register a web app first
    from cozekit.emulator import OAuthControlClient

    created = OAuthControlClient(base_url).create_app("web", redirect_uris=["http://127.0.0.1/callback"])
    client_id, client_secret = created["client_id"], created["client_secret"]

app = WebOAuthApp(client_id, client_secret, base_url=base_url)
state = gen_state()  # ties the redirect to this login
with RedirectListener(port=int(os.environ.get("REDIRECT_PORT", "0"))) as listener:
    url = app.get_oauth_url(listener.redirect_uri, state=state)
    print("authorize at:", url)
    webbrowser.open(url)
    back = listener.wait(timeout=300)
if back.get("state") != state or "code" not in back:
    raise SystemExit(f"authorization failed: {back.get('error', 'state mismatch')}")

token = app.get_access_token(listener.redirect_uri, back["code"])
with Coze(auth=OAuthRefreshAuth(app, token), base_url=base_url) as coze:
    print("acting as user:", coze.users.me().user_id)
rotated = app.refresh_access_token(token.refresh_token)
print("refresh token rotated:", rotated.refresh_token != token.refresh_token)
