from __future__ import annotations

from dataclasses import dataclass

from checkers.compose import Compose, SimpleResult
from checkers.stats import StatsChecker
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import History, history_of
from tests.checkers.histories import H

TEST = TestConfig(name="t", target="raftkv", workload="register")


@dataclass(frozen=True)
class Fixed:
    verdict: Verdict

    def check(self, test: TestConfig, history: History) -> SimpleResult:
        return SimpleResult(verdict=self.verdict, data={"n": len(history)})


class Raises:
    def check(self, test: TestConfig, history: History) -> SimpleResult:
        raise RuntimeError("boom")


def test_compose_merges_invalid_over_unknown_over_valid() -> None:
    history = history_of(H().invoke(0, "read").ok(0, "read", 1).ops)
    for verdicts, merged in (((Verdict.VALID, Verdict.VALID), Verdict.VALID),
                             ((Verdict.VALID, Verdict.UNKNOWN), Verdict.UNKNOWN),
                             ((Verdict.UNKNOWN, Verdict.INVALID), Verdict.INVALID)):
        checkers = {f"c{i}": Fixed(v) for i, v in enumerate(verdicts)}
        result = Compose(checkers).check(TEST, history)
        assert result.verdict is merged
        assert result.to_json() == {"checker": "compose", "verdict": merged.value, "checkers": {
            f"c{i}": {"verdict": v.value, "n": 2} for i, v in enumerate(verdicts)}}


def test_a_checker_that_raises_is_unknown_with_its_error() -> None:
    result = Compose({"ok": Fixed(Verdict.VALID), "bad": Raises()}).check(TEST, history_of([]))
    assert result.verdict is Verdict.UNKNOWN
    assert result.to_json()["checkers"] == {
        "ok": {"verdict": "valid", "n": 0},
        "bad": {"checker": "failed", "verdict": "unknown", "error": "RuntimeError: boom"},
    }


def test_stats_count_by_f_and_type_and_need_one_ok() -> None:
    history = history_of(H().invoke(0, "write", 1).ok(0, "write", 1)
                         .invoke(1, "read").fail(1, "read").ops)
    result = StatsChecker().check(TEST, history)
    assert result.verdict is Verdict.VALID
    assert result.to_json() == {"checker": "stats", "verdict": "valid", "operations": 2, "ok": 1,
                                "by_f": {
        "write": {"ok": 1, "fail": 0, "info": 0}, "read": {"ok": 0, "fail": 1, "info": 0}}}
    nothing = StatsChecker().check(TEST, history_of(H().invoke(1, "read").fail(1, "read").ops))
    assert nothing.verdict is Verdict.UNKNOWN and "nothing was tested" in str(nothing.reason)
