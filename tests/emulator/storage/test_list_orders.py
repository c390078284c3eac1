"""Every list the emulator's services page by a time or a name reads an index in that order.

`Store.page` orders any kind by any column correctly, but only the kinds in `schema.ORDERED_KINDS` have an
index in an order other than the id's: a page of another kind in such an order sorts every row its filters
match, O(rows) instead of O(page). This reads the services' source for `.page(...)` calls, so a new list
by `updated_at`, `created_at` or `name` fails here until its kind is indexed (and a schema step builds the
index)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Optional, Tuple

import cozekit.emulator
from cozekit.emulator.core import schema

SOURCE = Path(cozekit.emulator.__file__).parent


def _text(node: Optional[ast.expr]) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _pages() -> Iterator[Tuple[str, int, Optional[str], Optional[str]]]:
    """(file, line, kind, order) of every `<x>.page(kind, ..., order=...)` call that names an order."""
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "page":
                continue
            order = next((k.value for k in node.keywords if k.arg == "order"), None)
            if order is None:
                continue
            kind = _text(node.args[0]) if node.args else None
            yield str(path.relative_to(SOURCE)), node.lineno, kind, _text(order)


def test_every_page_in_a_time_or_name_order_has_an_index_in_it() -> None:
    pages = list(_pages())
    assert pages, "no ordered page found: the scan no longer sees the services' lists"
    for where, line, kind, order in pages:
        assert kind is not None and order is not None, (
            f"{where}:{line} pages a kind or an order this test cannot read: name both literally"
        )
        if order != "seq":
            assert schema.is_ordered(order, kind), (
                f"{where}:{line} pages {kind} by {order}, which has no index in that order: add it to "
                f"schema.ORDERED_KINDS and a schema step that builds it"
            )


def test_the_scan_sees_each_ordered_kind_the_schema_indexes() -> None:
    seen = {(order, kind) for _, _, kind, order in _pages()}
    indexed = {(order, kind) for order, kinds in schema.ORDERED_KINDS.items() for kind in kinds}
    assert indexed <= seen  # an index nothing lists by would be written on every insert for nothing
