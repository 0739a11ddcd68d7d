"""Key figures of a run, and of a case over its runs: what a baseline records and compares.

- ``anomalies``: what the checkers found (invalid keys, counter errors, lost elements);
- ``availability``: the fraction of client operations invoked while a fault was in effect that
  succeeded (``ok``); ``None`` when no operation ran under a fault;
- ``p99_ms``: the 99th percentile latency of successful operations, in milliseconds;
- ``unknown_rate``: the fraction of client operations that ended ``info`` (outcome unknown).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checkers.availability import availability
from checkers.fault_windows import fault_windows
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jsonl import read_jsonl
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType
from harness.shell.gate._summary import anomalies
from harness.shell.run_results import RunResults


@dataclass(frozen=True, kw_only=True, slots=True)
class Figures:
    """Key figures of one run, or the mean over a case's runs (``runs`` of them)."""

    runs: int = 1
    operations: float = 0.0
    anomalies: float = 0.0
    availability: float | None = None
    p99_ms: float | None = None
    unknown_rate: float | None = None

    def to_json(self) -> dict[str, JSON]:
        return {
            "runs": self.runs,
            "operations": self.operations,
            "anomalies": self.anomalies,
            "availability": self.availability,
            "p99_ms": self.p99_ms,
            "unknown_rate": self.unknown_rate,
        }

    @classmethod
    def from_json(cls, data: JSON) -> Figures:
        """Raises ValueError when ``data`` is not a figures object."""
        if not isinstance(data, dict):
            raise ValueError("expected an object of figures")

        def number(key: str, optional: bool) -> float | None:
            value = data.get(key)
            if value is None and optional:
                return None
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"figure {key!r} must be a number, got {value!r}")
            return float(value)

        runs = data.get("runs", 1)
        if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
            raise ValueError(f"figure 'runs' must be a positive integer, got {runs!r}")
        return cls(
            runs=runs,
            operations=number("operations", False) or 0.0,
            anomalies=number("anomalies", False) or 0.0,
            availability=number("availability", True),
            p99_ms=number("p99_ms", True),
            unknown_rate=number("unknown_rate", True),
        )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank ``q`` percentile (0 < q <= 100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def history_figures(history: History, results: RunResults | None) -> Figures:
    """The figures of one run from its history and its ``results.json``."""
    operations = history.operations()
    total = len(operations)
    latencies = [(o.ret_time - o.call_time) / 1e6 for o in operations
                 if o.type is OpType.OK and o.ret_time is not None]
    info = sum(1 for o in operations if o.type is OpType.INFO)
    report = availability(operations, fault_windows(history))
    under_ok = report.overall.ok - report.outside.ok
    under_total = report.overall.total - report.outside.total
    return Figures(
        operations=float(total),
        anomalies=float(anomalies(results)),
        availability=under_ok / under_total if under_total else None,
        p99_ms=percentile(latencies, 99.0),
        unknown_rate=info / total if total else None,
    )


def run_figures(run_dir: Path, results: RunResults | None) -> Figures | None:
    """The figures of a stored run; None when its history cannot be read."""
    try:
        history = read_jsonl(run_dir / "history.jsonl")
        return history_figures(history, results)
    except (OSError, HistoryFormatError):
        return None


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def mean_figures(runs: Sequence[Figures]) -> Figures | None:
    """The mean of the runs' figures (a figure absent from a run is left out of its mean)."""
    if not runs:
        return None
    return Figures(
        runs=len(runs),
        operations=sum(r.operations for r in runs) / len(runs),
        anomalies=sum(r.anomalies for r in runs) / len(runs),
        availability=_mean([r.availability for r in runs]),
        p99_ms=_mean([r.p99_ms for r in runs]),
        unknown_rate=_mean([r.unknown_rate for r in runs]),
    )


__all__ = ["Figures", "history_figures", "mean_figures", "percentile", "run_figures"]
