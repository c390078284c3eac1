"""Values between nodes: converting to a declared type the way Coze Studio does, and templates.

Conversion is lenient, as in Coze: numbers and booleans parse from text, objects and lists from JSON
text, anything becomes text (objects and lists as compact JSON); a value that cannot convert becomes
null with a warning, and list items that cannot convert are dropped. Missing required fields fail.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .model import TypeInfo

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")
_INT = re.compile(r"^[+-]?\d+$")


class ConversionError(ValueError):
    """A value that cannot serve as the declared type (a required field is missing)."""


def number_text(value: float) -> str:
    """A float as Coze writes it: shortest form, no exponent, no trailing `.0`."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = format(Decimal(repr(value)).normalize(), "f")
    return text


def _go_numbers(value: Any) -> Any:
    """Whole floats as integers: Go writes float64 123 as `123`, not `123.0`."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    return value


def to_json(value: Any, sort_keys: bool = False) -> str:
    """Compact JSON as Coze's Go serializer writes it: no spaces, whole floats without `.0`."""
    return json.dumps(_go_numbers(value), ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


def as_text(value: Any, sort_keys: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    return to_json(value, sort_keys)


def convert(value: Any, info: Optional[TypeInfo], path: str, warnings: List[str]) -> Any:
    """`value` as the type `info` declares (no type: unchanged); problems are appended to `warnings`."""
    if value is None or info is None:
        return value
    kind = info.type
    if kind in ("string", "time", "file"):
        if isinstance(value, (str, bool, int, float, list, dict)):
            return file_url(as_text(value)) if kind == "file" else as_text(value)
        return _warn(warnings, path, kind, value)
    if kind == "integer":
        if isinstance(value, bool):
            return _warn(warnings, path, kind, value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value)
        if isinstance(value, str) and _INT.match(value.strip()):
            return int(value.strip())
        return _warn(warnings, path, kind, value)
    if kind == "number":
        if isinstance(value, bool):
            return _warn(warnings, path, kind, value)
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        return _warn(warnings, path, kind, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in _TRUE + _FALSE:
            return value in _TRUE
        return _warn(warnings, path, kind, value)
    if kind == "object":
        return _object(value, info, path, warnings)
    if kind == "list":
        return _list(value, info, path, warnings)
    return value


FILE_NAME_PARAM = "x-wf-file_name"
"""The query parameter Coze's editor adds to file URLs to carry the file's name."""


def file_url(url: str) -> str:
    """A file URL without the editor's file-name parameter, as Coze Studio passes files between nodes
    (the other query parameters are kept, sorted by name as Go encodes them)."""
    parts = urlsplit(url)
    if FILE_NAME_PARAM not in parts.query:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != FILE_NAME_PARAM]
    return urlunsplit(parts._replace(query=urlencode(sorted(query, key=lambda kv: kv[0]))))


def _warn(warnings: List[str], path: str, kind: str, value: Any) -> None:
    shown = json.dumps(value, ensure_ascii=False, default=str)[:60]
    warnings.append(f"{path}: cannot convert {shown} to {kind}")
    return None


def _decoded(value: Any, kind: type) -> Tuple[Any, bool]:
    """`value`, read as JSON when it is text, and whether that is a `kind`."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return value, False
    return value, isinstance(value, kind)


def _object(value: Any, info: TypeInfo, path: str, warnings: List[str]) -> Any:
    value, ok = _decoded(value, dict)
    if not ok:
        return _warn(warnings, path, "object", value)
    out = {}
    for key, item in value.items():
        prop = info.props.get(key)
        out[key] = convert(item, prop, f"{path}.{key}", warnings) if prop else item
    if value:
        for key, prop in info.props.items():
            if prop.required and key not in out:
                raise ConversionError(f"missing required field {path}.{key}")
    return out


def _list(value: Any, info: TypeInfo, path: str, warnings: List[str]) -> Any:
    value, ok = _decoded(value, list)
    if not ok:
        _warn(warnings, path, "list", value)
        return []
    out = []
    for i, item in enumerate(value):
        before = len(warnings)
        converted = convert(item, info.elem, f"{path}.{i}", warnings)
        if len(warnings) == before or (info.elem is not None and info.elem.type == "object"):
            out.append(converted)
    return out


def convert_all(
    values: Mapping[str, Any], types: Mapping[str, TypeInfo], warnings: List[str], check_required: bool = True
) -> Dict[str, Any]:
    """Every value converted to its declared type; undeclared values kept."""
    out = {k: convert(v, types.get(k), k, warnings) for k, v in values.items()}
    if check_required:
        for name, info in types.items():
            if info.required and out.get(name) is None:
                raise ConversionError(f"missing required parameter {name}")
    return out


def compatible(source: TypeInfo, target: TypeInfo) -> bool:
    """Whether a value declared as `source` can feed an input declared as `target` (load-time check)."""
    s, t = source.type, target.type
    if t in ("string", "time", "file") or s in ("string", "time", "file"):
        return True  # anything renders as text; text parses into anything (or warns at run time)
    if t in ("integer", "number"):
        return s in ("integer", "number")
    if t == "boolean":
        return s == "boolean"
    if t == "object":
        return s == "object"
    if t == "list":
        if s != "list":
            return False
        if source.elem is None or target.elem is None:
            return True
        return compatible(source.elem, target.elem)
    return True


# -- templates -------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")
_SEGMENT = re.compile(r"^([^\[\]]*)((?:\[\d+\])*)$")


class TemplateError(ValueError):
    """A template index beyond the end of a list."""


def _path(expr: str) -> Optional[List[Any]]:
    """`a.b[0].c` as ["a", "b", 0, "c"]; None when it is not a path (then the text stays)."""
    out: List[Any] = []
    for segment in expr.split("."):
        m = _SEGMENT.match(segment.strip())
        if not m:
            return None
        if m.group(1):
            out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return out or None


def template_names(template: str) -> List[str]:
    """The variable names (first path segments) a template uses."""
    names = []
    for m in _PLACEHOLDER.finditer(template):
        path = _path(m.group(1))
        if path and isinstance(path[0], str):
            names.append(path[0])
    return names


def render(
    template: str, values: Mapping[str, Any], list_renderer: Optional[Callable[[List[Any]], str]] = None
) -> str:
    """Fill `{{name.field[0]}}` placeholders. An unknown name or field stays as written, null is empty,
    objects and lists are JSON with sorted keys (or `list_renderer` for lists)."""

    def one(m: re.Match[str]) -> str:
        path = _path(m.group(1))
        if path is None:
            return m.group(0)
        current: Any = values
        for i, step in enumerate(path):
            if isinstance(step, int):
                if not isinstance(current, list):
                    return m.group(0)
                if step >= len(current):
                    size = len(current)
                    raise TemplateError(
                        f"{{{{{m.group(1)}}}}}: index {step} is beyond the list's {size} items"
                    )
                current = current[step]
            elif isinstance(current, Mapping) and step in current:
                current = current[step]
            else:
                return m.group(0)
            if current is None and i < len(path) - 1:
                return ""
        if isinstance(current, list) and list_renderer is not None:
            return list_renderer(current)
        return as_text(current, sort_keys=True)

    return _PLACEHOLDER.sub(one, template)


def empty_of(info: TypeInfo) -> Any:
    """The zero value of a type (outputs a failing node returns by default)."""
    return {"string": "", "time": "", "file": "", "integer": 0, "number": 0.0, "boolean": False}.get(
        info.type, {} if info.type == "object" else [] if info.type == "list" else None
    )


def zero_of(info: TypeInfo) -> Any:
    """The value Coze Studio fills in for a missing node input: the type's zero value, where lists and
    objects are Go's nil (null, as JSON)."""
    return None if info.type in ("list", "object") else empty_of(info)


def pair(values: Tuple[Any, Any]) -> Tuple[Any, Any]:
    """Two operands with their numbers aligned (int and float compare as floats)."""
    a, b = values
    if isinstance(a, bool) or isinstance(b, bool):
        return a, b
    if isinstance(a, int) and isinstance(b, float):
        return float(a), b
    if isinstance(a, float) and isinstance(b, int):
        return a, float(b)
    return a, b


def fill(value: Any, info: TypeInfo, zero: bool, inside: bool = False) -> Any:
    """Coze's filling of declared fields: missing object fields become null (recursively, list items
    too); with `zero` (node inputs), a missing or null top-level value becomes its type's zero value."""
    if value is None:
        if info.props and not inside:
            return {k: fill(None, p, zero, True) for k, p in info.props.items()}
        return zero_of(info) if zero and not inside else None
    if info.props and isinstance(value, dict):
        out = dict(value)
        for key, prop in info.props.items():
            out[key] = fill(out.get(key), prop, zero, True)
        return out
    if info.type == "list" and info.elem is not None and isinstance(value, list):
        return [
            (zero_of(info.elem) if zero else None) if item is None else fill(item, info.elem, zero, True)
            for item in value
        ]
    return value


def fill_all(values: Dict[str, Any], types: Mapping[str, TypeInfo], zero: bool) -> Dict[str, Any]:
    out = dict(values)
    for name, info in types.items():
        out[name] = fill(out.get(name), info, zero)
    return out
