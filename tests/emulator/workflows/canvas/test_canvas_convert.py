"""Coze's conversions between node values, templates and field filling."""

from __future__ import annotations

from typing import Any, List

import pytest

from cozekit.emulator.workflows.canvas import convert as c
from cozekit.emulator.workflows.canvas.model import TypeInfo, type_info


def conv(value: Any, raw_type: Any) -> Any:
    warnings: List[str] = []
    return c.convert(value, type_info(raw_type), "v", warnings), warnings


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (3, "string", "3"),
        (2.50, "string", "2.5"),
        (3.0, "string", "3"),
        (True, "string", "true"),
        ({"b": 1, "a": [1]}, "string", '{"b":1,"a":[1]}'),
        ("42", "integer", 42),
        (4.9, "integer", 4),
        ("1.5", "float", 1.5),
        (2, "float", 2.0),
        ("True", "boolean", True),
        ("0", "boolean", False),
    ],
)
def test_scalar_conversions(value, kind, expected):
    got, warnings = conv(value, {"type": kind})
    assert got == expected and type(got) is type(expected) and not warnings


@pytest.mark.parametrize(
    ("value", "kind"), [("x", "integer"), ("yes", "boolean"), (True, "integer"), ([1], "float")]
)
def test_failed_conversions_are_null_with_a_warning(value, kind):
    got, warnings = conv(value, {"type": kind})
    assert got is None and warnings and warnings[0].startswith("v: cannot convert")


def test_objects_and_lists_parse_from_json_text():
    obj = {"type": "object", "schema": [{"name": "n", "type": "integer"}]}
    assert conv('{"n": "5", "x": 1}', obj) == ({"n": 5, "x": 1}, [])
    got, warnings = conv('["1", "x", 3]', {"type": "list", "schema": {"type": "integer"}})
    assert got == [1, 3] and len(warnings) == 1
    assert conv("not json", {"type": "list"})[0] == []


def test_required_object_fields():
    obj = {"type": "object", "schema": [{"name": "n", "type": "integer", "required": True}]}
    with pytest.raises(c.ConversionError):
        conv({"m": 1}, obj)


def test_time_and_file_assist_types_are_text():
    assert type_info({"type": "string", "assistType": 10000}).type == "time"
    assert type_info({"type": "string", "assistType": 2}).type == "file"
    assert conv(5, {"type": "string", "assistType": 2})[0] == "5"


def test_render():
    values = {"a": {"b": [10, {"c": None}]}, "s": "x", "n": 1.0, "l": [1, "two"]}
    assert (
        c.render("{{a.b[0]}} {{a.b[1].c}} {{ s }} {{n}} {{nope}} {{a.zz}}", values)
        == "10  x 1 {{nope}} {{a.zz}}"
    )
    assert c.render("{{l}}", values) == '[1,"two"]'
    assert c.render("{{l}}", values, lambda items: "+".join(map(str, items))) == "1+two"
    with pytest.raises(c.TemplateError):
        c.render("{{l[9]}}", values)


def test_fill_nil_and_zero():
    obj = type_info(
        {"type": "object", "schema": [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"}]}
    )
    assert c.fill({"a": "x"}, obj, zero=False) == {"a": "x", "b": None}
    assert c.fill(None, TypeInfo("string"), zero=True) == ""
    assert c.fill(None, TypeInfo("string"), zero=False) is None
    items = type_info(
        {"type": "list", "schema": {"type": "object", "schema": [{"name": "a", "type": "string"}]}}
    )
    assert c.fill([{}, None], items, zero=False) == [{"a": None}, None]


def test_compatible():
    assert c.compatible(TypeInfo("integer"), TypeInfo("number"))
    assert c.compatible(TypeInfo("object"), TypeInfo("string"))
    assert not c.compatible(TypeInfo("boolean"), TypeInfo("integer"))
    assert not c.compatible(TypeInfo("list", elem=TypeInfo("string")), TypeInfo("object"))
