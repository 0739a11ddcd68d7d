"""Adds the CP-like / AP-like classification (:mod:`checkers.behaviour`) to a workload's checkers.

The classification is information for the reader: the run's verdict stays that of the checkers,
unless the classification itself fails, which is a :class:`checkers.compose.CheckerFailure`
(``unknown``, with the error) and so can never pass for a clean run.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkers.behaviour import anomalies_of, classify
from checkers.compose import CheckerFailure, Compose, CompositeResult, merged
from checkers.result_json import AnyResult
from harness.kernel.config import TestConfig
from harness.kernel.history import History


@dataclass(frozen=True, slots=True)
class WithBehaviour:
    inner: Compose

    def check(self, test: TestConfig, history: History) -> CompositeResult:
        result = self.inner.check(test, history)
        parts: dict[str, AnyResult] = dict(result.parts)
        try:
            found = anomalies_of(result.parts)
            parts["behaviour"] = classify(history, test.nodes, found)
        except Exception as e:  # statistics never lose the checkers' verdict
            parts["behaviour"] = CheckerFailure.of(e)
        return CompositeResult(verdict=merged(parts), parts=parts)


__all__ = ["WithBehaviour"]
