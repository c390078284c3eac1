"""Parsers that turn an unwrapped payload into the declared result, with its response attached.

Each reads leniently by default and strictly when the response says so (`ResponseInfo.strict`, from the
client's `strict_validation`); see `_validation`.
"""

from __future__ import annotations

from typing import Any, Callable, Type, TypeVar

from ._models import CozeModel, ListResponse, ResponseInfo
from ._validation import read_model, read_models

__all__ = ["model", "models", "raw"]

_M = TypeVar("_M", bound=CozeModel)


def model(cls: Type[_M]) -> Callable[[Any, ResponseInfo], _M]:
    """Parse the payload as one `cls` (an absent payload becomes an empty one)."""

    def parse(payload: Any, info: ResponseInfo) -> _M:
        result = read_model(cls, payload if payload is not None else {}, info)
        result._attach(info)
        return result

    return parse


def models(cls: Type[_M]) -> Callable[[Any, ResponseInfo], ListResponse[_M]]:
    """Parse the payload as a list of `cls`, returned as a `ListResponse` that knows its logid."""

    def parse(payload: Any, info: ResponseInfo) -> ListResponse[_M]:
        items = read_models(cls, payload, info)
        for item in items:
            item._attach(info)
        return ListResponse(items, info)

    return parse


def raw(payload: Any, info: ResponseInfo) -> Any:
    return payload
