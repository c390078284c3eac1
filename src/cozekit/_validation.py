"""Reading what Coze sent: validated where possible, raw where not.

Every response model is validated by pydantic first (the fast path: nothing here runs when the answer
has the declared shape). When it fails, the default is to read it leniently rather than raise:

- unknown fields are kept (models allow extra fields), absent optional fields take their defaults;
- a field whose value has an unexpected type keeps the value as sent (a number for a string field becomes
  its text); a field typed as a model (or a list or mapping of models) reads an object leniently in
  turn, so a bad field deep inside a message keeps the message; a value no model can be read from (text
  where an object is expected) leaves the field at its default (`None`), the only safe choice;
  `null` where a value is expected leaves the default (`[]` for a list);
- a required field that is absent is `None`;
- what was not read as declared is listed, as sent, in the object's `invalid_fields`.

Only an answer with no usable shape (a list or text where an object is expected) raises
`APIResponseValidationError`. With strict validation (`Coze(strict_validation=True)`, or the environment
variable `COZEKIT_STRICT_VALIDATION=1`), any failure raises it, naming the field.
"""

from __future__ import annotations

import json
import typing
from functools import cache
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from pydantic import AliasChoices, AliasPath, BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from typing_extensions import Annotated

from ._env import strict_from_env
from ._exceptions import APIResponseValidationError, CozeInvalidEventError
from ._response import ResponseInfo

__all__ = ["lenient_model", "read_event_data", "read_model", "read_models", "unusable", "validation_error"]

_M = TypeVar("_M", bound=BaseModel)
_Loc = Tuple[Union[str, int], ...]
_MAX_ROUNDS = 8


# -- entry points --------------------------------------------------------------------------------------


def read_model(
    cls: Type[_M], data: Any, info: Optional[ResponseInfo] = None, *, strict: Optional[bool] = None
) -> _M:
    """`data` as a `cls`: validated, else read leniently (or, strict, `APIResponseValidationError`)."""
    try:
        return cls.__pydantic_validator__.validate_python(data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        return _recover(cls, data, exc, info, strict)


def read_event_data(
    cls: Type[_M], name: str, data: str, exc: ValidationError, info: Optional[ResponseInfo]
) -> _M:
    """The data of a stream event `name` that did not validate as `cls` (`exc`): strictly,
    `APIResponseValidationError`; leniently, what can be read of it. Data that is not a JSON object has
    no usable shape: `CozeInvalidEventError`."""
    try:
        body = json.loads(data)
    except (ValueError, TypeError):
        body = None
    if not isinstance(body, Mapping):
        logid = info.logid if info is not None else ""
        raise CozeInvalidEventError(field=name, data=data, logid=logid) from exc
    if _is_strict(info, None):
        raise validation_error(exc, cls, data, info, what=f"{cls.__name__} (a {name!r} event)") from None
    result = _lenient(cls, body, exc)
    assert result is not None
    return result


def read_models(
    cls: Type[_M], items: Any, info: Optional[ResponseInfo] = None, *, strict: Optional[bool] = None
) -> List[_M]:
    """A list of `cls` (`null` is an empty list). An item that is not an object has no usable shape."""
    if items is None:
        return []
    if not isinstance(items, list):
        if _is_strict(info, strict):
            raise APIResponseValidationError(
                f"expected a list of {cls.__name__}, got {type(items).__name__}",
                body=items,
                logid=info.logid if info is not None else "",
                status_code=info.status_code if info is not None else None,
            )
        raise unusable(items, info, f"a list of {cls.__name__}")
    validate = cls.__pydantic_validator__.validate_python
    out: List[_M] = []
    for index, item in enumerate(items):
        try:
            out.append(validate(item))
        except ValidationError as exc:
            out.append(_recover(cls, item, exc, info, strict, (index,)))
    return out


# -- errors --------------------------------------------------------------------------------------------


def _is_strict(info: Optional[ResponseInfo], strict: Optional[bool]) -> bool:
    if strict is not None:
        return strict
    if info is not None:
        return info.strict
    return strict_from_env()


def _loc_text(loc: Sequence[Union[str, int]]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def validation_error(
    exc: ValidationError,
    cls: Type[BaseModel],
    body: Any,
    info: Optional[ResponseInfo],
    prefix: _Loc = (),
    what: str = "",
) -> APIResponseValidationError:
    """The `APIResponseValidationError` for a failed validation, naming the first bad field's path."""
    errors = exc.errors(include_url=False)
    first = errors[0] if errors else {"loc": (), "msg": str(exc), "type": ""}
    path = _loc_text(prefix + tuple(first["loc"]))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    expected = what or cls.__name__
    error = APIResponseValidationError(
        f"the response does not read as {expected}: {path}: {first['msg']}{more}",
        body=body,
        logid=info.logid if info is not None else "",
        status_code=info.status_code if info is not None else None,
        field=path,
    )
    error.errors = errors
    return error


def unusable(data: Any, info: Optional[ResponseInfo], expected: str) -> APIResponseValidationError:
    """The error for an answer with no usable shape: `expected` says what was wanted, e.g. "a page"."""
    got = "null" if data is None else type(data).__name__
    return APIResponseValidationError(
        f"the response has no usable shape: expected {expected}, got {got}",
        body=data,
        logid=info.logid if info is not None else "",
        status_code=info.status_code if info is not None else None,
    )


def _recover(
    cls: Type[_M],
    data: Any,
    exc: ValidationError,
    info: Optional[ResponseInfo],
    strict: Optional[bool],
    prefix: _Loc = (),
) -> _M:
    if _is_strict(info, strict):
        raise validation_error(exc, cls, data, info, prefix) from None
    result = _lenient(cls, data, exc)
    if result is None:
        raise unusable(data, info, f"an object ({cls.__name__})") from None
    return result


# -- lenient reading -----------------------------------------------------------------------------------


def lenient_model(cls: Type[_M], data: Any) -> Optional[_M]:
    """`data` read leniently as a `cls`, or None when it is not an object."""
    try:
        return cls.__pydantic_validator__.validate_python(data)  # type: ignore[no-any-return]
    except ValidationError as exc:
        return _lenient(cls, data, exc)


def _lenient(cls: Type[_M], data: Any, exc: ValidationError) -> Optional[_M]:
    """Validate what can be, keep the rest. Bad fields are taken out of the input and validation runs
    again (so the model's own validators and defaults apply to the rest); then they are put back, read
    leniently or as sent."""
    if isinstance(data, BaseModel):
        data = data.model_dump(by_alias=True)
    if not isinstance(data, Mapping):
        return None
    fields = cls.model_fields
    keys = _keys_by_field(cls)
    work: Dict[str, Any] = _before(cls, dict(data))
    fixes: Dict[str, Any] = {}
    invalid: Dict[str, Any] = {}
    absent: List[str] = []
    held: List[str] = []
    obj: Optional[_M] = None
    for _ in range(_MAX_ROUNDS):
        progressed = False
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            name = _field_of(cls, loc[0]) if loc else None
            if name is None:
                continue
            if err["type"] == "missing" and len(loc) == 1:
                # A required field taken out or absent: hold its place with a value it accepts (its
                # lenient value when that validates), put right once the rest is validated.
                if name not in held:
                    held.append(name)
                    fixed = fixes.get(name)
                    if name in fixes and _accepts(cls, name, fixed):
                        work[name] = fixed
                    else:
                        work[name] = _placeholder(cls, name)
                        if name not in fixes:
                            absent.append(name)
                    progressed = True
                continue
            for key in keys[name]:
                if key in work:
                    raw = work.pop(key)
                    progressed = True
                    if name not in fixes and name not in absent:
                        fixes[name] = _value(fields[name], raw)
                        invalid[name] = raw
        if not progressed:
            break
        try:
            obj = cls.__pydantic_validator__.validate_python(work)
            break
        except ValidationError as again:
            exc = again
    if obj is None:
        # The model's own validators reject what is left: build it without them.
        obj = cls.model_construct(**{k: v for k, v in work.items() if k not in absent})
        absent.extend(name for name in fields if name not in obj.__dict__ and name not in fixes)
    values = obj.__dict__
    fields_set = obj.__pydantic_fields_set__
    for name in absent:
        values[name] = None
        fields_set.discard(name)
        invalid.setdefault(name, None)
    for name, value in fixes.items():
        values[name] = value
        fields_set.add(name)
    if invalid:
        private = obj.__pydantic_private__
        if private is None:
            object.__setattr__(obj, "__pydantic_private__", {"_invalid": invalid})
        else:
            private["_invalid"] = invalid
    return obj


def _before(cls: Type[BaseModel], data: Dict[str, Any]) -> Dict[str, Any]:
    """`data` as the model's own `mode="before"` validators reshape it (renamed keys, unwrapped objects),
    so that the fields errors name are keys of the input. (They run again when it is validated: they are
    written to leave reshaped data as it is.)"""
    for decorator in cls.__pydantic_decorators__.model_validators.values():
        if decorator.info.mode != "before":
            continue
        try:
            reshaped = decorator.func(data)
        except Exception:
            continue
        if isinstance(reshaped, Mapping):
            data = dict(reshaped)
    return data


def _value(field: FieldInfo, raw: Any) -> Any:
    """A field's value read leniently from what was sent."""
    if raw is None:
        return _default(field)
    value, ok = _read_as(field.annotation, raw)
    return value if ok else _default(field)


def _read_as(annotation: Any, raw: Any) -> Tuple[Any, bool]:
    """(value, True) when `raw` can be read as `annotation` leniently, else (None, False) when the
    annotation wants a model, else (raw, True): a scalar is kept as sent."""
    members = _members(annotation)
    for member in members:
        origin = typing.get_origin(member)
        if _is_model(member):
            if isinstance(raw, Mapping):
                return lenient_model(member, raw), True
        elif origin in (list, List, Sequence, tuple) and isinstance(raw, list):
            args = typing.get_args(member)
            item = args[0] if args else Any
            if _wants_model(item):
                items = [_read_as(item, x) for x in raw]
                return [v for v, ok in items if ok], True
        elif origin in (dict, Dict, Mapping) and isinstance(raw, Mapping):
            args = typing.get_args(member)
            item = args[1] if len(args) == 2 else Any
            if _wants_model(item):
                pairs = {k: _read_as(item, v) for k, v in raw.items()}
                return {k: v for k, (v, ok) in pairs.items() if ok}, True
    if any(_wants_model(m) for m in members):
        return None, False
    if str in members and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw), True
    return raw, True


def _members(annotation: Any) -> Tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is Union or _is_union_type(annotation):
        out: Tuple[Any, ...] = ()
        for arg in typing.get_args(annotation):
            out += _members(arg)
        return out
    return (annotation,)


def _is_union_type(annotation: Any) -> bool:
    union_type = getattr(__import__("types"), "UnionType", None)
    return union_type is not None and isinstance(annotation, union_type)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _wants_model(annotation: Any) -> bool:
    """Whether a model appears anywhere in `annotation`."""
    for member in _members(annotation):
        if _is_model(member):
            return True
        if any(_wants_model(arg) for arg in typing.get_args(member) if arg is not Ellipsis):
            return True
    return False


def _default(field: FieldInfo) -> Any:
    if field.default is PydanticUndefined and field.default_factory is None:
        return None
    return field.get_default(call_default_factory=True, validated_data={})


_CANDIDATES: Tuple[Any, ...] = (None, "", 0, False, [], {})


def _accepts(cls: Type[BaseModel], name: str, value: Any) -> bool:
    try:
        _field_adapter(cls, name).validate_python(value)
        return True
    except ValidationError:
        return False


def _placeholder(cls: Type[BaseModel], name: str) -> Any:
    """A value the required field `name` validates (replaced afterwards)."""
    for candidate in _CANDIDATES:
        if _accepts(cls, name, candidate):
            return candidate
    return None


@cache
def _field_adapter(cls: Type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = cls.model_fields[name]
    annotation: Any = field.annotation
    if field.metadata:
        annotation = Annotated.__class_getitem__((annotation, *field.metadata))  # type: ignore[attr-defined]
    return TypeAdapter(annotation)


@cache
def _keys_by_field(cls: Type[BaseModel]) -> Dict[str, Tuple[str, ...]]:
    """For each field, the input keys that may carry it (its name, alias and validation aliases)."""
    out: Dict[str, Tuple[str, ...]] = {}
    for name, field in cls.model_fields.items():
        keys = [name]
        if field.alias:
            keys.append(field.alias)
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias] if alias else []
        for choice in choices:
            if isinstance(choice, str):
                keys.append(choice)
            elif isinstance(choice, AliasPath) and choice.path and isinstance(choice.path[0], str):
                keys.append(choice.path[0])
        out[name] = tuple(dict.fromkeys(keys))
    return out


@cache
def _field_by_key(cls: Type[BaseModel]) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for name, keys in _keys_by_field(cls).items():
        for key in keys:
            out.setdefault(key, name)
    return out


def _field_of(cls: Type[BaseModel], key: Union[str, int]) -> Optional[str]:
    return _field_by_key(cls).get(key) if isinstance(key, str) else None
