from __future__ import annotations

from checkers.coverage import check_coverage, took_effect
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import history_of
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import NEMESIS, Op, OpType

S = 1_000_000_000
NODES = ("n1", "n2", "n3", "n4", "n5")


class _Builder:
    def __init__(self) -> None:
        self.ops: list[Op] = []

    def add(self, time_s: float, type_: OpType, process: int | str, f: str, *, value: JSON = None,
            error: str | None = None) -> None:
        self.ops.append(Op(index=len(self.ops), time=int(time_s * S), type=type_,
                           process=process, f=f, value=value, error=error))

    def client(self, start_s: float, f: str, outcome: OpType, process: int = 0) -> None:
        self.add(start_s, OpType.INVOKE, process, f)
        self.add(start_s + 0.01, outcome, process, f)

    def nemesis(self, time_s: float, f: str, value: JSON, result: JSON,
                error: str | None = None) -> None:
        self.add(time_s, OpType.INFO, NEMESIS, f, value=value)
        self.add(time_s + 0.05, OpType.INFO, NEMESIS, f, value=result, error=error)


def _test(*nemesis: str, min_ok: int = 3) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="register", nemesis=nemesis,
                      nodes=NODES, time_limit=20, min_ok=min_ok)


def _busy(b: _Builder, until_s: float = 20.0, step: float = 0.25) -> None:
    t = 0.0
    while t < until_s:
        b.client(t, "read" if int(t / step) % 2 else "write", OpType.OK)
        t += step


def test_enough_traffic_and_applied_faults_are_valid() -> None:
    b = _Builder()
    _busy(b)
    b.nemesis(2, "start-partition", {"topology": "halves"},
              {"topology": "halves", "grudge": {"n1": ["n4", "n5"], "n4": ["n1"]}})
    b.nemesis(8, "stop-partition", None, {"healed": "partition"})
    result = check_coverage(_test("partition"), history_of(b.ops))
    assert result.verdict is Verdict.VALID, result.problems
    assert result.applied == {"partition": 1}
    assert result.survivable_ok > 0


def test_too_little_traffic_is_unknown_with_the_reason() -> None:
    b = _Builder()
    b.client(1, "read", OpType.OK)
    b.client(2, "write", OpType.OK)
    b.client(3, "write", OpType.FAIL)
    result = check_coverage(_test(), history_of(b.ops))
    assert result.verdict is Verdict.UNKNOWN
    assert "too little traffic" in result.to_json()["reason"]  # type: ignore[operator]
    assert "read 1" in result.problems[0] and "write 1" in result.problems[0]


def test_no_client_operation_at_all_is_unknown() -> None:
    result = check_coverage(_test(), history_of([]))
    assert result.verdict is Verdict.UNKNOWN


def test_requested_fault_never_applied_is_unknown() -> None:
    b = _Builder()
    _busy(b)
    # one kill that hit nobody, one that failed: kill never took effect
    b.nemesis(2, "kill", {"targets": "primaries"}, {"targets": "primaries", "nodes": []})
    b.nemesis(5, "kill", {"targets": "one"}, {"targets": "one"}, error="no such process")
    b.nemesis(6, "start", None, {"nodes": []})
    result = check_coverage(_test("kill"), history_of(b.ops))
    assert result.verdict is Verdict.UNKNOWN
    assert any("'kill' was never applied" in p for p in result.problems)
    # and a fault that is not requested at all is no reason
    assert check_coverage(_test(), history_of(b.ops)).verdict is Verdict.VALID


def test_no_success_while_a_survivable_fault_was_active_is_unknown() -> None:
    b = _Builder()
    t = 0.0
    while t < 20:
        inside = 3 <= t <= 9
        b.client(t, "read", OpType.INFO if inside else OpType.OK, process=int(t * 4))
        t += 0.25
    b.nemesis(3, "kill", {"targets": "one"}, {"targets": "one", "nodes": ["n2"]})
    b.nemesis(9, "start", None, {"nodes": ["n2"]})
    result = check_coverage(_test("kill"), history_of(b.ops))
    assert result.verdict is Verdict.UNKNOWN
    assert any("no operation succeeded" in p for p in result.problems)
    assert result.survivable_s > 5


def test_an_outage_under_a_fault_no_majority_survives_is_no_reason() -> None:
    b = _Builder()
    t = 0.0
    while t < 20:
        b.client(t, "read", OpType.FAIL if 3 <= t <= 9 else OpType.OK, process=0)
        t += 0.25
    b.nemesis(3, "kill", {"targets": "majority"}, {"targets": "majority",
                                                   "nodes": ["n1", "n2", "n3"]})
    b.nemesis(9, "start", None, {"nodes": ["n1", "n2", "n3"]})
    assert check_coverage(_test("kill"), history_of(b.ops)).verdict is Verdict.VALID


def test_took_effect() -> None:
    assert took_effect({"nodes": ["n1"]})
    assert not took_effect({"nodes": []})
    assert not took_effect({"nodes": ["n1"], "verified": False})
    assert not took_effect({"nodes": ["n1"]}, "boom")
    assert not took_effect({"grudge": {"n1": []}})
    assert took_effect({"grudge": {"n1": ["n2"]}})
