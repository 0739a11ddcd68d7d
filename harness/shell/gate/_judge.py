"""Expectations: does a case's set of runs show what the suite says it must?

Each run ends ``valid``, ``invalid``, ``unknown``, or in a harness error (no verdict). Against its
case's expectation a run is:

- *as expected* (valid for ``expect = "valid"``, invalid for ``expect = "invalid"``);
- *contrary*: invalid where valid was expected (a real regression: always a failure), or valid
  where invalid was expected (the known bug was *missed*; tolerated up to ``miss-budget`` runs);
- *undecided*: ``unknown`` or a harness error, tolerated up to ``unknown-budget`` runs (the flake
  budget); beyond it, each further undecided run is a failure.

A case is broken when any of its runs is a failure. Runs are judged in seed order, so the first
undecided runs use up the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from checkers.verdict import Verdict
from harness.shell.gate._figures import Figures
from harness.shell.gate._suite import Case, Expectation
from harness.shell.run_results import RunResults


@dataclass(frozen=True, kw_only=True, slots=True)
class RunResult:
    """What one run of a case produced."""

    seed: int
    verdict: Verdict | None
    """None: the harness failed (see ``error``); no verdict."""
    run_dir: Path | None = None
    report: Path | None = None
    error: str | None = None
    seconds: float = 0.0
    summary: str = ""
    """A one-paragraph anomaly summary (empty when there is nothing to say)."""
    results: RunResults | None = None
    """``results.json`` of the run, when it exists and is readable."""
    figures: Figures | None = None
    """Key figures of the run (None when its history could not be read)."""

    @property
    def outcome(self) -> str:
        return self.verdict.value if self.verdict is not None else "error"

    @property
    def where(self) -> str:
        """The report, else the run directory, else nothing."""
        path = self.report or self.run_dir
        return str(path) if path is not None else ""


class Status(StrEnum):
    """A run's status against its case's expectation."""

    PASSED = "passed"
    TOLERATED = "tolerated"  # unknown/error or a miss within the case's budget
    FAILED = "failed"  # the expectation is broken by this run
    ERROR = "error"  # the harness failed, beyond the budget


@dataclass(frozen=True, kw_only=True, slots=True)
class RunJudgement:
    case: Case
    result: RunResult
    status: Status
    message: str
    """Why: for anything but PASSED, a sentence a person can act on."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseJudgement:
    case: Case
    runs: tuple[RunJudgement, ...]

    @property
    def broken(self) -> bool:
        return any(r.status in (Status.FAILED, Status.ERROR) for r in self.runs)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.runs if r.status is status)

    @property
    def headline(self) -> str:
        """One line: what the case showed against what it must show."""
        n = len(self.runs)
        verdicts = ", ".join(f"{k} {v}" for k, v in self.outcomes().items())
        state = "BROKEN" if self.broken else "held"
        return f"{self.case.name}: expected {self.case.expect.value} in {n} run(s); got " \
               f"{verdicts}: {state}"

    def outcomes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.runs:
            counts[r.result.outcome] = counts.get(r.result.outcome, 0) + 1
        return counts


def _detail(result: RunResult) -> str:
    parts = []
    if result.summary:
        parts.append(result.summary)
    if result.error:
        parts.append(f"error: {result.error}")
    if result.where:
        parts.append(f"report: {result.where}")
    return "; ".join(parts)


def _sentence(head: str, result: RunResult) -> str:
    detail = _detail(result)
    return f"{head}. {detail}" if detail else f"{head}."


def judge(case: Case, results: Sequence[RunResult]) -> CaseJudgement:
    """Judge ``results`` (in seed order) against ``case``'s expectation and budgets."""
    unknown_left = case.unknown_budget
    miss_left = case.miss_budget
    judged: list[RunJudgement] = []
    expected = Verdict.VALID if case.expect is Expectation.VALID else Verdict.INVALID
    for result in results:
        seed = f"seed {result.seed}"
        if result.verdict is expected:
            status, head = Status.PASSED, f"{seed}: {expected.value}, as expected"
        elif result.verdict is None or result.verdict is Verdict.UNKNOWN:
            what = "the harness failed" if result.verdict is None else "the verdict is unknown"
            if unknown_left > 0:
                unknown_left -= 1
                status = Status.TOLERATED
                head = f"{seed}: {what}; within the unknown budget " \
                       f"({case.unknown_budget - unknown_left} of {case.unknown_budget} used)"
            else:
                status = Status.ERROR if result.verdict is None else Status.FAILED
                head = f"{seed}: {what}, beyond the unknown budget of {case.unknown_budget}"
        elif result.verdict is Verdict.INVALID:  # expected valid
            status = Status.FAILED
            head = f"{seed}: expected valid, found INVALID (an anomaly in a case that must pass)"
        elif miss_left > 0:
            miss_left -= 1
            status = Status.TOLERATED
            head = f"{seed}: the known bug was not found this time; within the miss budget " \
                       f"({case.miss_budget - miss_left} of {case.miss_budget} used)"
        else:
            status = Status.FAILED
            head = f"{seed}: expected invalid (a known bug), found valid: the bug was not found"
        judged.append(RunJudgement(case=case, result=result, status=status,
                                   message=_sentence(head, result)))
    return CaseJudgement(case=case, runs=tuple(judged))


__all__ = ["CaseJudgement", "RunJudgement", "RunResult", "Status", "judge"]
