"""The machine description, the printed table and the Markdown report."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from typing import Any, Dict, List

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


def markdown(results: Dict[str, Any]) -> str:
    m = results["machine"]
    pkgs = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    lines = [
        f"- CPU: {m['cpu']}, {m['cores']} cores; {m['platform']}",
        f"- Python {m['python']} ({m['implementation']}); {pkgs}",
        f"- commit {m['commit']}; load average at the start {tuple(round(x, 2) for x in m['load_average'])}"
        + (
            f", at the end {tuple(round(x, 2) for x in results['load_average_end'])}"
            if "load_average_end" in results
            else ""
        )
        + f"; mode: {'quick' if results['quick'] else 'full'}; wall time {results['seconds']:.0f} s",
        "",
    ]
    for figure in results["figures"]:
        lines += table(figure)
    return "\n".join(lines)
