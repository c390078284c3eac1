"""The machine description, the printed tables and the generated RESULTS.md (tables, charts, profiles,
and the hand-written explanations of `NOTES.md`, included as they are)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any, Dict, List, Optional

PACKAGES = ["cozekit", "cozepy", "httpx", "httpcore", "h11", "anyio", "pydantic", "pydantic-core"]


def machine() -> Dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=root)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
        "packages": versions,
        "commit": commit.stdout.strip(),
    }


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) >= 10:
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _verdict(r: Dict[str, Any]) -> str:
    if r["met"] is None:
        return ""
    return ("met" if r["met"] else "MISSED") + f" (target {r['op']} {r['target']:g})"


def table(figure: Dict[str, Any]) -> List[str]:
    """A figure as Markdown table lines (also fine as plain text)."""
    lines = [f"### {figure['title']}", ""]
    if figure["rows"]:
        lines += ["| contender | median | IQR | min – max | n |", "|---|---:|---:|---:|---:|"]
        for r in figure["rows"]:
            iqr = f"{_fmt(r['q1'])} – {_fmt(r['q3'])}"
            lines.append(
                f"| {r['label']} | **{_fmt(r['median'])}** {r['unit']} | {iqr} | "
                f"{_fmt(r['min'])} – {_fmt(r['max'])} | {r['n']} |"
            )
        lines.append("")
    if figure["ratios"]:
        lines += ["| ratio (of medians) | value | target |", "|---|---:|---|"]
        lines += [f"| {r['name']} | **{r['value']:.2f}** | {_verdict(r)} |" for r in figure["ratios"]]
        lines.append("")
    if figure["notes"]:
        lines += [figure["notes"], ""]
    return lines


def _load(values: Any) -> str:
    return ", ".join(f"{x:.2f}" for x in values)


def machine_lines(results: Dict[str, Any]) -> List[str]:
    m = results["machine"]
    pkgs = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    return [
        f"- CPU: {m['cpu']}, {m['cores']} cores; {m['platform']}",
        f"- Python {m['python']} ({m['implementation']}); {pkgs}",
        f"- commit `{m['commit']}`; {'quick' if results['quick'] else 'full'} mode; "
        f"{results['seconds']:.0f} s for the whole run"
        + (f"; figures: {', '.join(results['only'])}" if results.get("only") else ""),
        *([f"- **{results['label']}**"] if results.get("label") else []),
        *(
            [f"- `cozekit serve` arguments: `{' '.join(results['serve_args'])}`"]
            if results.get("serve_args")
            else []
        ),
        f"- load average (1, 5, 15 min) at the start ({_load(m['load_average'])})"
        + (f", at the end ({_load(results['load_average_end'])})" if "load_average_end" in results else "")
        + f", on {m['cores']} cores: "
        + (
            "other work was running on the machine, so absolute numbers are noisy; every ratio compares "
            "contenders run side by side in rotated order, which shares the noise"
            if max(m["load_average"][0], results.get("load_average_end", (0,))[0]) > 0.5 * (m["cores"] or 1)
            else "a quiet machine"
        ),
    ]


BUDGET_WORDS = {600: "ten minutes"}


def timings(results: Dict[str, Any]) -> Dict[str, float]:
    """Seconds each figure (each name of `--only`) took, in run order; from the figures' own `seconds`
    for results written before the run kept them by name."""
    if results.get("timings"):
        return {name: float(seconds) for name, seconds in results["timings"].items()}
    found: Dict[str, float] = {}
    for figure in results["figures"]:
        if "seconds" in figure:
            found[figure["key"]] = found.get(figure["key"], 0.0) + float(figure["seconds"])
    return found


def run_time(results: Dict[str, Any]) -> List[str]:
    """Each figure's time and the whole run's as a Markdown table, and the run against its budget."""
    times = timings(results)
    total = float(results.get("seconds") or sum(times.values()))
    lines = ["| figure | time | share of the run |", "|---|---:|---:|"]
    for name, seconds in times.items():
        lines.append(
            f"| {name} | {seconds:.0f} s | {seconds / total:.0%} |" if total else f"| {name} | - | - |"
        )
    rest = total - sum(times.values())
    if times and rest >= 0.5:
        lines.append(
            f"| start-up, the machine's description, the charts | {rest:.0f} s | {rest / total:.0%} |"
        )
    lines.append(f"| **whole run** | **{total:.0f} s** ({total / 60:.1f} min) | |")
    if results.get("cpu_seconds"):
        lines += [
            "",
            f"CPU time of the run's processes (the benchmark, its servers and clients): "
            f"{results['cpu_seconds']:.0f} s; the rest of the wall time is the streams' pacing, waits "
            "and, on a busy machine, other work's turn on the cores.",
        ]
    budget = results.get("budget_seconds")
    if budget:
        words = BUDGET_WORDS.get(int(budget), f"{budget / 60:g} minutes")
        within = total <= budget
        lines += [
            "",
            f"Budget for the whole run: {words} ({budget:.0f} s) on two cores; this run: "
            + (f"**within** it ({total:.0f} s)" if within else f"**over** it ({total:.0f} s)")
            + ", with the load average above.",
        ]
    elif results.get("quick") or results.get("only"):
        lines += [
            "",
            "A partial run (quick or some figures): the budget applies to a full run of every figure.",
        ]
    return lines


def targets(results: Dict[str, Any]) -> List[str]:
    """Every ratio that has a target, headline ones first, as a Markdown table; a target the build
    cannot measure (a figure's `extra["unavailable"]`) says so."""
    lines = ["| figure | target | measured | verdict |", "|---|---|---:|---|"]
    entries = []
    for figure in results["figures"]:
        headline = set((figure.get("extra") or {}).get("headline", []))
        for r in figure["ratios"]:
            if r["target"] is not None:
                entries.append((r["name"] not in headline, figure, r))
    for not_headline, figure, r in sorted(entries, key=lambda e: e[0]):
        name = r["name"] if not_headline else f"**{r['name']}**"
        verdict = "met" if r["met"] else f"**missed** ({r['value']:.2f}, target {r['op']} {r['target']:g})"
        lines.append(f"| {figure['key']} | {name} {r['op']} {r['target']:g} | {r['value']:.2f} | {verdict} |")
    for figure in results["figures"]:
        for u in (figure.get("extra") or {}).get("unavailable", []):
            target = f"{u['name']} {u['op']} {u['target']:g}"
            lines.append(f"| {figure['key']} | {target} | — | not available in this build |")
    return lines


EMULATOR_HEADING = [
    "# Emulator benchmark results",
    "",
    "<!-- Generated by `python -m benchmarks.emulator` from its run (emulator_results.json); the text",
    "     under the targets comes from benchmarks/EMULATOR_NOTES.md. Edit it, then",
    "     `python -m benchmarks.emulator --report-only --out <the run's directory>`. -->",
    "",
    "The emulator's storage and serving (issue #15), measured on whatever `cozekit serve` is installed, "
    "side by side with the framework's ceiling (a trivial FastAPI app on the same uvicorn answering the "
    "same bytes), interleaved, in one run of one command (what each figure and limit means: "
    "[README.md](README.md#the-emulator-benchmark)):",
    "",
    "```sh",
    "pip install -e '.[emulator,bench]' && python -m benchmarks.emulator",
    "```",
    "",
    "Every figure is a median with its spread (interquartile range, min – max, n samples); every ratio "
    "divides two medians from the same run; each chart shows every sample.",
]


SDK_HEADING = [
    "# Benchmark results",
    "",
    "<!-- Generated by `python -m benchmarks.run` from its run (results.json); the explanations come",
    "     from benchmarks/NOTES.md. Edit NOTES.md, then `python -m benchmarks.run --report-only`. -->",
    "",
    "cozekit against the official cozepy 0.20.0 and against the limits of raw httpx, measured side by "
    "side, interleaved, in one run of one command (how to run it, and what each figure and limit "
    "means: [README.md](README.md)):",
    "",
    "```sh",
    "pip install -e '.[emulator,bench]' && python -m benchmarks.run",
    "```",
    "",
    "Every figure is a ratio of medians of contenders run side by side in rotated order, with the "
    "spread of each (interquartile range, min – max, n samples); each chart shows every sample.",
]


def markdown(
    results: Dict[str, Any], notes: str = "", charts: str = "charts", heading: Optional[List[str]] = None
) -> str:
    """The report: its heading (how it was made), the machine, the targets, the notes, every figure."""
    lines = [
        *(heading or SDK_HEADING),
        "",
        "## Machine and run",
        "",
        *machine_lines(results),
        "",
        "### Run time",
        "",
        *run_time(results),
        "",
        "## Targets",
        "",
        *targets(results),
        "",
    ]
    if notes.strip():
        lines += [notes.strip(), ""]
    lines += ["## Figures", ""]
    for figure in results["figures"]:
        body = table(figure)
        lines += body[:2]
        if figure["rows"]:
            lines += [f"![{figure['title']}]({charts}/{figure['key']}.png)", ""]
        lines += body[2:]
        profile = (figure.get("extra") or {}).get("profile")
        if profile:
            lines += ["<details><summary>Profile</summary>", "", profile, "", "</details>", ""]
    return "\n".join(lines)
