"""`cozekit.types` exports each name its modules list in `__all__`, once, and lazily."""

from __future__ import annotations

import importlib
import pkgutil

import cozekit.types


def test_the_package_exports_every_module_all_and_nothing_else() -> None:
    modules = {f".{m.name}" for m in pkgutil.iter_modules(cozekit.types.__path__)} - {".oauth"}
    by_module: dict[str, list[str]] = {}
    for name, module in cozekit.types._EXPORTS.items():
        by_module.setdefault(module, []).append(name)
    assert set(by_module) == modules
    every = 0
    for module, names in by_module.items():
        assert names == list(importlib.import_module(module, "cozekit.types").__all__), module
        every += len(names)
    assert every == len(cozekit.types.__all__)  # no name exported by two modules
    assert cozekit.types.__all__ == list(cozekit.types._EXPORTS)
