"""Callbacks end to end: the emulator posts signed events to the example receiver
(examples/callback_receiver.py) served on loopback; `cozekit.callbacks` verifies and parses them.
Plus retries, refusals and the log."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from cozekit import BadRequestError
from cozekit._server_thread import ServerThread
from cozekit.callbacks import (
    BotDeletedEvent,
    BotPublishedEvent,
    BotUnpublishedEvent,
    SignatureError,
    compute_signature,
    handle,
    parse_event,
    verify_signature,
)
from cozekit.types.api_app import APIAppEventType
from sync_or_async import MODES, open_client, run

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "callback_receiver.py"
BOT_EVENTS = ["bot.published", "bot.unpublished", "bot.deleted", "benefit.usage"]


def _load_example() -> Any:
    spec = importlib.util.spec_from_file_location("callback_receiver_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def receiver() -> Iterator[Any]:
    """The example app, served on 127.0.0.1; `.url` is its callback URL."""
    app = _load_example().create_app()
    thread = ServerThread(app, name="callback receiver")
    port = thread.start()
    app.state.url = f"http://127.0.0.1:{port}/coze/callback"
    yield app
    thread.stop()


class Flaky:
    """A receiver answering HTTP 500 to its first `failures` posts (or holding each until released)."""

    def __init__(self, failures: int = 0, hold: bool = False) -> None:
        self.failures = failures
        self.bodies: List[bytes] = []
        self.release = threading.Event()
        self.hold = hold
        app = FastAPI()

        @app.post("/hook")
        def hook(request_body: Dict[str, Any], request: Request) -> Any:
            if "challenge" in request_body:
                return {"challenge": request_body["challenge"]}
            if self.hold:
                self.release.wait(10)
            self.bodies.append(json.dumps(request_body).encode())
            if len(self.bodies) <= self.failures:
                return JSONResponse({"error": "not now"}, status_code=500)
            return {}

        self.thread = ServerThread(app, name="flaky receiver")
        self.url = f"http://127.0.0.1:{self.thread.start()}/hook"

    def stop(self) -> None:
        self.release.set()
        self.thread.stop()


async def _callback_app(client: Any, receiver: Any, events: List[str]) -> Any:
    app = await run(client.api_apps.create(app_type="normal", name="hooks"))
    receiver.state.verify_token = app.verify_token  # before the URL: the challenge is signed too
    url = receiver.state.url
    await run(client.api_apps.update(app_id=app.id, callback_url=url))
    await run(client.api_apps.events.create(api_app_id=app.id, event_types=events))
    return app


@pytest.mark.parametrize("mode", MODES)
async def test_bot_lifecycle_and_billing_events_reach_the_example_receiver(
    mode: str, coze_emulator: Any, receiver: Any
) -> None:
    control = coze_emulator.control
    bot_id = control.create_bot(name="Notifier", published=False)
    async with open_client(mode, coze_emulator.base_url, coze_emulator.token) as client:
        app = await _callback_app(client, receiver, BOT_EVENTS)
        published = await run(client.bots.publish(bot_id=bot_id))
        await run(client.bots.unpublish(bot_id=bot_id, connector_id="1024"))
    assert control.delete_bot(bot_id)
    assert control.billing_event("benefit.usage", change_balance="-0.25", model_input_token=12)

    log = control.callback_deliveries(api_app_id=app.id)
    assert [d["status"] for d in log] == ["delivered"] * 4
    assert [len(d["attempts"]) for d in log] == [1, 1, 1, 1]
    assert [d["event_type"] for d in log] == BOT_EVENTS
    # Each delivery has a thread of its own: they may arrive in any order.
    by_id = {e.header.event_id: e for e in receiver.state.events}
    assert len(receiver.state.events) == 4 and receiver.state.rejected == 0
    events = [by_id[d["event_id"]] for d in log]
    assert [e.event_type for e in events] == BOT_EVENTS
    header = events[0].header
    assert (header.api_app_id, header.coze_account_id) == (app.id, coze_emulator.user_id)
    assert header.created_at > 10**12  # milliseconds

    pub, unpub, deleted, usage = (e.event for e in events)
    assert isinstance(pub, BotPublishedEvent)
    assert (pub.bot_id_str, pub.bot_name, pub.version) == (int(bot_id), "Notifier", published.version)
    assert (pub.space_id, pub.bot_id) == (coze_emulator.workspace_id, bot_id)
    assert isinstance(unpub, BotUnpublishedEvent) and unpub.bot_id == bot_id
    assert isinstance(deleted, BotDeletedEvent) and deleted.space_id == coze_emulator.workspace_id
    assert (usage.change_balance, usage.model_input_token) == ("-0.25", 12)


def test_a_tampered_or_unsigned_delivery_is_rejected(coze_emulator: Any, receiver: Any) -> None:
    with httpx.Client() as http:
        app = http.post(
            coze_emulator.base_url + "/v1/api_apps",
            json={"app_type": "normal", "name": "hooks"},
            headers={"Authorization": f"Bearer {coze_emulator.token}"},
        ).json()["data"]
    receiver.state.verify_token = app["verify_token"]
    body = json.dumps({"header": {"event_type": "bot.deleted", "event_id": "e1"}, "event": {"bot_id": "1"}})
    headers = {"X-Coze-Timestamp": "1700000000", "X-Coze-Nonce": "n1"}
    good = compute_signature("1700000000", "n1", app["verify_token"], body)
    with httpx.Client() as http:
        tampered = body.replace('"1"', '"2"')
        answer = http.post(
            receiver.state.url, content=tampered, headers={**headers, "X-Coze-Signature": good}
        )
        assert answer.status_code == 401
        assert http.post(receiver.state.url, content=body).status_code == 401
        assert receiver.state.rejected == 2 and receiver.state.events == []
        # The same request correctly signed but stale is refused too (the example allows 300 s).
        answer = http.post(receiver.state.url, content=body, headers={**headers, "X-Coze-Signature": good})
        assert answer.status_code == 401 and "too old" in answer.text


@pytest.mark.parametrize("mode", MODES)
async def test_setting_a_callback_url_needs_an_allowed_url_that_answers_the_challenge(
    mode: str, coze_emulator: Any
) -> None:
    silent = ServerThread(FastAPI(), name="silent")  # answers 404 to every post
    url = f"http://127.0.0.1:{silent.start()}/hook"
    try:
        async with open_client(mode, coze_emulator.base_url, coze_emulator.token) as client:
            app = await run(client.api_apps.create(app_type="normal", name="hooks"))
            for bad in ("https://example.com/cb", "http://10.0.0.1/cb", "ftp://127.0.0.1/cb", url):
                with pytest.raises(BadRequestError) as err:
                    await run(client.api_apps.update(app_id=app.id, callback_url=bad))
                assert err.value.code == 4000 and "callback_url" in err.value.msg
            listed = [a async for a in client.api_apps.list()] if mode == "async" else client.api_apps.list()
            assert [a.callback_url for a in listed] == [None]
    finally:
        silent.stop()


def test_failed_deliveries_are_retried_with_backoff_then_given_up(coze_emulator: Any) -> None:
    control = coze_emulator.control
    control.configure(callback_retries=2, callback_backoff=0.01)
    flaky, dead = Flaky(failures=2), Flaky(failures=99)
    try:
        with open_client_sync(coze_emulator) as client:
            first = client.api_apps.create(app_type="normal", name="flaky")
            client.api_apps.update(app_id=first.id, callback_url=flaky.url)
            client.api_apps.events.create(api_app_id=first.id, event_types=["bot.deleted"])
            second = client.api_apps.create(app_type="normal", name="dead")
            client.api_apps.update(app_id=second.id, callback_url=dead.url)
            client.api_apps.events.create(api_app_id=second.id, event_types=["bot.deleted"])
        control.delete_bot(control.create_bot())
        by_app = {d["api_app_id"]: d for d in control.callback_deliveries()}
        ok, failed = by_app[first.id], by_app[second.id]
        assert (ok["status"], [a["status_code"] for a in ok["attempts"]]) == ("delivered", [500, 500, 200])
        assert (failed["status"], [a["status_code"] for a in failed["attempts"]]) == ("failed", [500] * 3)
        assert len(flaky.bodies) == 3 and len({b for b in flaky.bodies}) == 1  # the same event each time
    finally:
        flaky.stop()
        dead.stop()


def test_delivery_never_holds_up_the_request(coze_emulator: Any) -> None:
    control = coze_emulator.control
    slow = Flaky(hold=True)
    try:
        with open_client_sync(coze_emulator) as client:
            app = client.api_apps.create(app_type="normal", name="slow")
            client.api_apps.update(app_id=app.id, callback_url=slow.url)
            client.api_apps.events.create(api_app_id=app.id, event_types=["bot.published"])
            bot_id = control.create_bot(published=False)
            client.bots.publish(bot_id=bot_id)  # returns while the receiver still holds the delivery
            assert [d["status"] for d in control.callback_deliveries(wait=False)] == ["pending"]
        slow.release.set()
        assert [d["status"] for d in control.callback_deliveries()] == ["delivered"]
    finally:
        slow.stop()


def test_only_subscribed_events_of_the_owner_are_delivered(coze_emulator: Any, receiver: Any) -> None:
    control = coze_emulator.control
    other = control.create_account("other")
    with open_client_sync(coze_emulator) as client:
        app = client.api_apps.create(app_type="normal", name="only deletes")
        receiver.state.verify_token = app.verify_token
        client.api_apps.update(app_id=app.id, callback_url=receiver.state.url)
        client.api_apps.events.create(api_app_id=app.id, event_types=["bot.deleted"])
    mine = control.create_bot(name="Mine")  # published: not subscribed
    theirs = control.create_bot(name="Theirs", token=other["token"])
    assert control.delete_bot(theirs) == []
    assert len(control.delete_bot(mine)) == 1
    assert [(e.event_type, e.event.bot_name) for e in _events(control, receiver)] == [("bot.deleted", "Mine")]


def test_a_reset_forgets_the_log(coze_emulator: Any, receiver: Any) -> None:
    control = coze_emulator.control
    with open_client_sync(coze_emulator) as client:
        app = client.api_apps.create(app_type="normal", name="hooks")
        receiver.state.verify_token = app.verify_token
        client.api_apps.update(app_id=app.id, callback_url=receiver.state.url)
        client.api_apps.events.create(api_app_id=app.id, event_types=["benefit.usage"])
    assert len(control.billing_event("benefit.usage")) == 1
    assert len(control.callback_deliveries()) == 1
    control.reset()
    assert control.callback_deliveries() == []


def _events(control: Any, receiver: Any) -> List[Any]:
    control.callback_deliveries()  # waits for deliveries in flight
    return list(receiver.state.events)


def open_client_sync(coze_emulator: Any) -> Any:
    from cozekit import Coze, TokenAuth

    return Coze(TokenAuth(coze_emulator.token), coze_emulator.base_url)


# -- cozekit.callbacks on its own ---------------------------------------------------------------------


def test_signature_is_sha1_of_timestamp_nonce_token_body_compared_in_constant_time() -> None:
    body = b'{"header":{"event_type":"bot.deleted","event_id":"x"},"event":{"bot_id":"7"}}'
    expected = hashlib.sha1(b"1700000000" + b"abc" + b"secret" + body).hexdigest()
    assert compute_signature("1700000000", "abc", "secret", body) == expected
    headers = {"x-coze-signature": expected.upper(), "x-coze-timestamp": "1700000000", "x-coze-nonce": "abc"}
    verify_signature(body, headers, "secret")  # header names in any case
    for broken in (
        {**headers, "x-coze-nonce": "abd"},
        {k: v for k, v in headers.items() if k != "x-coze-nonce"},
    ):
        with pytest.raises(SignatureError):
            verify_signature(body, broken, "secret")
    with pytest.raises(SignatureError):
        verify_signature(body, headers, "other secret")
    verify_signature(body, headers, "secret", max_age=60, now=1700000030)
    with pytest.raises(SignatureError, match="too old"):
        verify_signature(body, headers, "secret", max_age=60, now=1700000090)


def test_events_parse_into_types_and_unknown_ones_stay_open() -> None:
    event = parse_event(
        {"header": {"event_type": "bot.unpublished", "event_id": "1"}, "event": {"bot_id": "9", "x": 1}}
    )
    assert isinstance(event.event, BotUnpublishedEvent) and event.event.model_extra == {"x": 1}
    future = parse_event(b'{"header":{"event_type":"bot.renamed","event_id":"2","new":true},"event":{"a":1}}')
    assert future.event_type == "bot.renamed" and future.event == {"a": 1}
    assert future.event_type != APIAppEventType.BOT_DELETED and future.header.model_extra == {"new": True}
    with pytest.raises(ValueError):
        parse_event(b"[1]")


def test_handle_answers_the_challenge() -> None:
    body = b'{"challenge":"c-123"}'
    headers = {
        "X-Coze-Signature": compute_signature("1", "n", "tok", body),
        "X-Coze-Timestamp": "1",
        "X-Coze-Nonce": "n",
    }
    result = handle(body, headers, "tok")
    assert (result.challenge, result.reply, result.event) == ("c-123", {"challenge": "c-123"}, None)
    with pytest.raises(SignatureError):
        handle(body, headers, "not the token")


def test_a_channel_callback_app_answers_bot_published_with_its_review(coze_emulator: Any) -> None:
    control = coze_emulator.control
    connector_id = control.create_connector(name="Shop channel")
    tokens: Dict[str, str] = {}
    seen: List[Any] = []
    app = FastAPI()

    @app.post("/channel")
    async def channel(request: Request) -> Any:
        result = handle(await request.body(), request.headers, tokens["verify"])
        if result.event is None:
            return result.reply
        seen.append(result.event)
        return {"audit": {"audit_status": 3, "reason": "needs a privacy notice"}}

    server = ServerThread(app, name="channel")
    url = f"http://127.0.0.1:{server.start()}/channel"
    try:
        with open_client_sync(coze_emulator) as client:
            callback_app = client.api_apps.create(app_type="connector", connector_id=connector_id)
            tokens["verify"] = callback_app.verify_token
            client.api_apps.update(app_id=callback_app.id, callback_url=url)
            client.api_apps.events.create(api_app_id=callback_app.id, event_types=["bot.published"])
            bot_id = control.create_bot(name="Shop", published=False)
            client.bots.publish(bot_id=bot_id, connector_ids=["1024", connector_id])
        [delivery] = control.callback_deliveries()
        assert delivery["status"] == "delivered"
    finally:
        server.stop()
    [event] = seen
    assert event.header.connector_id == connector_id and event.event.space_id is None
    assert event.event.bot_id == bot_id
    review = control.connector(connector_id)["reviews"][bot_id]
    assert (review["audit_status"], review["reason"]) == (3, "needs a privacy notice")


def test_callback_hosts_beyond_loopback_come_from_config_or_the_environment(monkeypatch: Any) -> None:
    from cozekit.emulator.admin.callbacks import url_refusal
    from cozekit.emulator.core.config import EmulatorConfig

    monkeypatch.setenv("COZEKIT_EMULATOR_CALLBACK_HOSTS", "hooks.internal, Other.Test")
    hosts = EmulatorConfig.from_env().callback_hosts
    assert hosts == ("hooks.internal", "Other.Test")
    for allowed in (
        "http://hooks.internal/cb",
        "https://other.test/cb",
        "http://[::1]:9/cb",
        "http://127.0.0.2/",
    ):
        assert url_refusal(allowed, hosts) is None
    for refused in ("http://example.com/cb", "http://192.168.1.2/cb", "file:///etc/passwd", "http:///cb"):
        assert url_refusal(refused, hosts)
