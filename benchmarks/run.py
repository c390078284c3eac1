"""One command for every figure: `python -m benchmarks.run [--quick] [--only sse,calls,...]`.

Prints a table and writes `benchmarks/out/results.json` (and `results.md`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Callable, Dict

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import _report, calls, e2e, imports, sse, upload
from benchmarks._stats import Figure

FIGURES: Dict[str, Callable[[bool], Figure]] = {
    "sse": sse.run,
    "calls": calls.run,
    "imports": imports.run,
    "upload": upload.run,
    "e2e": e2e.run,
}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds, smaller inputs")
    parser.add_argument("--only", default=",".join(FIGURES), help="comma-separated figures to run")
    parser.add_argument("--out", default=OUT, help="directory for results.json and results.md")
    args = parser.parse_args()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))} (known: {', '.join(FIGURES)})")
    results: Dict[str, Any] = {"machine": _report.machine(), "quick": args.quick, "figures": []}
    started = time.perf_counter()
    for name in wanted:
        print(f"running {name}...", file=sys.stderr, flush=True)
        figure = FIGURES[name](args.quick).as_dict()
        results["figures"].append(figure)
        print("\n".join(_report.table(figure)), flush=True)
    results["seconds"] = time.perf_counter() - started
    results["load_average_end"] = os.getloadavg()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(_report.markdown(results) + "\n")
    missed = [r["name"] for fig in results["figures"] for r in fig["ratios"] if r["met"] is False]
    print(f"done in {results['seconds']:.0f} s; targets missed: {', '.join(missed) or 'none'}")
    print(f"wrote {os.path.join(args.out, 'results.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
