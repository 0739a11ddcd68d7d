"""Baselines: the key figures of a green gate, saved as JSON and compared on the next run.

A regression is a figure worse than the baseline beyond the suite's :class:`Thresholds`:
availability under faults dropped, p99 latency rose (relatively and absolutely), the unknown
rate rose, or a case that expects ``valid`` found more anomalies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.kernel.errors import BadInputError
from harness.kernel.jsontypes import JSON
from harness.shell.gate._figures import Figures
from harness.shell.gate._suite import Case, Expectation, Thresholds

FORMAT = 1


class BaselineError(BadInputError):
    """The baseline file is unreadable or malformed."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Baseline:
    suite: str
    cases: Mapping[str, Figures]

    def to_json(self) -> dict[str, JSON]:
        return {
            "format": FORMAT,
            "suite": self.suite,
            "cases": {name: f.to_json() for name, f in sorted(self.cases.items())},
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Regression:
    case: str
    figure: str
    baseline: float
    current: float
    limit: str
    """The threshold that was crossed, in words."""

    @property
    def message(self) -> str:
        return f"{self.case}: {self.figure} {_fmt(self.baseline)} -> {_fmt(self.current)} " \
               f"({self.limit})"


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def save_baseline(path: Path, baseline: Baseline) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(baseline.to_json(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BaselineError(f"{path}: cannot read the baseline: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(f"{path}: not a JSON baseline: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: not a gate baseline (expected format {FORMAT})")
    suite, cases = data.get("suite"), data.get("cases")
    if not isinstance(suite, str) or not isinstance(cases, dict):
        raise BaselineError(f"{path}: a baseline needs 'suite' (string) and 'cases' (object)")
    figures: dict[str, Figures] = {}
    for name, value in cases.items():
        try:
            figures[name] = Figures.from_json(value)
        except ValueError as e:
            raise BaselineError(f"{path}: case {name!r}: {e}") from None
    return Baseline(suite=suite, cases=figures)


def compare_case(case: Case, base: Figures, now: Figures, limits: Thresholds) -> list[Regression]:
    """The figures of ``case`` that regressed from ``base`` to ``now``."""
    out: list[Regression] = []
    name = case.name
    if base.availability is not None and now.availability is not None \
            and now.availability < base.availability - limits.availability_drop:
        out.append(Regression(case=name, figure="availability under faults",
                              baseline=base.availability, current=now.availability,
                              limit=f"dropped by more than {limits.availability_drop:g}"))
    if base.p99_ms is not None and now.p99_ms is not None \
            and now.p99_ms > base.p99_ms * (1 + limits.p99_increase) \
            and now.p99_ms - base.p99_ms > limits.p99_floor_ms:
        out.append(Regression(case=name, figure="p99 latency (ms)", baseline=base.p99_ms,
                              current=now.p99_ms,
                              limit=f"rose by more than {limits.p99_increase:.0%} and "
                                    f"{limits.p99_floor_ms:g} ms"))
    if base.unknown_rate is not None and now.unknown_rate is not None \
            and now.unknown_rate > base.unknown_rate + limits.unknown_rate_increase:
        out.append(Regression(case=name, figure="unknown rate", baseline=base.unknown_rate,
                              current=now.unknown_rate,
                              limit=f"rose by more than {limits.unknown_rate_increase:g}"))
    if case.expect is Expectation.VALID \
            and now.anomalies > base.anomalies + limits.anomaly_increase:
        out.append(Regression(case=name, figure="anomalies", baseline=base.anomalies,
                              current=now.anomalies,
                              limit=f"more than {limits.anomaly_increase} over the baseline"))
    return out


def compare(cases: Mapping[str, tuple[Case, Figures]], baseline: Baseline,
            limits: Thresholds) -> tuple[list[Regression], list[str]]:
    """Regressions of every case found in both; and notes on cases that cannot be compared."""
    regressions: list[Regression] = []
    notes: list[str] = []
    for name, (case, now) in cases.items():
        base = baseline.cases.get(name)
        if base is None:
            notes.append(f"{name}: not in the baseline (new case)")
            continue
        regressions.extend(compare_case(case, base, now, limits))
    for name in sorted(set(baseline.cases) - set(cases)):
        notes.append(f"{name}: in the baseline but not run")
    return regressions, notes


__all__ = [
    "Baseline",
    "BaselineError",
    "Regression",
    "compare",
    "compare_case",
    "load_baseline",
    "save_baseline",
]
