"""One command for every figure: `python -m benchmarks.run [--quick] [--only sse,concurrency,...]`.

Prints each figure's tables, then writes into the output directory `results.json` (every sample),
`RESULTS.md` (generated; the explanations come from `benchmarks/NOTES.md`) and `charts/<figure>.png`.
A full run of every figure writes into `benchmarks/` itself (the committed report); `--quick` or
`--only` runs write into `benchmarks/out/` unless `--out` says otherwise. `--report-only` re-renders
RESULTS.md and the charts from the output directory's results.json without measuring anything.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from typing import Any, Callable, Dict, Optional

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import _charts, _report, calls, concurrency, e2e, imports, sse, upload
from benchmarks._stats import Figure

FIGURES: Dict[str, Callable[[bool], Figure]] = {
    "sse": sse.run,
    "concurrency": concurrency.run,
    "imports": imports.run,
    "calls": calls.run,
    "upload": upload.run,
    "e2e": e2e.run,
}
HERE = os.path.dirname(os.path.abspath(__file__))
SCRATCH = os.path.join(HERE, "out")
NOTES = os.path.join(HERE, "NOTES.md")


def render(results: Dict[str, Any], out: str, notes_path: str = NOTES) -> str:
    """Writes RESULTS.md and one chart per figure into `out`; returns the RESULTS.md path."""
    notes = ""
    if os.path.exists(notes_path) and not results.get("quick"):
        with open(notes_path, encoding="utf-8") as f:
            notes = f.read()
    for figure in results["figures"]:
        if figure["rows"]:
            _charts.chart(figure, os.path.join(out, "charts", f"{figure['key']}.png"))
    path = os.path.join(out, "RESULTS.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(_report.markdown(results, notes) + "\n")
    return path


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds, smaller inputs")
    parser.add_argument(
        "--only", default="", help=f"comma-separated figures to run (of {', '.join(FIGURES)})"
    )
    parser.add_argument("--out", default=None, help="directory for results.json, RESULTS.md and charts/")
    parser.add_argument("--report-only", action="store_true", help="re-render from <out>/results.json")
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()] or list(FIGURES)
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))} (known: {', '.join(FIGURES)})")
    partial = args.quick or wanted != list(FIGURES)
    out = args.out or (SCRATCH if partial and not args.report_only else HERE)
    if args.report_only:
        with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
            print(f"wrote {render(json.load(f), out)}")
        return 0
    results: Dict[str, Any] = {"machine": _report.machine(), "quick": args.quick, "figures": []}
    started = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    for name in wanted:
        print(f"running {name}...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            figure = FIGURES[name](args.quick).as_dict()
        except Exception as exc:  # one broken figure must not cost the others: it is reported as such
            traceback.print_exc()
            figure = Figure(name, f"{name}: failed", [], [], f"**The figure failed**: {exc!r}").as_dict()
        figure["seconds"] = time.perf_counter() - t
        results["figures"].append(figure)
        print("\n".join(_report.table(figure)), flush=True)
        print(f"({name}: {figure['seconds']:.0f} s)", file=sys.stderr, flush=True)
        results["seconds"] = time.perf_counter() - started
        results["load_average_end"] = os.getloadavg()
        with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:  # after each figure
            json.dump(results, f, indent=1, ensure_ascii=False)
    path = render(results, out)
    missed = [r["name"] for fig in results["figures"] for r in fig["ratios"] if r["met"] is False]
    print(f"done in {results['seconds']:.0f} s; targets missed: {'; '.join(missed) or 'none'}")
    print(f"wrote {os.path.join(out, 'results.json')}, {path} and its charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
