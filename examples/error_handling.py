"""Errors carry Coze's code, msg and logid; catch them by kind."""

from cozekit import (
    APIConnectionError,
    AuthenticationError,
    Coze,
    CozeAPIError,
    NotFoundError,
    RateLimitError,
    TokenAuth,
)

coze = Coze()
try:
    coze.conversations.retrieve(conversation_id="0")
except NotFoundError as err:
    print("not found:", err.code, err.msg, "logid:", err.logid)
except CozeAPIError as err:
    print("other Coze error:", err.code, err.msg, "logid:", err.logid)

bad = Coze(TokenAuth("pat_not_a_real_token"), coze.base_url)
try:
    bad.users.me()
except AuthenticationError as err:
    print("bad token:", err.code, err.msg)
except RateLimitError as err:
    print("slow down:", err.msg)

try:
    coze.conversations.retrieve(conversation_id="")
except ValueError as err:
    print("caught before any request:", err)

offline = Coze(TokenAuth("t"), "http://127.0.0.1:9", max_retries=0)
try:
    offline.users.me()
except APIConnectionError as err:
    print("no server:", type(err).__name__)
