"""Verdict composition: several named checkers judged as one, their verdict the merge
(invalid > unknown > valid, :func:`checkers.verdict.merge`); a checker that raises is ``unknown``
with the error, so it never loses the run (DESIGN.md, "Verdicts and exit codes")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from checkers.verdict import Verdict, merge
from harness.config import TestConfig
from harness.history import History
from harness.jsontypes import JSON
from harness.protocols import Checker, CheckResult


@dataclass(frozen=True, kw_only=True, slots=True)
class SimpleResult:
    """A verdict and the JSON data that explains it."""

    verdict: Verdict
    data: Mapping[str, JSON] = field(default_factory=dict)

    def to_json(self) -> dict[str, JSON]:
        return {"verdict": self.verdict.value, **self.data}


@dataclass(frozen=True, kw_only=True, slots=True)
class CompositeResult:
    """The merged verdict of named parts; JSON ``{"verdict": ..., "checkers": {name: part}}``."""

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


__all__ = ["Compose", "CompositeResult", "SimpleResult"]
