"""Verdict composition: several named checkers judged as one, their verdict the merge
(invalid > unknown > valid, :func:`checkers.verdict.merge`); a checker that raises is a
:class:`CheckerFailure` (``unknown`` with the error), so it never loses the run and never passes
(DESIGN.md, "Verdicts and exit codes").

The results here, each with ``to_json``/``from_json``: a merge of named parts, a checker that
failed, and a plain verdict with data (for plugins).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from checkers.result_json import AnyResult, Fields, result_from_json
from checkers.verdict import Verdict, merge
from harness.kernel.config import TestConfig
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON
from harness.kernel.protocols import Checker


@dataclass(frozen=True, kw_only=True, slots=True)
class SimpleResult:
    """A verdict and the JSON data that explains it (what a plugin's checker may return). Read
    back from a file, it is a :class:`checkers.result_json.OtherResult` unless its data names a
    known ``"checker"``."""

    verdict: Verdict
    data: Mapping[str, JSON] = field(default_factory=dict)

    def to_json(self) -> dict[str, JSON]:
        return {"verdict": self.verdict.value, **self.data}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> SimpleResult:
        f = Fields(value, where)
        return cls(verdict=f.verdict(), data={k: v for k, v in f.value.items() if k != "verdict"})


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckerFailure:
    """A checker that raised: never a pass (``unknown``, unless a stored result said otherwise:
    schema 1 stored a failed CP/AP classification as valid); ``error`` is
    ``"<exception type>: <message>"``."""

    error: str
    verdict: Verdict = Verdict.UNKNOWN

    @classmethod
    def of(cls, e: BaseException) -> CheckerFailure:
        return cls(error=f"{type(e).__name__}: {e}")

    def to_json(self) -> dict[str, JSON]:
        return {"checker": "failed", "verdict": self.verdict.value, "error": self.error}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CheckerFailure:
        f = Fields(value, where)
        return cls(error=f.text("error"), verdict=f.verdict())


@dataclass(frozen=True, kw_only=True, slots=True)
class CompositeResult:
    """The merged verdict of named parts; JSON ``{"checker": "compose", "verdict": ...,
    "checkers": {name: part}}``."""

    verdict: Verdict
    parts: Mapping[str, AnyResult]

    def to_json(self) -> dict[str, JSON]:
        return {
            "checker": "compose",
            "verdict": self.verdict.value,
            "checkers": {name: part.to_json() for name, part in self.parts.items()},
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> CompositeResult:
        f = Fields(value, where)
        parts = {name: result_from_json(part, f.at(f"checkers.{name}"))
                 for name, part in f.mapping("checkers").items()}
        return cls(verdict=f.verdict(), parts=parts)


def merged(parts: Mapping[str, AnyResult]) -> Verdict:
    """The merge of the parts' verdicts (parts that state none are left out)."""
    return merge(p.verdict for p in parts.values() if p.verdict is not None)


@dataclass(frozen=True, slots=True)
class Compose:
    """Several named checkers; the verdict is their merge. A checker that raises is a
    :class:`CheckerFailure`."""

    checkers: Mapping[str, Checker]

    def check(self, test: TestConfig, history: History) -> CompositeResult:
        parts: dict[str, AnyResult] = {}
        for name, checker in self.checkers.items():
            try:
                parts[name] = checker.check(test, history)
            except Exception as e:
                parts[name] = CheckerFailure.of(e)
        return CompositeResult(verdict=merged(parts), parts=parts)


__all__ = ["CheckerFailure", "Compose", "CompositeResult", "SimpleResult", "merged"]
