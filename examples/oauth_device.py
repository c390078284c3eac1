"""The device flow, for CLIs and devices without a browser: show a URL and a code, the user approves on
any device, the app polls (honouring authorization_pending and slow_down) until the token arrives.

Set COZE_CLIENT_ID for your device app. Against the local emulator, leave it unset: the example
registers an app through the control plane. `cozekit login` does the same and keeps the token.
"""

import os
import webbrowser

from cozekit import Coze
from cozekit.auth import CozePKCEAuthError, DeviceOAuthApp, OAuthRefreshAuth

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
client_id = os.environ.get("COZE_CLIENT_ID", "")
if not client_id:  # the emulator: register a device app first
    from cozekit.emulator import OAuthControlClient

    client_id = OAuthControlClient(base_url).create_app("device")["client_id"]

app = DeviceOAuthApp(client_id, base_url=base_url)
code = app.get_device_code()
print(f"open {code.verification_uri} and enter {code.user_code} (valid {code.expires_in} s)")
webbrowser.open(code.verification_url)  # on this machine, if it has a browser
try:
    token = app.get_access_token(code, poll=True)
except CozePKCEAuthError as err:  # access_denied or expired_token
    raise SystemExit(f"not authorized: {err.error.value}") from None

with Coze(auth=OAuthRefreshAuth(app, token), base_url=base_url) as coze:
    print("acting as user:", coze.users.me().user_id)
