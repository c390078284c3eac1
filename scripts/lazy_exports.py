"""Write the lazy-export table of cozekit's lazy packages from the imports type checkers read.

    python scripts/lazy_exports.py            # rewrite the tables
    python scripts/lazy_exports.py --check    # exit 1 if one is stale

`cozekit`, `cozekit.auth` and `cozekit.types` import their names on first use (PEP 562). In each, the
`if TYPE_CHECKING:` imports are written by hand and are what mypy and pyright read: `from .m import X as X`,
or `from .m import *` for a module whose `__all__` lists its names. The runtime cannot read them without
importing everything, so this script writes the name -> module table below them, between the two
`# lazy exports` marker lines (a star import of another lazy package, like `from .types import *` at the
top level, is written as a package to ask). Everything is read with `ast`: nothing is imported here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGES = ["cozekit", "cozekit.auth", "cozekit.types"]
BEGIN = "# lazy exports: written by scripts/lazy_exports.py from the TYPE_CHECKING imports; do not edit"
END = "# end of lazy exports"


def _file(module: str) -> Path:
    path = SRC.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _absolute(package: str, node: ast.ImportFrom) -> str:
    base = package.split(".")
    if node.level > 1:
        base = base[: 1 - node.level]
    return ".".join([*base, *([node.module] if node.module else [])])


def _relative(package: str, module: str) -> str:
    """`module` as seen from `package` (`cozekit.types`, `cozekit.types.chat` -> `.chat`)."""
    here = package.split(".")
    there = module.split(".")
    shared = 0
    while shared < min(len(here), len(there)) and here[shared] == there[shared]:
        shared += 1
    return "." * (len(here) - shared + 1) + ".".join(there[shared:])


def _type_checking_imports(tree: ast.Module) -> List[ast.ImportFrom]:
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            return [imp for imp in node.body if isinstance(imp, ast.ImportFrom)]
    return []


def _module_all(tree: ast.Module) -> Optional[List[str]]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return None


def exports(package: str) -> Tuple[Dict[str, str], List[str]]:
    """(name -> absolute module it is imported from, in the order the imports list them, first one wins;
    the lazy packages star-imported, whose names the package exports through them)."""
    path = _file(package)
    found: Dict[str, str] = {}
    packages: List[str] = []
    for node in _type_checking_imports(ast.parse(path.read_text("utf-8"), str(path))):
        module = _absolute(package, node)
        if node.names[0].name != "*":
            for alias in node.names:
                if alias.asname != alias.name:
                    raise SystemExit(f"{path}: write `{alias.name} as {alias.name}` (an explicit re-export)")
                found.setdefault(alias.name, module)
            continue
        if module in PACKAGES:
            packages.append(module)
            continue
        target = _file(module)
        names = _module_all(ast.parse(target.read_text("utf-8"), str(target)))
        if names is None:
            raise SystemExit(f"{target.relative_to(ROOT)} has no __all__ for `from {module} import *`")
        for name in names:
            found.setdefault(name, module)
    return found, packages


def render(package: str) -> str:
    """The package's `__init__.py` with its table written anew."""
    path = _file(package)
    text = path.read_text("utf-8")
    head, begin, rest = text.partition(BEGIN + "\n")
    _, end, tail = rest.partition(END + "\n")
    if not begin or not end:
        raise SystemExit(f"{path.relative_to(ROOT)} lacks the `{BEGIN}` / `{END}` lines")
    found, packages = exports(package)
    lines = ["_EXPORTS = {"]
    lines += [f'    "{name}": "{_relative(package, module)}",' for name, module in found.items()]
    lines.append("}")
    if packages:
        listed = ", ".join(f'"{_relative(package, module)}"' for module in packages)
        lines.append(f"_PACKAGES = ({listed})  # lazy packages whose names this one exports too")
    return head + begin + "\n".join(lines) + "\n" + end + tail


def main(argv: List[str]) -> int:
    stale = []
    for package in PACKAGES:
        path = _file(package)
        text = render(package)
        if path.read_text("utf-8") == text:
            continue
        if "--check" in argv:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, "utf-8")
    if stale:
        print(f"stale: {', '.join(stale)}: run python scripts/lazy_exports.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
