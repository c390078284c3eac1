"""The code/condition expression language: what it evaluates, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit.emulator.workflows.engine.expr import ExpressionError, evaluate, parse


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("x['a'][1:]", [2, 3]),
        ("'yes' if x['n'] > 1 and not false else 'no'", "yes"),
        ("join(',', sorted(keys(x)))", "a,n"),
        ("get(x, 'missing', 5) + len(range(4))", 9),
        ("{'k': upper('v'), 'l': [1, 2]}", {"k": "V", "l": [1, 2]}),
        ("json_loads('[1]')[0] in (1, 2)", True),
    ],
)
def test_allowed_expressions(source: str, expected: Any) -> None:
    assert evaluate(source, {"x": {"a": [1, 2, 3], "n": 2}}) == expected


@pytest.mark.parametrize(
    "source",
    ["x.__class__", "__import__('os')", "open('f')", "[i for i in x]", "lambda: 1", "f(**x)", "(y := 1)"],
)
def test_rejected_when_parsed(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse(source)


@pytest.mark.parametrize(
    "source",
    [
        "'a' * 2000000",
        "[[1] * 1000000] * 1000000",
        "str([[0] * 100000] * 1000)",
        "((10 ** 1000) ** 1000) ** 1000",
        "2 ** 5000",
        "range(10 ** 9)",
        "1 / 0",
        "nope + 1",
    ],
)
def test_resource_limits_and_runtime_errors(source: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(source, {})
