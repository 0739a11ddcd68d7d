"""What a workload is: the client operations it generates and the checker of their history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from checkers.compose import CheckerFailure, CompositeResult, SimpleResult, StatsResult, merged
from checkers.result_json import AnyResult
from checkers.verdict import Verdict
from harness.config import TestConfig
from harness.generators import Generator
from harness.history import History
from harness.ops import OpType
from harness.option_reader import OptionError
from harness.protocols import Checker


class WorkloadOptionError(OptionError):
    """A ``--workload-opt`` is unknown or has a bad value."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Workload:
    name: str
    generator: Generator
    """Client operations, unbounded: the run applies the rate and the time limit."""
    checker: Checker
    final_generator: Generator | None = None
    """Client operations after the workload, the heal and the recovery time, once every client is
    idle (e.g. a final read on every node); None = nothing."""


@dataclass(frozen=True, slots=True)
class Compose:
    """Several named checkers; the verdict is their merge. A checker that raises is unknown."""

    checkers: Mapping[str, Checker]

    def check(self, test: TestConfig, history: History) -> CompositeResult:
        parts: dict[str, AnyResult] = {}
        for name, checker in self.checkers.items():
            try:
                parts[name] = checker.check(test, history)
            except Exception as e:
                parts[name] = CheckerFailure.of(e)
        return CompositeResult(verdict=merged(parts), parts=parts)


class StatsChecker:
    """Counts by f and type; ``unknown`` if no client operation succeeded (nothing was tested)."""

    def check(self, test: TestConfig, history: History) -> StatsResult:
        counts: dict[str, dict[str, int]] = {}
        for op in history.operations():
            by_type = counts.setdefault(op.f, {"ok": 0, "fail": 0, "info": 0})
            by_type[op.type.value] += 1
        ok = sum(c["ok"] for c in counts.values())
        total = sum(sum(c.values()) for c in counts.values())
        if ok == 0:
            return StatsResult(verdict=Verdict.UNKNOWN, operations=total, ok=ok, by_f=counts,
                               reason="no client operation succeeded, so nothing was tested")
        return StatsResult(verdict=Verdict.VALID, operations=total, ok=ok, by_f=counts)


def count_type(history: History, kind: OpType) -> int:
    return sum(1 for op in history.operations() if op.type is kind)


__all__ = [
    "CheckerFailure",
    "Compose",
    "CompositeResult",
    "SimpleResult",
    "StatsChecker",
    "StatsResult",
    "Workload",
    "WorkloadOptionError",
    "count_type",
]
