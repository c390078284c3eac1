"""Lazy package attributes (PEP 562): a package names what it exports and from which submodule, and a
submodule is imported the first time one of its names is used, so `import cozekit` stays cheap."""

from __future__ import annotations

import contextlib
import importlib
from typing import Any, Callable, Dict, List, Mapping, Sequence, Tuple

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    exports: Mapping[str, Sequence[str]],
    namespace: Dict[str, Any],
    *,
    public_module: str = "",
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """`(__getattr__, __dir__)` for `package`, whose `exports` map a relative module to its names.

    A resolved name is cached in the package's `namespace`. With `public_module`, classes and functions
    defined in a private module (`cozekit._...`) report `public_module` as their `__module__`.
    """
    source = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = source.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        if public_module and getattr(value, "__module__", "").startswith(f"{public_module}._"):
            with contextlib.suppress(AttributeError, TypeError):
                value.__module__ = public_module
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(source))

    return __getattr__, __dir__
