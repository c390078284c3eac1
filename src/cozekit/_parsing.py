"""Parsers that turn an unwrapped payload into the declared result, with its response attached."""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, List, Type, TypeVar

from pydantic import TypeAdapter

from ._models import CozeModel, ListResponse, ResponseInfo

__all__ = ["model", "models", "raw"]

_M = TypeVar("_M", bound=CozeModel)


def model(cls: Type[_M]) -> Callable[[Any, ResponseInfo], _M]:
    """Parse the payload as one `cls` (an absent payload becomes an empty one)."""

    def parse(payload: Any, info: ResponseInfo) -> _M:
        result = cls.model_validate(payload if payload is not None else {})
        result._attach(info)
        return result

    return parse


@cache
def _list_adapter(cls: Type[CozeModel]) -> TypeAdapter[List[Any]]:
    return TypeAdapter(List[cls])  # type: ignore[valid-type]


def models(cls: Type[_M]) -> Callable[[Any, ResponseInfo], ListResponse[_M]]:
    """Parse the payload as a list of `cls`, returned as a `ListResponse` that knows its logid."""

    def parse(payload: Any, info: ResponseInfo) -> ListResponse[_M]:
        items = _list_adapter(cls).validate_python(payload or [])
        for item in items:
            item._attach(info)
        return ListResponse(items, info)

    return parse


def raw(payload: Any, info: ResponseInfo) -> Any:
    return payload
