"""`cozekit.types` exports each name its modules list in `__all__`, once, and lazily."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import cozekit.types

ROOT = Path(__file__).resolve().parents[3]


def test_the_package_exports_every_module_all_and_nothing_else() -> None:
    modules = {f".{m.name}" for m in pkgutil.iter_modules(cozekit.types.__path__)} - {".oauth"}
    assert set(cozekit.types._EXPORTS) == modules
    for module, names in cozekit.types._EXPORTS.items():
        assert list(names) == sorted(importlib.import_module(module, "cozekit.types").__all__), module
    every = [name for names in cozekit.types._EXPORTS.values() for name in names]
    assert cozekit.types.__all__ == sorted(every)
    assert len(every) == len(set(every))  # no name exported by two modules


def test_the_generated_init_is_in_step_with_the_modules() -> None:
    script = ROOT / "scripts" / "type_exports.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
