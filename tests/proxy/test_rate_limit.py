"""Rate limits on `POST /chat`: token buckets per end user and per client IP, driven by a fake clock."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import httpx
import pytest

from cozekit import Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import ProxyConfig, RateLimiter, ThreadedProxy, create_proxy_app, parse_rate

from .conftest import SECRET, MakeProxy, as_user, parse_sse

SHOP = "https://shop.example"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("10/minute", (10, 60.0)),
        ("10/minutes", (10, 60.0)),
        ("1/s", (1, 1.0)),
        ("5 / sec", (5, 1.0)),
        ("100/15min", (100, 900.0)),
        ("3/hour", (3, 3600.0)),
        ("2/2h", (2, 7200.0)),
        ("1000/day", (1000, 86400.0)),
        ("7/Days", (7, 86400.0)),
    ],
)
def test_parse_rate(rate: str, parsed: Tuple[int, float]) -> None:
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "10", "10/", "/minute", "0/minute", "10/0min", "10/fortnight", "-1/s"])
def test_parse_rate_refuses_nonsense(rate: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(rate)
    with pytest.raises(ValueError):
        RateLimiter(rate)


def test_bucket_bursts_then_refills_with_the_clock() -> None:
    clock = Clock()
    limit = RateLimiter("3/minute", clock=clock)
    for _ in range(3):
        assert limit.wait("a") == 0.0
        limit.take("a")
    assert limit.wait("a") == pytest.approx(20.0)  # one token every 20 s
    assert limit.wait("b") == 0.0  # keys have their own buckets
    clock.now += 5
    assert limit.wait("a") == pytest.approx(15.0)
    clock.now += 15
    assert limit.wait("a") == 0.0
    limit.take("a")
    assert limit.wait("a") == pytest.approx(20.0)
    clock.now += 3600  # a long pause refills only up to the burst
    for _ in range(3):
        assert limit.wait("a") == 0.0
        limit.take("a")
    assert limit.wait("a") > 0


def test_burst_and_forgotten_keys() -> None:
    clock = Clock()
    limit = RateLimiter("1/minute", burst=2, clock=clock, max_keys=2)
    limit.take("a")
    limit.take("a")
    assert limit.wait("a") == pytest.approx(60.0)
    limit.take("b")
    limit.take("c")  # "a" is the least recently used of three: forgotten, so full again
    assert limit.wait("a") == 0.0
    assert limit.wait("c") == 0.0 and limit.wait("b") == 0.0  # one token left each
    with pytest.raises(ValueError):
        RateLimiter("1/minute", burst=0)


def chat(
    http: httpx.Client, bot_id: str, user: str, headers: Optional[Dict[str, str]] = None
) -> httpx.Response:
    sent = {**as_user(user), **(headers or {})}
    return http.post("/chat", json={"bot_id": bot_id, "message": "hi"}, headers=sent)


def test_each_end_user_has_a_bucket(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    clock = Clock()
    proxy = make_proxy(rate_limit=RateLimiter("2/minute", clock=clock), allowed_origins=[SHOP])
    bot = upstream.demo_bot_id
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        assert parse_sse(chat(http, bot, "alice").text)[-1][0] == "done"
        assert chat(http, bot, "alice").status_code == 200
        refused = chat(http, bot, "alice", {"Origin": SHOP})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "30"
        body = refused.json()
        assert body["code"] == 4029 and "30 s" in body["msg"] and body["logid"] == ""
        assert refused.headers["access-control-allow-origin"] == SHOP
        assert "retry-after" in refused.headers["access-control-expose-headers"].lower()
        assert chat(http, bot, "bob").status_code == 200  # another user is not affected
        clock.now += 29
        assert chat(http, bot, "alice").headers["retry-after"] == "1"
        clock.now += 1
        assert parse_sse(chat(http, bot, "alice").text)[-1][0] == "done"
        assert chat(http, bot, "alice").status_code == 429
        # Only chats count: reading history and making conversations is not limited.
        made = http.post("/conversations", json={"bot_id": bot}, headers=as_user("alice"))
        assert made.status_code == 200


def conversation_count(upstream: ThreadedEmulator) -> int:
    with Coze(auth=TokenAuth(upstream.token), base_url=upstream.base_url) as coze:
        return len(list(coze.conversations.list(bot_id=upstream.demo_bot_id)))


def test_refused_requests_spend_nothing_and_reach_no_one(
    make_proxy: MakeProxy, upstream: ThreadedEmulator
) -> None:
    clock = Clock()
    proxy = make_proxy(rate_limit=RateLimiter("1/minute", clock=clock))
    bot = upstream.demo_bot_id
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        assert chat(http, bot, "alice").status_code == 200
        before = conversation_count(upstream)
        for _ in range(5):
            assert chat(http, bot, "alice").status_code == 429
        assert conversation_count(upstream) == before  # no conversation made, no chat started
        clock.now += 60  # the refused calls did not push the refill back
        assert chat(http, bot, "alice").status_code == 200


def test_each_client_ip_has_a_bucket(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    clock = Clock()
    proxy = make_proxy(ip_rate_limit=RateLimiter("2/minute", clock=clock))
    bot = upstream.demo_bot_id
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        assert chat(http, bot, "alice").status_code == 200
        assert chat(http, bot, "bob").status_code == 200
        refused = chat(http, bot, "carol")  # a new user from the same address
        assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    other_ip = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=proxy.base_url, timeout=30, transport=other_ip) as elsewhere:
        assert chat(elsewhere, bot, "carol").status_code == 200


def test_both_limits_together(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    clock = Clock()
    proxy = make_proxy(
        rate_limit=RateLimiter("1/minute", clock=clock), ip_rate_limit=RateLimiter("3/minute", clock=clock)
    )
    bot = upstream.demo_bot_id
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        assert chat(http, bot, "alice").status_code == 200
        assert chat(http, bot, "alice").headers["retry-after"] == "60"  # the user's bucket
        assert chat(http, bot, "bob").status_code == 200
        assert chat(http, bot, "carol").status_code == 200
        assert chat(http, bot, "dave").headers["retry-after"] == "20"  # the address's bucket


def test_a_rate_string_uses_the_real_clock(upstream: ThreadedEmulator) -> None:
    config = ProxyConfig(auth=TokenAuth(upstream.token), base_url=upstream.base_url)
    app = create_proxy_app(config, bots=[upstream.demo_bot_id], secret=SECRET, rate_limit="1/hour")
    with ThreadedProxy(app) as proxy, httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        assert chat(http, upstream.demo_bot_id, "alice").status_code == 200
        refused = chat(http, upstream.demo_bot_id, "alice")
        assert refused.status_code == 429 and 3590 <= int(refused.headers["retry-after"]) <= 3600
    with pytest.raises(ValueError):
        create_proxy_app(config, bots=[upstream.demo_bot_id], rate_limit="lots")
