"""docs/coverage.md is complete and current: every operation in scripts/endpoints.tsv (and every operation
beyond it, `EXTRA_OPERATIONS`) has a cozekit call that exists on `Coze` and `AsyncCoze` and sends that
operation, the committed table is what scripts/endpoint_coverage.py generates now, the emulator serves every
operation and every emulator route the table claims is served."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, List

import pytest
from starlette.routing import Match

from cozekit.emulator.app import create_app

ROOT = Path(__file__).resolve().parents[1]

KNOWN_GAPS: List[str] = []
"""doc_page of each operation cozekit has no call for yet. Empty: every operation is covered. A new
operation without a call fails `test_every_operation_has_a_cozekit_call`; adding a call for one listed here
fails it too, until it is removed from the list."""


EMULATOR_GAPS: List[str] = []
"""doc_page of each operation the emulator does not serve yet (empty: it serves all of them); kept exact
like KNOWN_GAPS."""


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "endpoint_coverage", ROOT / "scripts" / "endpoint_coverage.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


cov = _load()
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
    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == cov.generate(), (
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
