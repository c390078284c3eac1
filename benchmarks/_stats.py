"""Summaries of repeated measurements: median and spread, and ratios between them."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence


@dataclass
class Summary:
    """One contender's repeated samples, summarised."""

    label: str
    unit: str
    samples: List[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def quartiles(self) -> tuple[float, float]:
        if len(self.samples) < 2:
            return self.samples[0], self.samples[0]
        q = statistics.quantiles(self.samples, n=4, method="inclusive")
        return q[0], q[2]

    def as_dict(self) -> Dict[str, Any]:
        q1, q3 = self.quartiles()
        return {
            "label": self.label,
            "unit": self.unit,
            "median": self.median,
            "q1": q1,
            "q3": q3,
            "min": min(self.samples),
            "max": max(self.samples),
            "n": len(self.samples),
            "samples": self.samples,
        }


@dataclass
class Ratio:
    """`value` = numerator / denominator (medians), compared with a target (`>=` or `<=`)."""

    name: str
    value: float
    target: Optional[float] = None
    op: str = ">="

    @property
    def met(self) -> Optional[bool]:
        if self.target is None:
            return None
        return self.value >= self.target if self.op == ">=" else self.value <= self.target

    def as_dict(self) -> Dict[str, Any]:
        return {**asdict(self), "met": self.met}


def ratio(name: str, a: Summary, b: Summary, target: Optional[float] = None, op: str = ">=") -> Ratio:
    """The ratio of two medians."""
    return Ratio(name, a.median / b.median if b.median else float("inf"), target, op)


@dataclass
class Figure:
    """One benchmark figure: its contenders, the ratios that matter, and notes."""

    key: str
    title: str
    rows: Sequence[Summary]
    ratios: Sequence[Ratio] = ()
    notes: str = ""
    extra: Optional[Dict[str, Any]] = None

    def as_dict(self) -> Dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "rows": [r.as_dict() for r in self.rows],
            "ratios": [r.as_dict() for r in self.ratios],
            "notes": self.notes,
            "extra": self.extra or {},
        }
