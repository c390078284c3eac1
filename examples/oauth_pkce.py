"""PKCE for public clients (desktop, mobile, single-page apps): no secret; a one-time code verifier
proves that whoever trades the code is whoever asked for it.

Set COZE_CLIENT_ID for your PKCE app (redirect URI http://127.0.0.1/callback, or set REDIRECT_PORT).
Against the local emulator, leave it unset: the example registers an app through the control plane.
"""

import os
import webbrowser

from cozekit import Coze
from cozekit.auth import OAuthRefreshAuth, PKCEOAuthApp, gen_code_verifier, gen_state
from cozekit.auth.loopback import RedirectListener

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
client_id = os.environ.get("COZE_CLIENT_ID", "")
if not client_id:  # the emulator: register a PKCE app first
    from cozekit.emulator import OAuthControlClient

    created = OAuthControlClient(base_url).create_app("pkce", redirect_uris=["http://127.0.0.1/callback"])
    client_id = created["client_id"]

app = PKCEOAuthApp(client_id, base_url=base_url)
verifier, state = gen_code_verifier(), gen_state()
with RedirectListener(port=int(os.environ.get("REDIRECT_PORT", "0"))) as listener:
    # S256 sends sha256(verifier); "plain" (for clients without hashing) sends the verifier itself
    url = app.get_oauth_url(listener.redirect_uri, verifier, code_challenge_method="S256", state=state)
    print("authorize at:", url)
    webbrowser.open(url)
    back = listener.wait(timeout=300)
if back.get("state") != state or "code" not in back:
    raise SystemExit(f"authorization failed: {back.get('error', 'state mismatch')}")

token = app.get_access_token(listener.redirect_uri, back["code"], verifier)
with Coze(auth=OAuthRefreshAuth(app, token), base_url=base_url) as coze:
    print("acting as user:", coze.users.me().user_id)
