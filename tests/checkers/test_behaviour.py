from __future__ import annotations

from checkers.behaviour import Behaviour, anomalies_of, classify, sides
from checkers.compose import SimpleResult
from checkers.counter import check_counter
from checkers.eventual import check_set
from checkers.session import GuaranteeStatus, SessionResult
from checkers.verdict import Verdict
from harness.kernel.history import History, history_of
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import NEMESIS, Op, OpType
from tests.checkers.histories import H

NODES = ("n1", "n2", "n3")
ISOLATE_N1: dict[str, JSON] = {"n1": ["n2", "n3"], "n2": ["n1"], "n3": ["n1"]}


class Builder:
    def __init__(self) -> None:
        self.ops: list[Op] = []

    def _op(self, t: int, kind: OpType, process: int | str, f: str, *, value: JSON = None,
            node: str | None = None) -> None:
        self.ops.append(Op(index=len(self.ops), time=t, type=kind, process=process, f=f,
                           value=value, node=node))

    def partition(self, start: int, end: int, grudge: dict[str, JSON]) -> Builder:
        self._op(start, OpType.INFO, NEMESIS, "start-partition",
                 value={"topology": "isolate-one"})
        self._op(start + 1, OpType.INFO, NEMESIS, "start-partition",
                 value={"topology": "isolate-one", "grudge": grudge})
        self._op(end, OpType.INFO, NEMESIS, "stop-partition")
        self._op(end + 1, OpType.INFO, NEMESIS, "stop-partition", value={"healed": "partition"})
        return self

    def op(self, t: int, node: str, kind: OpType, process: int = 0) -> Builder:
        self._op(t, OpType.INVOKE, process, "add", value=t, node=node)
        self._op(t + 5, kind, process, "add", value=t, node=node)
        return self

    def history(self) -> History:
        self.ops.sort(key=lambda o: o.time)
        ops = [Op(index=i, time=o.time, type=o.type, process=o.process, f=o.f, value=o.value,
                  node=o.node, error=o.error) for i, o in enumerate(self.ops)]
        return history_of(ops)


def _run(minority: OpType, anomalies: list[str]) -> Builder:
    b = Builder().partition(100, 1000, ISOLATE_N1)
    for i, t in enumerate(range(200, 900, 100)):
        b.op(t, "n1", minority, process=i)
        b.op(t + 10, "n2", OpType.OK, process=100 + i)
        b.op(t + 20, "n3", OpType.OK, process=200 + i)
    b.op(2000, "n1", OpType.OK, process=50)  # after the heal: not counted
    return b


def test_minority_refusing_without_anomalies_is_cp_like() -> None:
    result = classify(_run(OpType.FAIL, []).history(), NODES, [])
    assert result.behaviour is Behaviour.CP_LIKE
    assert (result.minority.ok, result.minority.total) == (0, 7)
    assert (result.majority.ok, result.majority.total) == (14, 14)
    assert result.windows[0].minority[0].nodes == ("n1",)
    assert "minority unavailable" in result.summary


def test_both_sides_serving_and_losing_data_is_ap_like() -> None:
    found = ["12 acknowledged elements lost"]
    result = classify(_run(OpType.OK, found).history(), NODES, found)
    assert result.behaviour is Behaviour.AP_LIKE
    assert result.minority.fraction == 1.0
    assert "12 acknowledged elements lost" in result.summary
    assert result.to_json()["behaviour"] == "AP-like"


def test_other_combinations() -> None:
    assert classify(_run(OpType.OK, []).history(), NODES, []).behaviour is (
        Behaviour.AVAILABLE_NO_ANOMALIES)
    assert classify(_run(OpType.INFO, ["x"]).history(), NODES, ["x"]).behaviour is (
        Behaviour.NEITHER)
    down = Builder().partition(100, 1000, ISOLATE_N1)
    for t in (200, 300):
        down.op(t, "n1", OpType.FAIL).op(t + 10, "n2", OpType.FAIL, process=1)
    assert classify(down.history(), NODES, []).behaviour is Behaviour.UNAVAILABLE
    calm = Builder().op(10, "n1", OpType.OK)
    result = classify(calm.history(), NODES, [])
    assert result.behaviour is Behaviour.NOT_OBSERVED and result.windows == ()


def test_sides_of_complete_and_one_way_grudges() -> None:
    five = ("n1", "n2", "n3", "n4", "n5")
    halves = {"n1": ["n3", "n4", "n5"], "n2": ["n3", "n4", "n5"], "n3": ["n1", "n2"],
              "n4": ["n1", "n2"], "n5": ["n1", "n2"]}
    assert sides(halves, five) == [("n1", "n2"), ("n3", "n4", "n5")]
    one_way = {"n1": ["n2"]}  # n1 drops n2's traffic: they cannot talk both ways
    assert sides(one_way, NODES) == [("n1", "n3"), ("n2", "n3")]
    assert sides({}, NODES) == [NODES]


def test_anomalies_from_typed_checker_results() -> None:
    h = H()
    h.invoke(0, "add", 1).ok(0, "add", 1).invoke(0, "add", 2).ok(0, "add", 2)
    h.invoke(1, "final-read", node="n1").ok(1, "final-read", [1], node="n1")
    h.invoke(2, "final-read", node="n2").ok(2, "final-read", [], node="n2")
    lost = check_set(h.history())
    results: dict[str, object] = {
        "set": lost,
        "counter": check_counter(H().history()),
        "stats": SimpleResult(verdict=Verdict.VALID),
        "other": SimpleResult(verdict=Verdict.INVALID),
        # its ``anomalies`` attribute is a tuple of names, not the description method
        "session": SessionResult(verdict=Verdict.INVALID,
                                 guarantees={"monotonic-reads": GuaranteeStatus.VIOLATED},
                                 violations=(), checked_reads=1),
    }
    found = anomalies_of(results)
    assert found == ["1 acknowledged elements lost", "replicas did not converge",
                     "other invalid", "session invalid"]


def test_ops_during_other_faults_do_not_count() -> None:
    b = _run(OpType.OK, [])
    b._op(150, OpType.INFO, NEMESIS, "kill", value={"targets": "majority"})
    b._op(151, OpType.INFO, NEMESIS, "kill", value={"nodes": ["n2", "n3"]})
    b._op(550, OpType.INFO, NEMESIS, "start")
    b._op(551, OpType.INFO, NEMESIS, "start", value={"nodes": ["n2", "n3"]})
    result = classify(b.history(), NODES, [])
    assert result.minority.total == 7  # n1 was not killed: all its ops count
    assert result.majority.total == 6  # n2 and n3: only the ops from 600 on
    b._op(560, OpType.INFO, NEMESIS, "pause", value={"targets": "all"})  # nodes unknown
    b._op(570, OpType.INFO, NEMESIS, "resume")
    b._op(650, OpType.INFO, NEMESIS, "resume", value={})
    result = classify(b.history(), NODES, [])
    assert result.minority.total == 6  # the pause window hides n1's op at 600 too


def test_counts_per_operation_kind() -> None:
    b = Builder().partition(100, 1000, ISOLATE_N1)
    b.op(200, "n1", OpType.FAIL)
    b._op(300, OpType.INVOKE, 1, "read", node="n1")
    b._op(305, OpType.OK, 1, "read", value=[], node="n1")
    result = classify(b.history(), NODES, [])
    assert result.minority.by_f == (("add", 0, 1), ("read", 1, 1))
    assert "add 0%" in result.summary and "read 100%" in result.summary
    assert result.to_json()["minority"]["by_f"]["read"] == {"ok": 1, "total": 1}  # type: ignore[index,call-overload]


def test_a_refused_cas_counts_as_served() -> None:
    b = Builder().partition(100, 1000, ISOLATE_N1)
    b._op(200, OpType.INVOKE, 1, "cas", value=[1, 2], node="n1")
    b.ops.append(Op(index=0, time=205, type=OpType.FAIL, process=1, f="cas", value=[1, 2],
                    node="n1", error="cas mismatch"))
    b._op(300, OpType.INVOKE, 2, "cas", value=[1, 2], node="n1")
    b.ops.append(Op(index=0, time=305, type=OpType.FAIL, process=2, f="cas", value=[1, 2],
                    node="n1", error="no leader"))
    assert classify(b.history(), NODES, []).minority.by_f == (("cas", 1, 2),)
