"""Figure 3: import time. `python -X importtime -c "import X"` in fresh processes, alternating
cozekit and cozepy; the figure is the cumulative µs of the top-level module."""

from __future__ import annotations

import subprocess
import sys
from typing import Callable, Dict

from ._runner import interleave
from ._server import LoopbackServer
from ._stats import Figure, Summary, ratio

IMPORTTIME = {
    "import cozekit": ("import cozekit", "cozekit"),
    "import cozepy": ("import cozepy", "cozepy"),
    "import httpx (reference)": ("import httpx", "httpx"),
}
WALL = {
    "wall: from cozekit import Coze, TokenAuth": "from cozekit import Coze, TokenAuth",
    "wall: from cozepy import Coze, TokenAuth": "from cozepy import Coze, TokenAuth",
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


def wall_us(statement: str) -> float:
    """Wall-clock µs of `statement` in a fresh interpreter (everything it imports, lazily or not)."""
    code = _WALL.format(statement)
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True
    )
    return float(proc.stdout.strip())


def run(quick: bool = False) -> Figure:
    contenders: Dict[str, Callable[[], float]] = {
        label: (lambda s=stmt, m=mod: cumulative_us(s, m)) for label, (stmt, mod) in IMPORTTIME.items()
    }
    contenders.update({label: (lambda s=stmt: wall_us(s)) for label, stmt in WALL.items()})
    with LoopbackServer() as url:
        for sdk in ("cozekit", "cozepy"):
            statement = _FIRST_CALL.format(sdk=sdk, url=url)
            contenders[f"wall: import, client, first call ({sdk})"] = lambda s=statement: wall_us(s)
        samples = interleave(contenders, 3 if quick else 9)
    rows = {label: Summary(label, "µs", s) for label, s in samples.items()}
    return Figure(
        "imports",
        "Import time (cumulative µs of the top-level module, fresh process each; lower is better)",
        list(rows.values()),
        [
            ratio("import cozekit / import cozepy", rows["import cozekit"], rows["import cozepy"], 0.5, "<="),
            ratio(
                "wall: from cozekit import Coze / from cozepy import Coze",
                rows["wall: from cozekit import Coze, TokenAuth"],
                rows["wall: from cozepy import Coze, TokenAuth"],
            ),
            ratio(
                "wall: import, client, first call: cozekit / cozepy",
                rows["wall: import, client, first call (cozekit)"],
                rows["wall: import, client, first call (cozepy)"],
            ),
        ],
        "Fresh interpreters, alternating. `import cozekit` is lazy (PEP 562): names load on first "
        "use, so the wall-clock rows show what a program pays: importing the client, and importing, "
        "making a client and one call (conversation retrieve against the canned loopback server). "
        "Both SDKs import httpx, whose import pulls in its CLI (click, rich) when those are "
        "installed, as they are here with the cli extra.",
    )
