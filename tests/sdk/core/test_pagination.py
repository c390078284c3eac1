"""Pagers walk every page, sync and async, in the three paging styles."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import httpx

from cozekit import AsyncPager, CozeModel, SyncPager
from cozekit._envelope import BODY
from cozekit._request import RequestOptions, get, post
from cozekit.pagination import LastIdPaging, NumberPaging, TokenPaging
from fake_server import fake_client


class Item(CozeModel):
    id: str


def numbered(total_items: int, *, report: str) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        num = int(request.url.params["page_num"])
        size = int(request.url.params["page_size"])
        ids = list(range((num - 1) * size, min(num * size, total_items)))
        data: Dict[str, Any] = {"items": [{"id": str(i)} for i in ids]}
        if report == "has_more":
            data["has_more"] = num * size < total_items
        elif report == "total":
            data["total"] = total_items
        return httpx.Response(
            200, json={"code": 0, "msg": "", "data": data}, headers={"x-tt-logid": f"p{num}"}
        )

    return handler


def number_paging(page_size: int = 2) -> NumberPaging[Item]:
    return NumberPaging(
        Item, "items", lambda n, s: get("/v1/items", {"page_num": n, "page_size": s}), page_size=page_size
    )


def test_number_pager_walks_every_page_by_each_signal() -> None:
    for report in ("has_more", "total", "nothing"):
        client = fake_client("sync", numbered(5, report=report))
        pager = SyncPager(client, number_paging())
        assert [item.id for item in pager] == ["0", "1", "2", "3", "4"]
        assert len(pager.items) == 2
        assert pager.has_more


def test_number_pager_pages_and_logids() -> None:
    pager = SyncPager(fake_client("sync", numbered(5, report="total")), number_paging())
    pages = list(pager.iter_pages())
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert [p.logid for p in pages] == ["p1", "p2", "p3"]
    assert [p.page_num for p in pages] == [1, 2, 3]
    assert pager.total == 5
    assert pages[1].items[0].logid == "p2"


def test_number_pager_stops_on_empty_page() -> None:
    pager = SyncPager(fake_client("sync", numbered(4, report="nothing")), number_paging())
    assert len(list(pager)) == 4


def test_iterating_twice_walks_again_reusing_the_first_page() -> None:
    calls: List[str] = []
    handler = numbered(3, report="has_more")

    def counting(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.params["page_num"])
        return handler(request)  # type: ignore[no-any-return]

    pager = SyncPager(fake_client("sync", counting), number_paging())
    assert len(list(pager)) == 3
    assert len(list(pager)) == 3
    assert calls == ["1", "2", "2"]


def tokens(request: httpx.Request) -> httpx.Response:
    token = request.url.params.get("page_token", "")
    pages = {"": (["a", "b"], "t1"), "t1": (["c"], "t2"), "t2": (["d"], "")}
    ids, nxt = pages[token]
    data = {"items": [{"id": i} for i in ids], "has_more": bool(nxt), "next_page_token": nxt}
    return httpx.Response(200, json={"code": 0, "data": data})


def token_paging() -> TokenPaging[Item]:
    return TokenPaging(Item, "items", lambda t: get("/v1/things", {"page_token": t or None}))


def test_token_pager() -> None:
    pager = SyncPager(fake_client("sync", tokens), token_paging())
    assert [i.id for i in pager] == ["a", "b", "c", "d"]


MESSAGES = [str(i) for i in range(7)]


def messages(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    after: Optional[str] = body.get("after_id")
    before: Optional[str] = body.get("before_id")
    if after:
        start = MESSAGES.index(after) + 1
        chunk = MESSAGES[start : start + 3]
        more = start + 3 < len(MESSAGES)
    elif before:
        end = MESSAGES.index(before)
        chunk = MESSAGES[max(0, end - 3) : end]
        more = end - 3 > 0
    else:
        chunk, more = MESSAGES[:3], True
    out = {
        "code": 0,
        "data": [{"id": i} for i in chunk],
        "first_id": chunk[0] if chunk else "",
        "last_id": chunk[-1] if chunk else "",
        "has_more": more,
    }
    return httpx.Response(200, json=out)


def message_request(before: Optional[str], after: Optional[str]) -> RequestOptions:
    return post(
        "/v1/conversation/message/list",
        {"before_id": before, "after_id": after, "limit": 3},
        {"conversation_id": "c"},
        envelope=BODY,
        idempotent=True,
    )


def test_last_id_pager_forward() -> None:
    pager = SyncPager(fake_client("sync", messages), LastIdPaging(Item, message_request))
    assert [i.id for i in pager] == MESSAGES
    assert pager.page.first_id == "0"
    assert pager.page.last_id == "2"


def test_last_id_pager_backward_from_before_id() -> None:
    pager = SyncPager(fake_client("sync", messages), LastIdPaging(Item, message_request, before_id="6"))
    assert [p.first_id for p in pager.iter_pages()] == ["3", "0"]


async def test_async_pager_is_awaitable_and_iterable() -> None:
    client = fake_client("async", numbered(5, report="has_more"))
    pager = await AsyncPager(client, number_paging())
    assert [i.id for i in pager.items] == ["0", "1"]
    assert pager.has_more
    assert [i.id async for i in pager] == ["0", "1", "2", "3", "4"]
    direct = [i.id async for i in AsyncPager(fake_client("async", tokens), token_paging())]
    assert direct == ["a", "b", "c", "d"]
    pages = [
        p
        async for p in AsyncPager(
            fake_client("async", messages), LastIdPaging(Item, message_request)
        ).iter_pages()
    ]
    assert [p.last_id for p in pages] == ["2", "5", "6"]
