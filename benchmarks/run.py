"""One command for every figure: `python -m benchmarks.run [--quick] [--only sse,concurrency,...]`.

Prints each figure's tables, then writes into the output directory `results.json` (every sample),
`RESULTS.md` (generated; the explanations come from `benchmarks/NOTES.md`) and `charts/<figure>.png`.
A full run of every figure writes into `benchmarks/` itself (the committed report); `--quick` or
`--only` runs write into `benchmarks/out/` unless `--out` says otherwise. `--report-only` re-renders
RESULTS.md and the charts from the output directory's results.json without measuring anything.

The emulator's benchmark (`python -m benchmarks.emulator`, the same options) is another suite of the
same machinery: `emulator_results.json`, `EMULATOR_RESULTS.md` with `EMULATOR_NOTES.md`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import _charts, _clients, _emulator, _report, calls, concurrency, e2e, imports, sse, upload
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


@dataclass
class Suite:
    """One report: its figures, its hand-written notes, the files it writes and the top of its page."""

    figures: Dict[str, Callable[[bool], Union[Figure, Sequence[Figure]]]]
    notes: str = NOTES
    results: str = "results.json"
    report: str = "RESULTS.md"
    heading: Optional[List[str]] = None
    """The report's first lines (title and how it was made); None: the SDK benchmarks' own."""
    notes_when_quick: bool = False
    """Include the notes in a quick run's report too."""
    options: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    apply: Callable[[argparse.Namespace], Dict[str, Any]] = lambda args: {}
    """Applies the suite's own options; what it returns is kept in the results (`run`)."""
    description: str = __doc__ or ""
    budget: Optional[float] = None
    """Seconds a full run of every figure may take (shown against the run's time in the report)."""
    preload: Callable[[], None] = lambda: None
    """Imports what the figures use in this process, before the run freezes what is loaded (`main`)."""


BUDGET = 600.0
"""The SDK benchmarks' budget: every figure in ten minutes on two cores (issue #19)."""
SDK_SUITE = Suite(FIGURES, budget=BUDGET, preload=_clients.preload)


def _emulator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--serve-arg",
        action="append",
        default=[],
        help="an extra `cozekit serve` argument, repeatable (e.g. --serve-arg=--database-url=postgresql://...)",
    )
    parser.add_argument("--label", default="", help="a label for this run, shown in the report (e.g. before)")
    parser.add_argument(
        "--workdir", default="", help="where the emulators' data dirs go (default: the temp dir)"
    )


def _emulator_apply(args: argparse.Namespace) -> Dict[str, Any]:
    from benchmarks import emulator

    emulator.OPTIONS.serve_args = list(args.serve_arg)
    emulator.OPTIONS.workdir = args.workdir
    return {"label": args.label, "serve_args": list(args.serve_arg)}


def emulator_suite() -> Suite:
    """The emulator's storage and serving benchmark (`python -m benchmarks.emulator`)."""
    from benchmarks import emulator

    return Suite(
        emulator.FIGURES,
        notes=os.path.join(HERE, "EMULATOR_NOTES.md"),
        results="emulator_results.json",
        report="EMULATOR_RESULTS.md",
        heading=_report.EMULATOR_HEADING,
        notes_when_quick=True,
        options=_emulator_options,
        apply=_emulator_apply,
        description=emulator.__doc__ or "",
    )


def process_age() -> float:
    """Seconds since this process started (from /proc; 0 where there is none), so that the run's time
    includes the interpreter's start and the imports before `main`."""
    try:
        with open("/proc/self/stat") as f:
            started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime") as f:
            return max(0.0, float(f.read().split()[0]) - started)
    except (OSError, ValueError, IndexError):
        return 0.0


def render(
    results: Dict[str, Any], out: str, suite: Suite = SDK_SUITE, started: Optional[float] = None
) -> str:
    """Writes one chart per figure and the report into `out`; returns the report's path. With `started`
    (a `time.perf_counter()`), the run's time is updated once the charts are drawn, so that it counts
    everything but writing the report itself."""
    notes = ""
    if os.path.exists(suite.notes) and (suite.notes_when_quick or not results.get("quick")):
        with open(suite.notes, encoding="utf-8") as f:
            notes = f.read()
    for figure in results["figures"]:
        if figure["rows"]:
            _charts.chart(figure, os.path.join(out, "charts", f"{figure['key']}.png"))
    if started is not None:
        results["seconds"] = time.perf_counter() - started
        results["cpu_seconds"] = sum(os.times()[:4])  # this process and the children it waited for
    if suite.budget and not results.get("quick") and not results.get("only"):  # a full run
        results = {**results, "budget_seconds": suite.budget}
    path = os.path.join(out, suite.report)
    with open(path, "w", encoding="utf-8") as f:
        f.write(_report.markdown(results, notes, heading=suite.heading) + "\n")
    return path


def _figures(name: str, made: Union[Figure, Sequence[Figure]]) -> List[Dict[str, Any]]:
    return [f.as_dict() for f in ([made] if isinstance(made, Figure) else made)]


def main(argv: Optional[list] = None, suite: Optional[Suite] = None) -> int:
    suite = suite or SDK_SUITE
    FIGURES = suite.figures
    parser = argparse.ArgumentParser(
        description=suite.description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds, smaller inputs")
    parser.add_argument(
        "--only", default="", help=f"comma-separated figures to run (of {', '.join(FIGURES)})"
    )
    parser.add_argument("--out", default=None, help="directory for results.json, RESULTS.md and charts/")
    parser.add_argument("--report-only", action="store_true", help=f"re-render from <out>/{suite.results}")
    suite.options(parser)
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()] or list(FIGURES)
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))} (known: {', '.join(FIGURES)})")
    partial = args.quick or wanted != list(FIGURES)
    out = args.out or (SCRATCH if partial and not args.report_only else HERE)
    if args.report_only:
        with open(os.path.join(out, suite.results), encoding="utf-8") as f:
            print(f"wrote {render(json.load(f), out, suite)}")
        return 0
    results: Dict[str, Any] = {"machine": _report.machine(), "quick": args.quick, "figures": []}
    results.update(suite.apply(args))
    if wanted != list(FIGURES):
        results["only"] = wanted
    results["timings"] = {}
    started = time.perf_counter() - process_age()
    os.makedirs(out, exist_ok=True)
    # Every sample starts with a full collection (`interleave`), which in this process (both SDKs, httpx
    # and the harness loaded: 70,000 objects) took 0.1-0.5 s each, hundreds of times a run. What is
    # loaded now lives as long as the process: moved out of the collector's way, a collection walks only
    # what the figures make.
    suite.preload()
    gc.collect()
    gc.freeze()
    with _emulator.shared():  # the figures that use the emulator share one
        _run_figures(wanted, FIGURES, results, out, suite, started)
    path = render(results, out, suite, started)
    with open(os.path.join(out, suite.results), "w", encoding="utf-8") as f:  # with the whole run's time
        json.dump(results, f, indent=1, ensure_ascii=False)
    missed = [r["name"] for fig in results["figures"] for r in fig["ratios"] if r["met"] is False]
    budget = {"budget_seconds": suite.budget} if suite.budget and not partial else {}
    print("\n".join(_report.run_time({**results, **budget})), flush=True)
    print(f"done in {results['seconds']:.0f} s; targets missed: {'; '.join(missed) or 'none'}")
    print(f"wrote {os.path.join(out, suite.results)}, {path} and its charts")
    return 0


def _run_figures(
    wanted: List[str],
    FIGURES: Dict[str, Callable[[bool], Union[Figure, Sequence[Figure]]]],
    results: Dict[str, Any],
    out: str,
    suite: Suite,
    started: float,
) -> None:
    """Runs the figures in turn, keeping each one's time, and writes the results after each."""
    quick = results["quick"]
    for name in wanted:
        print(f"running {name}...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            figures = _figures(name, FIGURES[name](quick))
        except Exception as exc:  # one broken figure must not cost the others: it is reported as such
            traceback.print_exc()
            figures = [Figure(name, f"{name}: failed", [], [], f"**The figure failed**: {exc!r}").as_dict()]
        for figure in figures:
            figure["seconds"] = (time.perf_counter() - t) / len(figures)
            results["figures"].append(figure)
            print("\n".join(_report.table(figure)), flush=True)
        results["timings"][name] = time.perf_counter() - t
        print(f"({name}: {results['timings'][name]:.0f} s)", file=sys.stderr, flush=True)
        results["seconds"] = time.perf_counter() - started
        results["load_average_end"] = os.getloadavg()
        with open(os.path.join(out, suite.results), "w", encoding="utf-8") as f:  # after each figure
            json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
