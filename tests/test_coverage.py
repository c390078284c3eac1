"""docs/coverage.md is complete and current: every operation in scripts/endpoints.tsv (and every operation
beyond it, `EXTRA_OPERATIONS`) has a cozekit call that exists on `Coze` and `AsyncCoze` and sends that
operation, the committed table is what scripts/endpoint_coverage.py generates now, the emulator serves every
operation and every emulator route the table claims is served.

The Tests column is what a whole test run sends, so it is checked at the end of one (tests/operation_log.py);
here: that the session emulator notes each request with the test that sent it, that requests are matched to
the right operations, and that a table listing other tests than a run's record is reported."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any, Dict, List

import httpx
import pytest
from starlette.routing import Match

from cozekit.emulator.app import create_app
from operation_log import RequestLog, coverage_script, stale_table
from sync_or_async import Client, collect, run

ROOT = Path(__file__).resolve().parents[1]

KNOWN_GAPS: List[str] = []
"""doc_page of each operation cozekit has no call for yet. Empty: every operation is covered. A new
operation without a call fails `test_every_operation_has_a_cozekit_call`; adding a call for one listed here
fails it too, until it is removed from the list."""


EMULATOR_GAPS: List[str] = []
"""doc_page of each operation the emulator does not serve yet (empty: it serves all of them); kept exact
like KNOWN_GAPS."""


cov = coverage_script()
OPERATIONS = cov.load_operations()
EXTRAS = cov.EXTRA_OPERATIONS


def test_operations_are_one_per_doc_page() -> None:
    pages = [op.doc_page for op in OPERATIONS]
    assert len(pages) == len(set(pages)) > 100
    assert all(op.method in {"GET", "POST", "PUT", "DELETE"} for op in OPERATIONS)


def test_the_index_is_the_official_one_and_the_extras_are_beyond_it() -> None:
    assert len(OPERATIONS) == 126
    index = {(op.method, op.path) for op in OPERATIONS}
    assert [op for op in EXTRAS if (op.method, op.path) in index] == []
    pages = [op.doc_page for op in OPERATIONS + EXTRAS]
    assert len(pages) == len(set(pages))
    assert set(cov.EXTRA_SOURCES) == {op.doc_page for op in EXTRAS}


def test_every_operation_has_a_cozekit_call() -> None:
    assert cov.unmapped(OPERATIONS) == KNOWN_GAPS
    assert cov.unmapped(EXTRAS) == []


def test_every_call_exists_on_both_clients_and_sends_its_operation() -> None:
    assert cov.check_calls(OPERATIONS) == []


def test_a_wrong_or_missing_call_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {
        "get_plugin": [cov.c("plugins.batch_retrieve", ids=["p1"])],
        "list_plugin": [cov.c("stores.plugins.search")],
    }
    monkeypatch.setattr(cov, "CALLS", calls)
    problems = cov.check_calls(OPERATIONS)
    assert len(problems) == 4  # each one sync and async
    assert sum("sent GET /v1/plugins/mget, not GET /v1/plugins/:plugin_id" in p for p in problems) == 2
    assert sum("does not exist" in p for p in problems) == 2


def test_the_committed_table_is_current() -> None:
    """Everything but the Tests column (taken from the table itself; a whole run checks that one)."""
    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == cov.generate(cov.tested_in_doc(committed)), (
        "docs/coverage.md is stale: run .venv/bin/python scripts/endpoint_coverage.py"
    )


def test_the_emulator_serves_every_operation() -> None:
    routes = cov.emulator_routes()
    assert [op.doc_page for op in OPERATIONS if not cov.served(op, routes)] == EMULATOR_GAPS
    assert [op.doc_page for op in EXTRAS if not cov.served(op, routes)] == []


def _claims() -> Dict[str, str]:
    """doc_page -> the Emulator column of docs/coverage.md (both tables)."""
    claims: Dict[str, str] = {}
    for line in (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 6 and cells[1] in {op.doc_page for op in OPERATIONS + EXTRAS}:
            claims[cells[1]] = cells[4]
    return claims


def test_every_claimed_emulator_route_is_served() -> None:
    claims = _claims()
    assert set(claims) == {op.doc_page for op in OPERATIONS + EXTRAS}
    routes = create_app().router.routes
    for op in OPERATIONS + EXTRAS:
        path = re.sub(r":\w+|\{\w+\}", "x1", op.path)
        scope = {"type": "websocket" if op.kind == "ws" else "http", "path": path, "method": op.method}
        scope.update(root_path="", headers=[], query_string=b"")
        matched = any(route.matches(scope)[0] == Match.FULL for route in routes)
        expected = ("ws" if op.kind == "ws" else "yes") if matched else "no"
        assert claims[op.doc_page] == expected, op


def _received(method: str, path: str, **fields: Any) -> Any:
    return cov.Received(method, path, **fields)


def _jwt(**claims: Any) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiJ9.{payload}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("received", "page"),
    [
        (_received("POST", "/v3/chat"), "chat_v3"),
        (_received("GET", "/v1/plugins/mget"), "batch_get_plugins_info"),
        (_received("GET", "/v1/plugins/7401"), "get_plugin"),
        (_received("GET", "/v1/audio/speech", websocket=True), "tts_api"),
        (_received("GET", "/v1/audio/speech"), None),
        (_received("GET", "/v3/chat"), None),
        (_received("POST", "/_emulator/reset"), None),
        (_received("GET", "/api/permission/oauth2/authorize", query={"client_id": "c"}), "oauth_code"),
        (
            _received("GET", "/api/permission/oauth2/authorize", query={"code_challenge": "x"}),
            "oauth_pkce",
        ),
        (_received("POST", cov.TOKEN_PATH, form={"grant_type": "authorization_code"}), "oauth_code"),
        (
            _received(
                "POST", cov.TOKEN_PATH, form={"grant_type": "authorization_code", "code_verifier": "v"}
            ),
            "oauth_pkce",
        ),
        (
            _received(
                "POST", cov.TOKEN_PATH, form={"grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
            ),
            "oauth_device_code",
        ),
        (_received("POST", cov.TOKEN_PATH, form={"grant_type": "refresh_token"}), None),
        (
            _received(
                "POST",
                cov.TOKEN_PATH,
                form={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                bearer=_jwt(iss="c", session_name="u1"),
            ),
            "oauth_jwt",
        ),
        (
            _received(
                "POST",
                cov.TOKEN_PATH,
                form={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                bearer=_jwt(iss="c", session_context={"device_info": {"device_id": "1"}}),
            ),
            "oauth_jwt_channel",
        ),
        (_received("POST", "/api/permission/oauth2/account/acc1/token"), "oauth_jwt_collaborate"),
    ],
)
def test_a_request_is_matched_to_its_operation(received: Any, page: Any) -> None:
    assert cov.operation_of(received) == page


async def test_the_session_emulator_notes_what_each_test_sends(
    client: Client, emu: Any, request_log: RequestLog, request: pytest.FixtureRequest
) -> None:
    conversation = await run(client.conversations.create())
    await collect(client.conversations.messages.list(conversation_id=conversation.id))
    with httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}) as raw:
        answer = raw.get("/v1/conversation/retrieve", params={"conversation_id": conversation.id})
    assert answer.json()["code"] == 0

    sent = request_log.sent_by(request.node.nodeid)
    assert sent == [("create_conversation", True), ("list_message", True), ("retrieve_conversation", False)]
    record = request_log.record()
    assert request.node.nodeid in record["create_conversation"]
    assert request.node.nodeid not in record.get("retrieve_conversation", [])


def test_a_table_listing_other_tests_than_the_record_is_reported() -> None:
    document = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    listed = cov.tested_in_doc(document)
    assert len(listed) > 100
    assert stale_table(document, listed) == ""

    moved = {**listed, "chat_v3": ["tests/sdk/chat/test_elsewhere.py"]}
    untested = {page: files for page, files in listed.items() if page != "list_workspace"}
    assert "chat_v3: listed" in stale_table(document, moved)
    assert "list_workspace: listed" in stale_table(document, untested)
