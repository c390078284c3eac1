"""Benchmarks: cozekit against cozepy and against raw httpx, side by side in one run.

Run `python -m benchmarks.run` (see `benchmarks/README.md`). Everything talks to 127.0.0.1 only.
"""

import warnings

# cozepy 0.20.0 imports authlib.jose, which warns on import; the warning is not ours to show.
warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
