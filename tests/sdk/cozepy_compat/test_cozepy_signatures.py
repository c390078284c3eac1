"""cozepy 0.20.0's public surface, walked name by name, must exist in cozekit and accept the same calls.

For every public name of `cozepy` (its `__all__`) and of the submodules cozepy programs import from, the
same name must exist at the same path under `cozekit`. For functions, methods of public classes and
resource methods reached from `Coze`/`AsyncCoze` (`coze.bots.list`, `coze.chat.stream`...), every
parameter cozepy takes must be accepted by cozekit under the same name, optional where cozepy's is, with
the same default. Enums keep their members and values; models keep their fields.

Deliberate differences are listed in `KNOWN` below, each with its reason (and in
docs/migrating-from-cozepy.md).
"""

from __future__ import annotations

import enum
import importlib
import inspect
import warnings
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import pydantic
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's deprecation warning, raised by cozepy's import
    import cozepy
    import cozepy.auth

import cozekit

SUBMODULES = ["auth", "util", "log", "config", "connectors", "connectors.bots"]
"""The `cozepy.<sub>` modules that cozepy's README and examples import from."""

EXTRA_NAMES = {
    "log": {
        "logger",
        "formatter",
        "handler",
        "log_fatal",
        "log_error",
        "log_warning",
        "log_info",
        "log_debug",
    },
    "util": {"anext"},
}
"""Public names of a submodule that are not defined in it (bound logger methods, a builtin on 3.10+)."""


_PLUMBING = "built by the SDK from its own internals, never by a program (see the migration guide)"
KNOWN: Dict[str, str] = {
    # Defaults that cozekit changed on purpose.
    "Coze.__init__:base_url": "None reads COZE_API_BASE from the environment, then api.coze.com",
    "AsyncCoze.__init__:base_url": "None reads COZE_API_BASE from the environment, then api.coze.com",
    "PKCEOAuthApp.get_oauth_url:code_challenge_method": "S256 by default, as OAuth recommends",
    "AsyncPKCEOAuthApp.get_oauth_url:code_challenge_method": "S256 by default, as OAuth recommends",
    "bots.list:use_api_version": "the current endpoint (2) by default; cozepy's (1) is being retired",
    "bots.retrieve:use_api_version": "the current endpoint (2) by default; cozepy's (1) is being retired",
    "workflows.list:page_size": "at most 30 is documented; cozepy's 100 is sent as 30",
    "workflows.list:workspace_id": "required by the API; cozepy's call without it is rejected by Coze",
    "conversations.update:name": "the only thing an update changes; cozepy's call without it does nothing",
    "conversations.messages.list:order": "None leaves the documented default (desc) to the server",
    "audio.voiceprint_groups.list:page_size": "10 as documented (cozepy's async default is 100, its sync 10)",
    "audio.voiceprint_groups.features.list:page_size": "10 as documented (cozepy's async 100, sync 10)",
    # Constructors of SDK plumbing: cozepy's take its private `Requester` and raw responses.
    "ListResponse.__init__": _PLUMBING,
    "Stream.__init__": _PLUMBING,
    "AsyncStream.__init__": _PLUMBING,
    "FileHTTPResponse.__init__": _PLUMBING,
    "NumberPaged.__init__": _PLUMBING,
    "LastIDPaged.__init__": _PLUMBING,
    "AsyncNumberPaged.__init__": _PLUMBING,
    "AsyncLastIDPaged.__init__": _PLUMBING,
    "AsyncNumberPaged.build": _PLUMBING,
    "AsyncLastIDPaged.build": _PLUMBING,
    "CozePKCEAuthError.__init__": _PLUMBING,
    "*Client.__init__": "WebSocket and resource clients are built by `coze.websockets...create()` / `coze.x`",
    "*EventHandler.to_dict": "cozepy's private dispatch table; cozekit dispatches from the client",
}

INSTANCE_ATTRIBUTES = {
    "ListResponse.response",
    "Stream.response",
    "AsyncStream.response",
    "FileHTTPResponse.response",
}
"""Set per instance in cozekit, so not on the class: `test_cozepy_behaviour.py` checks them on results."""


def _keys(problem: str) -> Set[str]:
    """The keys a problem can be listed under: its path with and without the parameter, and every
    tail of the path (`coze.bots.list:x` is listed as `bots.list:x`, `auth.JWTAuth.y` as `JWTAuth.y`)."""
    key = problem.split(" ")[0]
    path, _, param = key.partition(":")
    parts = path.split(".")
    keys: Set[str] = set()
    for i in range(len(parts)):
        tail = ".".join(parts[i:])
        keys |= {tail, f"{tail}:{param}"} if param else {tail}
    if len(parts) >= 2 and parts[-1] == "__init__" and parts[-2].endswith("Client"):
        keys.add("*Client.__init__")
    if len(parts) >= 2 and parts[-1] == "to_dict" and parts[-2].endswith("EventHandler"):
        keys.add("*EventHandler.to_dict")
    return keys


def _known(problem: str) -> bool:
    keys = _keys(problem)
    return bool(keys & set(KNOWN))


def _signature(fn: Any) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _compare_params(path: str, theirs: Any, ours: Any) -> Iterator[str]:
    """Problems calling `ours` the way `theirs` is called."""
    a, b = _signature(theirs), _signature(ours)
    if a is None or b is None:
        return
    params = b.parameters
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    for name, p in a.parameters.items():
        if name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        q = params.get(name)
        if q is None:
            if not takes_kwargs:
                yield f"{path}:{name} is not a parameter"
            continue
        if p.default is p.empty:
            continue
        if q.default is q.empty:
            yield f"{path}:{name} is required (cozepy's default is {p.default!r})"
        elif _plain(p.default) != _plain(q.default) and p.default is not None:
            yield f"{path}:{name} defaults to {q.default!r} (cozepy's to {p.default!r})"
    for name, q in params.items():
        required = q.default is q.empty and q.kind not in (q.VAR_POSITIONAL, q.VAR_KEYWORD)
        if required and name not in a.parameters and name not in ("self", "cls"):
            yield f"{path}:{name} is required and cozepy has no such parameter"


def _validators(cls: type) -> Set[str]:
    decorators = getattr(cls, "__pydantic_decorators__", None)
    if decorators is None:
        return set()
    names: Set[str] = set()
    for kind in (
        "validators",
        "field_validators",
        "root_validators",
        "field_serializers",
        "model_serializers",
    ):
        names |= set(getattr(decorators, kind, {}))
    names |= set(getattr(decorators, "model_validators", {}))
    return names


def _members(cls: type) -> Iterator[Tuple[str, Any]]:
    """Public members defined by cozepy's class and its cozepy bases (not pydantic's or object's)."""
    seen: Set[str] = set()
    skip = _validators(cls)
    for klass in cls.__mro__:
        if not klass.__module__.startswith("cozepy"):
            continue
        for name, value in vars(klass).items():
            if name in seen or name in skip or name.startswith("model_"):
                continue
            if name.startswith("_") and name != "__init__":
                continue
            seen.add(name)
            yield name, value


def _compare_class(path: str, theirs: type, ours: Any) -> Iterator[str]:
    if not isinstance(ours, type):
        yield f"{path} is not a class"
        return
    if issubclass(theirs, enum.Enum):
        for member in theirs:
            if not hasattr(ours, member.name):
                yield f"{path}.{member.name} is missing"
            elif _plain(getattr(ours, member.name)) != member.value:
                yield f"{path}.{member.name} has another value"
        return
    if issubclass(theirs, pydantic.BaseModel):
        for field in theirs.model_fields:
            if not (issubclass(ours, pydantic.BaseModel) and field in ours.model_fields) and not hasattr(
                ours, field
            ):
                yield f"{path}.{field} (a field) is missing"
    for name, value in _members(theirs):
        if name == "__init__" and issubclass(theirs, pydantic.BaseModel):
            continue
        member_path = f"{path}.{name}"
        if not hasattr(ours, name):
            if member_path not in INSTANCE_ATTRIBUTES:
                yield f"{member_path} is missing"
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value):
            ours_value = inspect.getattr_static(ours, name)
            if isinstance(ours_value, (staticmethod, classmethod)):
                ours_value = ours_value.__func__
            yield from _compare_params(member_path, value, ours_value)


def _compare(path: str, theirs: Any, ours: Any) -> Iterator[str]:
    if inspect.isclass(theirs):
        yield from _compare_class(path, theirs, ours)
    elif inspect.isfunction(theirs):
        yield from _compare_params(path, theirs, ours)


def _public(module: Any, sub: str) -> List[str]:
    if hasattr(module, "__all__"):
        return list(module.__all__)
    names = []
    for name, value in vars(module).items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        defined_here = getattr(value, "__module__", None) == module.__name__
        if defined_here or name.isupper() or name in EXTRA_NAMES.get(sub, ()):
            names.append(name)
    return names


def _problems_of_module(sub: str) -> List[str]:
    prefix = f"{sub}." if sub else ""
    theirs = importlib.import_module(f"cozepy.{sub}" if sub else "cozepy")
    try:
        ours = importlib.import_module(f"cozekit.{sub}" if sub else "cozekit")
    except ImportError:
        return [f"cozekit.{sub} does not exist"]
    problems = []
    for name in _public(theirs, sub):
        if not hasattr(ours, name):
            problems.append(f"{prefix}{name} is missing")
            continue
        problems += [f"{prefix}{p}" for p in _compare(name, getattr(theirs, name), getattr(ours, name))]
    return problems


def _resources(root: str, theirs: Any, ours: Any) -> Iterator[str]:
    """Every resource method reachable from `theirs` (a cozepy client or resource), against `ours`."""
    for name in dir(type(theirs)):
        if name.startswith("_"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # coze.knowledge
            child = getattr(theirs, name)
            path = f"{root}.{name}"
            if not hasattr(ours, name):
                yield f"{path} is missing"
                continue
            ours_child = getattr(ours, name)
        if inspect.ismethod(child):
            yield from _compare_params(path, child, ours_child)
        elif _is_resource(child) and path.count(".") < 6:  # resources nest a few levels: no cycle
            yield from _resources(path, child, ours_child)


def _is_resource(obj: Any) -> bool:
    return type(obj).__module__.startswith("cozepy.") and type(obj).__name__.endswith("Client")


def _unexpected(problems: List[str]) -> List[str]:
    return [p for p in problems if not _known(p)]


def _clients() -> List[Tuple[str, Any, Any]]:
    return [
        ("coze", cozepy.Coze(auth=cozepy.TokenAuth("t")), cozekit.Coze(auth=cozekit.TokenAuth("t"))),
        (
            "acoze",
            cozepy.AsyncCoze(auth=cozepy.AsyncTokenAuth("t")),
            cozekit.AsyncCoze(auth=cozekit.AsyncTokenAuth("t")),
        ),
    ]


@pytest.mark.parametrize("sub", ["", *SUBMODULES])
def test_every_public_name_of_cozepy_exists_and_takes_the_same_arguments(sub: str) -> None:
    assert _unexpected(_problems_of_module(sub)) == []


def test_every_resource_method_takes_cozepys_arguments() -> None:
    problems: List[str] = []
    for root, theirs, ours in _clients():
        problems += _resources(root, theirs, ours)
    assert _unexpected(problems) == []
    walked = [p for p in problems if p.startswith("coze.")]
    assert walked  # the known differences were found: the walk reached the resources


def test_the_walk_finds_what_it_should() -> None:
    """The checker itself: a renamed parameter, a dropped default and a missing name are reported."""

    def theirs(*, bot_id: str, page_size: int = 20, order: str = "desc") -> None: ...

    def ours(*, bot: str, page_size: int, order: Optional[str] = None) -> None: ...

    found = list(_compare_params("x.list", theirs, ours))
    assert found == [
        "x.list:bot_id is not a parameter",
        "x.list:page_size is required (cozepy's default is 20)",
        "x.list:order defaults to None (cozepy's to 'desc')",
        "x.list:bot is required and cozepy has no such parameter",
    ]
    assert _known("coze.bots.list:use_api_version")
    assert not _known("coze.bots.list:workspace_id")


def test_every_known_difference_is_still_a_difference() -> None:
    """A fixed difference must leave the list (and the migration guide)."""
    problems: List[str] = []
    for sub in ["", *SUBMODULES]:
        problems += _problems_of_module(sub)
    for root, theirs, ours in _clients():
        problems += _resources(root, theirs, ours)
    listed: Set[str] = set()
    for problem in problems:
        listed |= _keys(problem)
    assert sorted(set(KNOWN) - listed) == []
