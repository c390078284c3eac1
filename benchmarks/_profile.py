"""cProfile summaries for the report: where a contender's time goes, as a short Markdown block."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import site
import sysconfig
from typing import Any, Callable, List

_TOP = 15


def _roots() -> List[str]:
    roots = [sysconfig.get_paths()["stdlib"], *site.getsitepackages()]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots += [os.path.join(here, "src"), here]
    return sorted({os.path.realpath(r) + os.sep for r in roots}, key=len, reverse=True)


def _short(text: str) -> str:
    for root in _roots():
        text = text.replace(root, "")
    return text


def summary(profile: cProfile.Profile, top: int = _TOP) -> str:
    """The `top` functions by own time, with cumulative time, as a fenced text block."""
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    total = next((ln.strip() for ln in lines if "function calls" in ln), "")
    body = [re.sub(r"\s+$", "", _short(ln)) for ln in lines[start:] if ln.strip()]
    return "```text\n" + total + "\n\n" + "\n".join(body) + "\n```"


def profiled(fn: Callable[[], Any], top: int = _TOP) -> str:
    """Runs `fn` once under cProfile (a coroutine's result is run to completion) and summarises it."""
    import asyncio

    profile = cProfile.Profile()
    profile.enable()
    try:
        result = fn()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    finally:
        profile.disable()
    return summary(profile, top)
