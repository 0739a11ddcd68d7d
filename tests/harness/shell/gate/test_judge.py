from __future__ import annotations

from pathlib import Path

from checkers.verdict import Verdict
from harness.shell.gate import Case, Expectation, RunResult, Status, judge


def result(seed: int, verdict: Verdict | None, summary: str = "") -> RunResult:
    return RunResult(seed=seed, verdict=verdict, summary=summary,
                     run_dir=Path(f"/store/t/{seed}"),
                     error="target would not start" if verdict is None else None)


V, INV, U = Verdict.VALID, Verdict.INVALID, Verdict.UNKNOWN


def statuses(case: Case, verdicts: list[Verdict | None]) -> list[Status]:
    judged = judge(case, [result(i, v) for i, v in enumerate(verdicts)])
    return [r.status for r in judged.runs]


def test_valid_expectation_passes_valid_runs_and_fails_invalid_ones() -> None:
    case = Case(name="c", expect=Expectation.VALID)
    assert statuses(case, [V, V]) == [Status.PASSED, Status.PASSED]
    judged = judge(case, [result(1, V), result(2, INV, "linearizable: invalid, 1 of 3 keys")])
    assert judged.broken
    assert judged.runs[1].status is Status.FAILED
    message = judged.runs[1].message
    assert "expected valid, found INVALID" in message
    assert "linearizable: invalid, 1 of 3 keys" in message
    assert "/store/t/2" in message


def test_invalid_expectation_requires_the_bug_to_be_found() -> None:
    case = Case(name="c", expect=Expectation.INVALID)
    assert not judge(case, [result(1, INV)]).broken
    judged = judge(case, [result(1, INV), result(2, V)])
    assert judged.broken
    assert "the bug was not found" in judged.runs[1].message


def test_the_miss_budget_tolerates_that_many_misses() -> None:
    case = Case(name="c", expect=Expectation.INVALID, repeat=3, miss_budget=1)
    assert statuses(case, [V, INV, INV]) == [Status.TOLERATED, Status.PASSED, Status.PASSED]
    assert statuses(case, [V, INV, V]) == [Status.TOLERATED, Status.PASSED, Status.FAILED]


def test_unknown_within_the_budget_is_not_a_failure() -> None:
    case = Case(name="c", repeat=3, unknown_budget=1)
    judged = judge(case, [result(1, V), result(2, U), result(3, V)])
    assert not judged.broken
    assert judged.runs[1].status is Status.TOLERATED
    assert "within the unknown budget (1 of 1 used)" in judged.runs[1].message


def test_unknown_beyond_the_budget_fails_each_extra_run() -> None:
    case = Case(name="c", repeat=3, unknown_budget=1)
    assert statuses(case, [U, U, U]) == [Status.TOLERATED, Status.FAILED, Status.FAILED]
    judged = judge(case, [result(1, U), result(2, U)])
    assert judged.broken
    assert "beyond the unknown budget of 1" in judged.runs[1].message


def test_harness_errors_use_the_unknown_budget_then_are_errors() -> None:
    case = Case(name="c", repeat=2, unknown_budget=1, expect=Expectation.INVALID)
    assert statuses(case, [None, None]) == [Status.TOLERATED, Status.ERROR]
    judged = judge(case, [result(1, None), result(2, None)])
    assert "the harness failed" in judged.runs[1].message
    assert "target would not start" in judged.runs[1].message


def test_an_unknown_is_never_counted_as_a_detection_or_a_pass() -> None:
    for expect in Expectation:
        case = Case(name="c", expect=expect)
        assert statuses(case, [U]) == [Status.FAILED]


def test_the_headline_counts_outcomes() -> None:
    case = Case(name="bugs", expect=Expectation.INVALID, repeat=3, unknown_budget=1)
    judged = judge(case, [result(1, INV), result(2, U), result(3, INV)])
    assert judged.headline == "bugs: expected invalid in 3 run(s); got invalid 2, unknown 1: held"
    assert judged.count(Status.TOLERATED) == 1
