"""Figure 3: time to first call. In fresh processes, alternating cozekit and cozepy: the wall time a
program takes to import the SDK, make a client and make one call (conversation retrieve against the
canned loopback server): the headline. For information, the wall time of importing the client alone,
and `python -X importtime` figures of the top-level modules (cozekit's is lazy, so its own figure
says little). The profile is `-X importtime` of the first-call program, by top-level package."""

from __future__ import annotations

import statistics
import subprocess
import sys
from typing import Dict, List, Tuple

from ._runner import interleave
from ._server import LoopbackServer
from ._stats import Figure, Summary, ratio

FIRST_KIT = "cozekit: import, client, first call"
FIRST_PY = "cozepy: import, client, first call"
IMPORTTIME = {  # row: (sdk, top-level module)
    "-X importtime: import cozekit (lazy module)": ("cozekit", "cozekit"),
    "-X importtime: import cozepy": ("cozepy", "cozepy"),
}
WALL = {  # row: sdk
    "cozekit: from cozekit import Coze, TokenAuth": "cozekit",
    "cozepy: from cozepy import Coze, TokenAuth": "cozepy",
}
_IMPORT = "from {sdk} import Coze, TokenAuth"
_CALL = "Coze(auth=TokenAuth('pat_bench'), base_url='{url}').conversations.retrieve(conversation_id='1')"
_FIRST_CALL = _IMPORT + "; " + _CALL
_WALL = (
    "import time; t = time.perf_counter(); " + _IMPORT + "; i = time.perf_counter(); " + _CALL + "; "
    "print((i - t) * 1e6, (time.perf_counter() - t) * 1e6)"
)
"""The first-call program, timed: the clock starts at its first statement; it prints the µs to the end
of the import and to the end of the call (one process gives the import row and the first-call row)."""


def _importtime(statement: str) -> List[Tuple[int, int, str]]:
    """`-X importtime` of `statement` in a fresh interpreter: (self µs, cumulative µs, module) a line."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-W", "ignore", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = []
    for line in proc.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[0].startswith("import time:") and parts[0][12:].strip().isdigit():
            lines.append((int(parts[0][12:].strip()), int(parts[1]), parts[2]))
    return lines


def cumulative_us(lines: List[Tuple[int, int, str]], module: str) -> float:
    """The cumulative import time (µs) of `module` in `-X importtime` lines."""
    for _, cumulative, name in lines:
        if name.strip() == module:
            return float(cumulative)
    raise RuntimeError(f"no import-time line for {module!r}")


def packages_ms(lines: List[Tuple[int, int, str]]) -> Dict[str, float]:
    """Self import time (ms) by top-level package, from `-X importtime` lines."""
    totals: Dict[str, float] = {}
    for own, _, name in lines:
        top = name.strip().split(".")[0]
        totals[top] = totals.get(top, 0.0) + own / 1000
    return totals


def _profile(per: Dict[str, List[Dict[str, float]]]) -> str:
    """A Markdown table: the median import self time (ms) of each top-level package, per program."""
    med = {
        name: {pkg: statistics.median(r.get(pkg, 0.0) for r in rs) for pkg in set().union(*rs)}
        for name, rs in per.items()
    }
    names = list(per)
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


def wall_us(sdk: str, url: str) -> Tuple[float, float]:
    """Wall-clock µs, in a fresh interpreter, to the end of the SDK's import and to the end of its first
    call (everything they import, lazily or not)."""
    code = _WALL.format(sdk=sdk, url=url)
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    imported, called = proc.stdout.split()
    return float(imported), float(called)


class _Programs:
    """The contenders: a fresh interpreter per SDK runs the timed first-call program, which gives two
    rows (its import and its first call); another runs it under `-X importtime`, which gives the
    top-level module's row and the profile's packages. Every run is kept, the warm-ups' too; `rows`
    and `profile` leave the warm-ups out."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.imported: Dict[str, List[float]] = {"cozekit": [], "cozepy": []}
        self.packages: Dict[str, List[Dict[str, float]]] = {"cozekit": [], "cozepy": []}

    def first_call(self, sdk: str) -> float:
        imported, called = wall_us(sdk, self.url)
        self.imported[sdk].append(imported / 1000)
        return called / 1000

    def import_time(self, sdk: str, module: str) -> float:
        lines = _importtime(_FIRST_CALL.format(sdk=sdk, url=self.url))
        self.packages[sdk].append(packages_ms(lines))
        return cumulative_us(lines, module) / 1000

    def rows(self, rounds: int, importtime_rounds: int, warmup: int = 1) -> Dict[str, List[float]]:
        """Every row's samples, in report order: interleaved rounds of the timed program of each SDK,
        then interleaved rounds of the `-X importtime` one (information only, so fewer)."""
        timed = interleave(
            {FIRST_KIT: lambda: self.first_call("cozekit"), FIRST_PY: lambda: self.first_call("cozepy")},
            rounds,
            warmup,
        )
        traced = interleave(
            {
                label: (lambda s=sdk, m=mod: self.import_time(s, m))
                for label, (sdk, mod) in IMPORTTIME.items()
            },
            importtime_rounds,
            warmup,
        )
        return {
            **timed,
            **{label: self.imported[sdk][warmup:] for label, sdk in WALL.items()},
            **traced,
        }

    def profile(self, warmup: int = 1) -> str:
        return _profile(
            {f"{sdk} first call": runs[warmup:] for sdk, runs in self.packages.items()},
        )


def run(quick: bool = False) -> Figure:
    with LoopbackServer() as url:
        programs = _Programs(url)
        samples = programs.rows(3 if quick else 9, 2 if quick else 5)
        profile = programs.profile()
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
        "(click, rich) when those are installed, as they are here with the cli extra. The import rows "
        "are the same runs as the first-call rows, timed at the end of the import. The `-X importtime` "
        "rows and the profile below come from the first-call program run under `-X importtime` in "
        "interpreters of their own, fewer rounds after the timed ones (the profile: median self time "
        "of its runs, by top-level package).",
        {"headline": ["first call (import, client, one call): cozekit / cozepy"], "profile": profile},
    )
