"""Lazy package attributes (PEP 562): a package maps each name it exports to the submodule defining it,
and a submodule is imported the first time one of its names is used, so `import cozekit` stays cheap.

The maps are written by scripts/lazy_exports.py from each package's `if TYPE_CHECKING:` imports."""

from __future__ import annotations

import contextlib
import importlib
from typing import Any, Callable, Dict, List, Mapping, Sequence, Tuple

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    exports: Mapping[str, str],
    namespace: Dict[str, Any],
    *,
    packages: Sequence[str] = (),
    public_module: str = "",
) -> Tuple[Callable[[str], Any], Callable[[], List[str]], List[str]]:
    """`(__getattr__, __dir__, names)` for `package`, whose `exports` map a name to its relative module,
    and which exports the names of the lazy `packages` too (imported now: they are lazy themselves).

    `names` lists every exported name once, in that order. A resolved name is cached in the package's
    `namespace`. With `public_module`, classes and functions defined in a private module
    (`cozekit._...`) report `public_module` as their `__module__`.
    """
    through: Dict[str, str] = {}
    for sub in packages:
        for name in importlib.import_module(sub, package).__all__:
            if name not in exports:
                through.setdefault(name, sub)

    def __getattr__(name: str) -> Any:
        module = exports.get(name) or through.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        if public_module and getattr(value, "__module__", "").startswith(f"{public_module}._"):
            with contextlib.suppress(AttributeError, TypeError):
                value.__module__ = public_module
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(exports) | set(through))

    return __getattr__, __dir__, [*exports, *through]
