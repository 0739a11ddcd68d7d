"""Adds the CP-like / AP-like classification (:mod:`checkers.behaviour`) to a workload's checkers.

The classification is information for the reader: the run's verdict stays that of the checkers.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkers.behaviour import anomalies_of, classify
from checkers.compose import Compose, CompositeResult, SimpleResult
from checkers.verdict import Verdict
from harness.config import TestConfig
from harness.history import History
from harness.protocols import CheckResult


@dataclass(frozen=True, slots=True)
class WithBehaviour:
    inner: Compose

    def check(self, test: TestConfig, history: History) -> CompositeResult:
        result = self.inner.check(test, history)
        parts: dict[str, CheckResult] = dict(result.parts)
        try:
            found = anomalies_of(result.parts)
            parts["behaviour"] = classify(history, test.nodes, found)
        except Exception as e:  # statistics must never lose the run's verdict
            parts["behaviour"] = SimpleResult(verdict=Verdict.VALID,
                                              data={"error": f"{type(e).__name__}: {e}"})
        return CompositeResult(verdict=result.verdict, parts=parts)


__all__ = ["WithBehaviour"]
