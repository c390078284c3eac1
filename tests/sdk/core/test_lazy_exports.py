"""Lazy package attributes: `import cozekit` stays light, and every exported name still resolves."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from types import ModuleType
from typing import Dict, Set

import pytest

PACKAGES = ["cozekit", "cozekit.types", "cozekit.auth"]


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


def _static_imports(module: ModuleType) -> Dict[str, str]:
    """name -> relative module of the `if TYPE_CHECKING:` imports (what mypy sees); a star import of a
    module that lists `__all__` stands for its names."""
    tree = ast.parse(inspect.getsource(module))
    found: Dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for imp in node.body:
                if not isinstance(imp, ast.ImportFrom):
                    continue
                source = "." * imp.level + (imp.module or "")
                if imp.names[0].name != "*":
                    for alias in imp.names:
                        found[alias.asname or alias.name] = source
                elif imp.level == 1:
                    names = importlib.import_module(source, module.__name__).__all__
                    for name in names:
                        found.setdefault(name, source)
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_every_export_resolves_and_the_three_lists_agree(name: str) -> None:
    package = importlib.import_module(name)
    exports = package._EXPORTS
    lazy = {n: module for module, names in exports.items() for n in names}
    static = _static_imports(package)
    public = set(package.__all__) - {"__version__", "VERSION"}
    assert len(package.__all__) == len(set(package.__all__))
    assert set(lazy) == public
    assert {n: m for n, m in lazy.items() if m not in (".types", ".auth")} == {
        n: m for n, m in static.items() if m not in (".types", ".auth")
    }
    assert public <= set(dir(package))
    for export in package.__all__:
        assert getattr(package, export) is not None
    with pytest.raises(AttributeError, match="no attribute 'NoSuchName'"):
        package.NoSuchName  # noqa: B018


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
