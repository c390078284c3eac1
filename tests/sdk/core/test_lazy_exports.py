"""Lazy package attributes: `import cozekit` stays light, and every exported name still resolves."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, Set

import pytest

PACKAGES = ["cozekit", "cozekit.types", "cozekit.auth"]
ROOT = Path(__file__).resolve().parents[3]


def _loaded_after(statement: str) -> Set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_cozekit_loads_neither_httpx_nor_pydantic() -> None:
    loaded = _loaded_after("import cozekit, cozekit.types, cozekit.auth")
    heavy = {"httpx", "pydantic", "cryptography", "jwt", "websockets"}
    assert not heavy & loaded
    assert not {m for m in loaded if m.startswith("cozekit.") and m.count(".") > 1}


def test_making_a_client_loads_no_models_auth_crypto_or_websockets() -> None:
    loaded = _loaded_after("from cozekit import Coze, TokenAuth; Coze(auth=TokenAuth('t'))")
    assert "httpx" in loaded
    assert not {"pydantic", "cryptography", "jwt", "websockets"} & loaded


def _static_imports(package: str) -> Dict[str, str]:
    """name -> absolute module, from the `if TYPE_CHECKING:` imports (what mypy and pyright read); a star
    import stands for the `__all__` of what it imports."""
    tree = ast.parse(inspect.getsource(importlib.import_module(package)))
    blocks = [n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"]
    assert len(blocks) == 1
    found: Dict[str, str] = {}
    for imp in blocks[0].body:
        assert isinstance(imp, ast.ImportFrom)
        source = importlib.util.resolve_name("." * imp.level + (imp.module or ""), package)
        if imp.names[0].name == "*":
            for name in importlib.import_module(source).__all__:
                found.setdefault(name, source)
            continue
        for alias in imp.names:
            assert alias.asname == alias.name, f"{package}: {alias.name} is not re-exported"
            found.setdefault(alias.name, source)
    return found


def _lazy_source(package: ModuleType, name: str) -> str:
    """The absolute module the runtime imports `name` from (a lazy package for names it passes on)."""
    relative = package._EXPORTS.get(name)
    if relative is None:
        relative = next(
            p
            for p in getattr(package, "_PACKAGES", ())
            if name in importlib.import_module(p, package.__name__).__all__
        )
    return importlib.util.resolve_name(relative, package.__name__)


@pytest.mark.parametrize("name", PACKAGES)
def test_the_lazy_table_all_and_the_type_checking_imports_agree(name: str) -> None:
    package = importlib.import_module(name)
    eager = {"VERSION", "__version__"} if name == "cozekit" else set()
    assert len(package.__all__) == len(set(package.__all__))
    lazy = {export: _lazy_source(package, export) for export in package.__all__ if export not in eager}
    assert lazy == _static_imports(name)
    assert set(package.__all__) <= set(dir(package))
    for export in lazy:
        assert getattr(package, export) is getattr(importlib.import_module(lazy[export]), export)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        package.NoSuchName  # noqa: B018


def test_the_lazy_tables_are_current() -> None:
    script = ROOT / "scripts" / "lazy_exports.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_top_level_names_are_the_same_objects_and_report_the_public_module() -> None:
    import cozekit
    import cozekit.auth
    import cozekit.types

    assert cozekit.Message is cozekit.types.Message
    assert cozekit.JWTOAuthApp is cozekit.auth.JWTOAuthApp
    assert cozekit.Coze.__module__ == "cozekit"
    assert cozekit.ResponseInfo.__module__ == "cozekit"
    from cozekit import ChatEvent, Coze, TokenAuth  # noqa: F401

    ns: Dict[str, object] = {}
    exec("from cozekit import *", ns)
    assert set(cozekit.__all__) <= set(ns)
