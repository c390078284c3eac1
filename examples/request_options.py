"""Client-wide and per-call options: timeouts, retries, headers, query, body."""

import httpx

from cozekit import Coze

coze = Coze(timeout=httpx.Timeout(30.0, connect=5.0), max_retries=3, default_headers={"X-App": "example"})

# Per call: every method takes these keyword arguments.
me = coze.users.me(
    extra_headers={"X-Request-Tag": "demo"}, extra_query={"debug": "1"}, timeout=10, max_retries=0
)
print("me:", me.user_id)

# A variant of the client that shares its connections.
quick = coze.with_options(timeout=5.0, max_retries=0)
print("workspaces:", len(quick.workspaces.list().items))
