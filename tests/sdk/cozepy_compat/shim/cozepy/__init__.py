"""A stand-in `cozepy` package: `import cozepy` and `import cozepy.<sub>` give cozekit's modules.

Put this folder's parent on `PYTHONPATH` to run a cozepy program on cozekit unchanged.
"""

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `cozepy.X` as the already importable `cozekit.X` (the same module object)."""

    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name.startswith("cozepy."):
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        return importlib.import_module("cozekit" + spec.name[len("cozepy") :])

    def exec_module(self, module):  # type: ignore[no-untyped-def]
        pass


sys.meta_path.insert(0, _Alias())
sys.modules[__name__] = importlib.import_module("cozekit")
