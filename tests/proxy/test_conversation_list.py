"""`GET /conversations`: only the caller's conversations with the allow-listed bots, newest first, paged."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx
import pytest

from cozekit import Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator

from .conftest import MakeProxy, as_user, parse_sse


def chat(http: httpx.Client, bot_id: str, user: str) -> str:
    """A new conversation made by a chat; its id."""
    events = parse_sse(
        http.post("/chat", json={"bot_id": bot_id, "message": "hi"}, headers=as_user(user)).text
    )
    return str(events[0][1]["conversation_id"])


def create(http: httpx.Client, bot_id: str, user: str) -> str:
    made = http.post("/conversations", json={"bot_id": bot_id}, headers=as_user(user))
    assert made.status_code == 200
    return str(made.json()["conversation_id"])


def listing(http: httpx.Client, user: str, **query: Any) -> Dict[str, Any]:
    resp = http.get("/conversations", params=query, headers=as_user(user))
    assert resp.status_code == 200, resp.text
    body: Dict[str, Any] = resp.json()
    return body


def ids(body: Dict[str, Any]) -> List[str]:
    return [c["id"] for c in body["conversations"]]


def test_each_user_sees_only_their_own(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    bot = upstream.demo_bot_id
    proxy = make_proxy()
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        a1 = chat(http, bot, "alice")
        b1 = chat(http, bot, "bob")
        a2 = create(http, bot, "alice")
        with Coze(auth=TokenAuth(upstream.token), base_url=upstream.base_url) as coze:
            coze.conversations.create(bot_id=bot)  # made outside the proxy: nobody's
            coze.conversations.create(bot_id=bot, meta_data={"cozekit_user": "alice"})  # no bot recorded
        b2 = create(http, bot, "bob")
        a3 = chat(http, bot, "alice")

        alice = listing(http, "alice")
        assert ids(alice) == [a3, a2, a1]  # newest first
        assert alice["has_more"] is False and alice["next_cursor"] is None
        first = alice["conversations"][0]
        assert set(first) == {"id", "bot_id", "name", "created_at", "updated_at"}
        assert first["bot_id"] == bot and isinstance(first["created_at"], int)
        assert ids(listing(http, "bob")) == [b2, b1]
        assert listing(http, "carol") == {"conversations": [], "has_more": False, "next_cursor": None}
        assert http.get("/conversations").status_code == 401
        # A listed conversation can be continued and read by its owner only.
        assert http.get(f"/conversations/{a1}/messages", headers=as_user("alice")).status_code == 200
        assert http.get(f"/conversations/{a1}/messages", headers=as_user("bob")).status_code == 404


def test_pages_follow_the_cursor(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    bot = upstream.demo_bot_id
    proxy = make_proxy()
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        made = [create(http, bot, "alice") for _ in range(5)]
        for _ in range(3):
            create(http, bot, "bob")
        newest_first = made[::-1]
        page1 = listing(http, "alice", limit=2)
        assert ids(page1) == newest_first[:2] and page1["has_more"] is True
        later = create(http, bot, "alice")  # a new conversation does not shift the later pages
        page2 = listing(http, "alice", limit=2, cursor=page1["next_cursor"])
        assert ids(page2) == newest_first[2:4] and page2["has_more"] is True
        page3 = listing(http, "alice", limit=2, cursor=page2["next_cursor"])
        assert ids(page3) == newest_first[4:] and page3["has_more"] is False
        assert page3["next_cursor"] is None
        assert ids(listing(http, "alice", limit=1)) == [later]
        assert len(ids(listing(http, "alice", limit=50))) == 6


def test_several_bots_merge_and_filter(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    demo = upstream.demo_bot_id
    other = upstream.control.create_bot(name="Other")
    hidden = upstream.control.create_bot(name="Not served")
    with Coze(auth=TokenAuth(upstream.token), base_url=upstream.base_url) as coze:
        meta = {"cozekit_user": "alice", "cozekit_bot": hidden}
        coze.conversations.create(bot_id=hidden, meta_data=meta)  # a bot this proxy does not serve
    proxy = make_proxy(bots=[demo, other])
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        d1 = create(http, demo, "alice")
        o1 = create(http, other, "alice")
        d2 = chat(http, demo, "alice")
        o2 = create(http, other, "alice")
        create(http, other, "bob")
        both = listing(http, "alice")
        assert ids(both) == [o2, d2, o1, d1]
        assert [c["bot_id"] for c in both["conversations"]] == [other, demo, other, demo]
        assert ids(listing(http, "alice", bot_id=demo)) == [d2, d1]
        assert ids(listing(http, "alice", bot_id=other)) == [o2, o1]
        page1 = listing(http, "alice", limit=3)
        assert ids(page1) == [o2, d2, o1]
        assert ids(listing(http, "alice", limit=3, cursor=page1["next_cursor"])) == [d1]
        refused = http.get("/conversations", params={"bot_id": hidden}, headers=as_user("alice"))
        assert refused.status_code == 403 and refused.json()["code"] == 4101


def test_only_the_newest_list_scan_conversations_are_read(
    make_proxy: MakeProxy, upstream: ThreadedEmulator
) -> None:
    bot = upstream.demo_bot_id
    narrow = make_proxy(list_scan=3)
    wide = make_proxy()
    with httpx.Client(base_url=narrow.base_url, timeout=30) as http:
        old = create(http, bot, "alice")
        for _ in range(3):
            create(http, bot, "bob")
        assert ids(listing(http, "alice")) == []  # beyond the 3 newest of the bot
        assert len(ids(listing(http, "bob"))) == 3
    with httpx.Client(base_url=wide.base_url, timeout=30) as http:
        assert ids(listing(http, "alice")) == [old]
    with pytest.raises(ValueError):
        make_proxy(list_scan=0)


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "51"}, "limit"),
        ({"cursor": "nonsense"}, "cursor"),
        ({"cursor": "12.x" + "9" * 200}, "cursor"),
    ],
)
def test_bad_list_queries(make_proxy: MakeProxy, query: Dict[str, str], where: Optional[str]) -> None:
    proxy = make_proxy()
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        resp = http.get("/conversations", params=query, headers=as_user("alice"))
        assert resp.status_code == 400
        assert resp.json()["code"] == 4000 and where in resp.json()["msg"]


def test_the_widget_restores_the_last_conversation(make_proxy: MakeProxy) -> None:
    proxy = make_proxy()
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        widget = http.get("/widget.js").text
    # With no conversation remembered in this browser, the widget asks for the newest one.
    assert '"/conversations?limit=1&bot_id="' in widget
    # "New chat" makes a conversation through the proxy, so it is the newest one next time.
    assert 'request("POST", "/conversations", target())' in widget
