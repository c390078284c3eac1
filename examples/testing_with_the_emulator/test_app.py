"""Testing app.py offline: the `coze_emulator` fixture (a pytest plugin installed with
`cozekit[testing]`) is a local Coze with a demo bot, reset before each test.

    pytest examples/testing_with_the_emulator

Script the bot's replies to test your parsing, and inject faults to test how your app behaves when Coze
misbehaves: no account, no network, no flaky LLM.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app import Triage, parse_triage, triage

from cozekit import Coze, PermissionDeniedError, RateLimitError, TokenAuth
from cozekit.emulator import ThreadedEmulator


@pytest.fixture
def coze(coze_emulator: ThreadedEmulator) -> Iterator[Coze]:
    """The app's client, pointed at the emulator instead of api.coze.com."""
    with Coze(auth=TokenAuth(coze_emulator.token), base_url=coze_emulator.base_url) as client:
        yield client


def test_scripted_reply_is_parsed(coze: Coze, coze_emulator: ThreadedEmulator) -> None:
    # The bot's next turn answers exactly this, streamed in small chunks like a real model.
    coze_emulator.control.script(coze_emulator.demo_bot_id, {"text": "Category: Billing\nPriority:  HIGH"})

    assert triage(coze, coze_emulator.demo_bot_id, "I was charged twice") == Triage("billing", "high")


def test_an_answer_without_fields_falls_back(coze: Coze, coze_emulator: ThreadedEmulator) -> None:
    # A model having a bad day: no fields to read.
    coze_emulator.control.script(coze_emulator.demo_bot_id, {"text": "Sorry, I cannot tell."})

    assert triage(coze, coze_emulator.demo_bot_id, "Hello?") == Triage("other", "normal")


def test_parse_ignores_unknown_priorities() -> None:
    assert parse_triage("category: login, priority: urgent!") == Triage("login", "normal")


def test_a_rate_limit_is_retried_after_the_wait_coze_asks_for(
    coze: Coze, coze_emulator: ThreadedEmulator
) -> None:
    # The first chat request gets HTTP 429 with `Retry-After: 0`; the SDK waits that long and retries.
    coze_emulator.control.fault("http_error", path="/v3/chat", method="POST", status=429, retry_after=0)
    coze_emulator.control.script(coze_emulator.demo_bot_id, {"text": "category: login\npriority: low"})

    assert triage(coze, coze_emulator.demo_bot_id, "I cannot log in") == Triage("login", "low")


def test_without_retries_the_rate_limit_surfaces(coze: Coze, coze_emulator: ThreadedEmulator) -> None:
    coze_emulator.control.fault("http_error", path="/v3/chat", method="POST", status=429, retry_after=0)

    with pytest.raises(RateLimitError) as caught:
        triage(coze.with_options(max_retries=0), coze_emulator.demo_bot_id, "I cannot log in")
    assert caught.value.status_code == 429
    assert caught.value.response is not None and caught.value.response.headers["retry-after"] == "0"


def test_a_business_error_is_a_typed_error_with_a_logid(coze: Coze, coze_emulator: ThreadedEmulator) -> None:
    # Coze reports most errors as HTTP 200 with a business code; 4101 means "no permission".
    coze_emulator.control.fault("business_error", path="/v3/chat", code=4101, msg="no access to this bot")

    with pytest.raises(PermissionDeniedError) as caught:
        triage(coze, coze_emulator.demo_bot_id, "Where is my order?")
    assert (caught.value.code, caught.value.msg) == (4101, "no access to this bot")
    assert caught.value.logid  # quote it to Coze support
