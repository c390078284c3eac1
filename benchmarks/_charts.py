"""One PNG chart per figure (matplotlib): for each unit a panel of horizontal bars, the median of each
contender with its interquartile range as a whisker and every sample as a dot; the figure's headline
ratios in the title."""

from __future__ import annotations

import os
from typing import Any, Dict, List

COZEKIT = "#2b6cb0"
LIMIT = "#2f855a"
COZEPY = "#c05621"
OTHER = "#718096"


def _colour(label: str) -> str:
    low = label.lower()
    if "ceiling" in low:
        return LIMIT
    if (low.startswith("cozekit") and "decoder only" not in low) or "emulator" in low:
        return COZEKIT
    if "cozepy" in low:
        return COZEPY
    if "fair limit" in low or "httpx asyncclient" in low:
        return LIMIT
    return OTHER


def _panels(rows: List[Dict[str, Any]]) -> Dict[str, List[Dict[str, Any]]]:
    panels: Dict[str, List[Dict[str, Any]]] = {}
    for row in rows:
        panels.setdefault(row["unit"], []).append(row)
    return panels


def _headline(figure: Dict[str, Any]) -> str:
    wanted = set((figure.get("extra") or {}).get("headline", []))
    parts = []
    for r in figure["ratios"]:
        if r["name"] in wanted or (not wanted and r["target"] is not None):
            verdict = "" if r["met"] is None else (" ✓" if r["met"] else " ✗ missed")
            target = "" if r["target"] is None else f" (target {r['op']} {r['target']:g})"
            parts.append(f"{r['name']}: {r['value']:.2f}{target}{verdict}")
    return "\n".join(parts)


def chart(figure: Dict[str, Any], path: str) -> str:
    """Writes the figure's chart to `path` (PNG) and returns `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    panels = _panels(figure["rows"])
    heights = [max(1.2, 0.34 * len(rows) + 0.6) for rows in panels.values()]
    headline = _headline(figure)
    title_lines = 1 + headline.count("\n") + (1 if headline else 0)
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(10, sum(heights) + 0.3 * title_lines + 0.4),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, (unit, rows) in zip(axes[:, 0], panels.items()):
        labels = [r["label"] for r in rows][::-1]
        rows = rows[::-1]
        ys = list(range(len(rows)))
        medians = [r["median"] for r in rows]
        colours = [_colour(r["label"]) for r in rows]
        ax.barh(ys, medians, color=colours, alpha=0.85, height=0.65)
        low = [r["median"] - r["q1"] for r in rows]
        high = [r["q3"] - r["median"] for r in rows]
        ax.errorbar(medians, ys, xerr=[low, high], fmt="none", ecolor="black", elinewidth=1, capsize=3)
        for y, r in zip(ys, rows):
            ax.scatter(r["samples"], [y] * len(r["samples"]), s=7, color="black", alpha=0.45, zorder=3)
            ax.annotate(
                f" {_fmt(r['median'])}",
                (max(r["median"], r["q3"], max(r["samples"])), y),
                va="center",
                fontsize=8,
                xytext=(3, 0),
                textcoords="offset points",
            )
        ax.set_yticks(ys)
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xlabel(unit, fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.10g}"))
        ax.set_xlim(0, max(max(r["max"], r["q3"]) for r in rows) * 1.2 or 1)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
    fig.suptitle(figure["title"] + ("\n" + headline if headline else ""), fontsize=9, ha="left", x=0.01)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) >= 10:
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
