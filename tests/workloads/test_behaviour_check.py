from __future__ import annotations

import pytest

from checkers.verdict import Verdict
from harness.config import TestConfig
from harness.history import History, history_of
from harness.ops import Op, OpType
from workloads import behaviour_check
from workloads.base import Compose, SimpleResult
from workloads.behaviour_check import WithBehaviour


class Fixed:
    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict

    def check(self, test: TestConfig, history: History) -> SimpleResult:
        return SimpleResult(verdict=self.verdict)


def _history() -> History:
    return history_of([
        Op(index=0, time=0, type=OpType.INVOKE, process=0, f="add", value=1, node="n1"),
        Op(index=1, time=5, type=OpType.OK, process=0, f="add", value=1, node="n1"),
    ])


def test_adds_a_behaviour_part_and_keeps_the_verdict() -> None:
    test = TestConfig(name="t", target="raftkv", workload="set", nodes=("n1", "n2", "n3"))
    for verdict in (Verdict.VALID, Verdict.INVALID, Verdict.UNKNOWN):
        result = WithBehaviour(Compose({"x": Fixed(verdict)})).check(test, _history())
        assert result.verdict is verdict
        behaviour = result.to_json()["checkers"]["behaviour"]  # type: ignore[index,call-overload]
        assert behaviour["behaviour"] == "no partition observed"


def test_a_failing_classification_does_not_lose_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(behaviour_check, "classify", boom)
    test = TestConfig(name="t", target="raftkv", workload="set")
    result = WithBehaviour(Compose({"x": Fixed(Verdict.INVALID)})).check(test, _history())
    assert result.verdict is Verdict.INVALID
    assert result.parts["behaviour"].to_json()["error"] == "RuntimeError: boom"
