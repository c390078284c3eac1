"""Run the chat proxy in this process and chat through it the way the widget does.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_BOT_ID. The proxy holds the Coze token; the "browser" below only
has an end-user token signed with the proxy's secret. Open the printed URL in a browser while it runs with
`cozekit proxy --bot $COZE_BOT_ID --anonymous` instead to try the widget itself.
"""

import json
import os
import secrets

import httpx

from cozekit.proxy import HEADER_NAME, ProxyConfig, ThreadedProxy, create_proxy_app, sign_user

bot_id = os.environ["COZE_BOT_ID"]
secret = secrets.token_hex(16)  # in production: a fixed secret shared with your site's backend
app = create_proxy_app(
    ProxyConfig(),  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE, held by the server only
    bots=[bot_id],
    allowed_origins=["https://shop.example"],
    secret=secret,
    rate_limit="10/minute",  # per end user: a burst of 10 messages, then one every 6 s
    ip_rate_limit="30/minute",  # per client address
)

with ThreadedProxy(app) as proxy:
    print(f"proxy at {proxy.base_url}  (widget: {proxy.base_url}/widget.js)")
    user_token = sign_user("visitor-1", secret)  # what your site's backend hands the page
    body = {"bot_id": bot_id, "message": "Hello from the widget"}
    answer = ""
    with httpx.stream(
        "POST", f"{proxy.base_url}/chat", json=body, headers={HEADER_NAME: user_token}, timeout=60
    ) as reply:
        reply.raise_for_status()
        event = ""
        for line in reply.iter_lines():
            if line.startswith("event:"):
                event = line[len("event:") :]
            elif line.startswith("data:") and event == "conversation.message.delta":
                delta = json.loads(line[len("data:") :])
                answer += delta["content"]
                print(delta["content"], end="", flush=True)
    print(f"\nanswer: {answer}")
    mine = httpx.get(f"{proxy.base_url}/conversations", headers={HEADER_NAME: user_token}).json()
    print(f"visitor-1 has {len(mine['conversations'])} conversation(s)")
