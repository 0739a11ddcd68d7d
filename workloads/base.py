"""What a workload is: the client operations it generates and the checker of their history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from checkers.verdict import Verdict, merge
from harness.config import TestConfig
from harness.generators import Generator
from harness.history import History
from harness.jsontypes import JSON
from harness.ops import OpType
from harness.option_reader import OptionError
from harness.protocols import Checker, CheckResult


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


@dataclass(frozen=True, kw_only=True, slots=True)
class SimpleResult:
    verdict: Verdict
    data: Mapping[str, JSON] = field(default_factory=dict)

    def to_json(self) -> dict[str, JSON]:
        return {"verdict": self.verdict.value, **self.data}


@dataclass(frozen=True, kw_only=True, slots=True)
class CompositeResult:
    verdict: Verdict
    parts: Mapping[str, CheckResult]

    def to_json(self) -> dict[str, JSON]:
        return {
            "verdict": self.verdict.value,
            "checkers": {name: part.to_json() for name, part in self.parts.items()},
        }


@dataclass(frozen=True, slots=True)
class Compose:
    """Several named checkers; the verdict is their merge. A checker that raises is unknown."""

    checkers: Mapping[str, Checker]

    def check(self, test: TestConfig, history: History) -> CompositeResult:
        parts: dict[str, CheckResult] = {}
        for name, checker in self.checkers.items():
            try:
                parts[name] = checker.check(test, history)
            except Exception as e:
                parts[name] = SimpleResult(
                    verdict=Verdict.UNKNOWN, data={"error": f"{type(e).__name__}: {e}"}
                )
        return CompositeResult(verdict=merge(p.verdict for p in parts.values()), parts=parts)


class StatsChecker:
    """Counts by f and type; ``unknown`` if no client operation succeeded (nothing was tested)."""

    def check(self, test: TestConfig, history: History) -> SimpleResult:
        counts: dict[str, dict[str, int]] = {}
        for op in history.operations():
            by_type = counts.setdefault(op.f, {"ok": 0, "fail": 0, "info": 0})
            by_type[op.type.value] += 1
        ok = sum(c["ok"] for c in counts.values())
        total = sum(sum(c.values()) for c in counts.values())
        data: dict[str, JSON] = {
            "operations": total,
            "ok": ok,
            "by_f": {f: dict(c) for f, c in counts.items()},
        }
        if ok == 0:
            data["reason"] = "no client operation succeeded, so nothing was tested"
            return SimpleResult(verdict=Verdict.UNKNOWN, data=data)
        return SimpleResult(verdict=Verdict.VALID, data=data)


def count_type(history: History, kind: OpType) -> int:
    return sum(1 for op in history.operations() if op.type is kind)


__all__ = [
    "Compose",
    "CompositeResult",
    "SimpleResult",
    "StatsChecker",
    "Workload",
    "WorkloadOptionError",
    "count_type",
]
