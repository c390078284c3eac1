"""Figure 3: time to first call. In fresh processes, alternating cozekit and cozepy: the wall time a
program takes to import the SDK, make a client and make one call (conversation retrieve against the
canned loopback server): the headline. For information, the wall time of importing the client alone,
and `python -X importtime` figures of the top-level modules (cozekit's is lazy, so its own figure
says little). The profile is `-X importtime` of the first-call program, by top-level package."""

from __future__ import annotations

import statistics
import subprocess
import sys
from typing import Callable, Dict, List

from ._runner import interleave
from ._server import LoopbackServer
from ._stats import Figure, Summary, ratio

FIRST_KIT = "cozekit: import, client, first call"
FIRST_PY = "cozepy: import, client, first call"
IMPORTTIME = {
    "-X importtime: import cozekit (lazy module)": ("import cozekit", "cozekit"),
    "-X importtime: import cozepy": ("import cozepy", "cozepy"),
}
WALL = {
    "cozekit: from cozekit import Coze, TokenAuth": "from cozekit import Coze, TokenAuth",
    "cozepy: from cozepy import Coze, TokenAuth": "from cozepy import Coze, TokenAuth",
}
_FIRST_CALL = (
    "from {sdk} import Coze, TokenAuth; "
    "Coze(auth=TokenAuth('pat_bench'), base_url='{url}').conversations.retrieve(conversation_id='1')"
)
_WALL = "import time; t = time.perf_counter(); {}; print((time.perf_counter() - t) * 1e6)"


def cumulative_us(statement: str, module: str) -> float:
    """The cumulative import time of `module` (µs) when a fresh interpreter runs `statement`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-W", "ignore", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return float(parts[1])
    raise RuntimeError(f"no import-time line for {module!r} in: {proc.stderr[-500:]}")


def packages_ms(statement: str) -> Dict[str, float]:
    """`-X importtime` of `statement` in a fresh interpreter: self time (ms) by top-level package."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-W", "ignore", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    totals: Dict[str, float] = {}
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[0][12:].strip().isdigit():
            top = parts[2].split(".")[0]
            totals[top] = totals.get(top, 0.0) + int(parts[0][12:].strip()) / 1000
    return totals


def _profile(statements: Dict[str, str], runs: int) -> str:
    """A Markdown table: the median import self time (ms) of each top-level package, per program."""
    per: Dict[str, List[Dict[str, float]]] = {
        name: [packages_ms(stmt) for _ in range(runs)] for name, stmt in statements.items()
    }
    med = {
        name: {pkg: statistics.median(r.get(pkg, 0.0) for r in rs) for pkg in set().union(*rs)}
        for name, rs in per.items()
    }
    names = list(statements)
    packages = sorted(set().union(*med.values()), key=lambda p: -max(m.get(p, 0.0) for m in med.values()))
    lines = [
        "| package (import self time, ms) | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for pkg in packages[:15]:
        lines.append(f"| {pkg} | " + " | ".join(f"{med[n].get(pkg, 0.0):.1f}" for n in names) + " |")
    rest = packages[15:]
    lines.append(
        f"| {len(rest)} other packages | "
        + " | ".join(f"{sum(med[n].get(p, 0.0) for p in rest):.1f}" for n in names)
        + " |"
    )
    lines.append("| **all imports** | " + " | ".join(f"**{sum(med[n].values()):.1f}**" for n in names) + " |")
    return "\n".join(lines)


def wall_us(statement: str) -> float:
    """Wall-clock µs of `statement` in a fresh interpreter (everything it imports, lazily or not)."""
    code = _WALL.format(statement)
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    return float(proc.stdout.strip())


def run(quick: bool = False) -> Figure:
    contenders: Dict[str, Callable[[], float]] = {}
    with LoopbackServer() as url:
        first = {
            FIRST_KIT: _FIRST_CALL.format(sdk="cozekit", url=url),
            FIRST_PY: _FIRST_CALL.format(sdk="cozepy", url=url),
        }
        contenders.update({label: (lambda s=stmt: wall_us(s) / 1000) for label, stmt in first.items()})
        contenders.update({label: (lambda s=stmt: wall_us(s) / 1000) for label, stmt in WALL.items()})
        contenders.update(
            {
                label: (lambda s=stmt, m=mod: cumulative_us(s, m) / 1000)
                for label, (stmt, mod) in IMPORTTIME.items()
            }
        )
        samples = interleave(contenders, 3 if quick else 9)
        profile = _profile(
            {"cozekit first call": first[FIRST_KIT], "cozepy first call": first[FIRST_PY]}, 1 if quick else 3
        )
    rows = {label: Summary(label, "ms", s) for label, s in samples.items()}
    kit_import, py_import = list(IMPORTTIME)[:2]
    return Figure(
        "imports",
        "Time to first call: import, client, one call, in a fresh process (ms, lower is better)",
        list(rows.values()),
        [
            ratio(
                "first call (import, client, one call): cozekit / cozepy",
                rows[FIRST_KIT],
                rows[FIRST_PY],
                0.5,
                "<=",
            ),
            ratio(
                "import the client: cozekit / cozepy",
                rows["cozekit: from cozekit import Coze, TokenAuth"],
                rows["cozepy: from cozepy import Coze, TokenAuth"],
            ),
            ratio(
                "-X importtime of the top-level module: cozekit / cozepy (information)",
                rows[kit_import],
                rows[py_import],
            ),
        ],
        "Fresh interpreters, in rotated order; the clock runs from the program's first statement "
        "(interpreter start-up, the same for both, is left out) to the end of the call: importing "
        "the SDK, making a client and one conversation retrieve against the canned loopback server. "
        "`import cozekit` alone is lazy (PEP 562) and loads almost nothing, so its `-X importtime` "
        "row is information, not the figure. Both SDKs import httpx, whose import pulls in its CLI "
        "(click, rich) when those are installed, as they are here with the cli extra. The profile "
        "below is `-X importtime` of each first-call program (median of its runs), by top-level package.",
        {"headline": ["first call (import, client, one call): cozekit / cozepy"], "profile": profile},
    )
