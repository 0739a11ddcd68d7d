from __future__ import annotations

import pytest

from checkers.behaviour import Behaviour, BehaviourResult
from checkers.compose import CheckerFailure, Compose, SimpleResult
from checkers.session import SessionChecker
from checkers.stats import StatsChecker
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import History, history_of
from harness.kernel.ops import NEMESIS, Op, OpType
from harness.shell.commands.run import _breakdown
from harness.shell.run_results import RunResults
from workloads import behaviour_check
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
        behaviour = result.parts["behaviour"]
        assert isinstance(behaviour, BehaviourResult)
        assert behaviour.behaviour is Behaviour.NOT_OBSERVED


def test_a_failing_classification_does_not_lose_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(behaviour_check, "classify", boom)
    test = TestConfig(name="t", target="raftkv", workload="set")
    result = WithBehaviour(Compose({"x": Fixed(Verdict.INVALID)})).check(test, _history())
    assert result.verdict is Verdict.INVALID
    assert result.parts["behaviour"] == CheckerFailure(error="RuntimeError: boom")


def test_a_failing_classification_never_looks_like_a_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("behaviour")

    monkeypatch.setattr(behaviour_check, "classify", boom)
    test = TestConfig(name="t", target="raftkv", workload="set")
    result = WithBehaviour(Compose({"x": Fixed(Verdict.VALID)})).check(test, _history())
    assert result.verdict is Verdict.UNKNOWN  # not valid: the harness failed to judge
    failure = result.parts["behaviour"]
    assert isinstance(failure, CheckerFailure) and failure.verdict is Verdict.UNKNOWN
    line = _breakdown(RunResults(verdict=result.verdict, workload=result))
    assert line == " (x: valid; behaviour: unknown, KeyError: 'behaviour')"


def _partitioned_adds() -> History:
    """n1 isolated from n2 and n3; n1's adds fail, the majority's succeed, then a read."""
    raw: list[tuple[int, OpType, int | str, str, object, str | None]] = [
        (100, OpType.INFO, NEMESIS, "start-partition", {"topology": "isolate-one"}, None),
        (101, OpType.INFO, NEMESIS, "start-partition",
         {"grudge": {"n1": ["n2", "n3"], "n2": ["n1"], "n3": ["n1"]}}, None),
    ]
    for i, t in enumerate(range(200, 900, 100)):
        raw += [(t, OpType.INVOKE, i, "add", t, "n1"), (t + 5, OpType.FAIL, i, "add", t, "n1"),
                (t + 10, OpType.INVOKE, 100 + i, "add", t + 10, "n2"),
                (t + 15, OpType.OK, 100 + i, "add", t + 10, "n2")]
    raw += [(1000, OpType.INFO, NEMESIS, "stop-partition", None, None),
            (1001, OpType.INFO, NEMESIS, "stop-partition", {"healed": "partition"}, None),
            (1100, OpType.INVOKE, 7, "read", None, "n2"), (1105, OpType.OK, 7, "read",
                                                          [t + 10 for t in range(200, 900, 100)],
                                                          "n2")]
    return history_of([Op(index=i, time=t, type=k, process=p, f=f, value=v, node=n)  # type: ignore[arg-type]
                       for i, (t, k, p, f, v, n) in enumerate(raw)])


def test_classifies_next_to_a_session_checker() -> None:
    # SessionResult (and Elle's TxnCheckResult) have an ``anomalies`` attribute of their own (a
    # tuple of names): the classification must not take it for a description method.
    test = TestConfig(name="t", target="redis", workload="set", nodes=("n1", "n2", "n3"))
    checker = WithBehaviour(Compose({"session": SessionChecker("set"), "stats": StatsChecker()}))
    result = checker.check(test, _partitioned_adds())
    behaviour = result.parts["behaviour"]
    assert isinstance(behaviour, BehaviourResult), behaviour
    assert behaviour.behaviour is Behaviour.CP_LIKE, behaviour
