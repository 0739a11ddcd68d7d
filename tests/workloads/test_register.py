from __future__ import annotations

import pytest

from checkers.verdict import Verdict
from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.history import history_of
from harness.kernel.ops import Op, OpType
from workloads.base import WorkloadOptionError
from workloads.register import RegisterOptions, workload


def _test(**opts: str) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="register", seed=5,
                      workload_options=tuple(opts.items()))


def test_multi_key_ops_cycle_through_keys_with_bounded_ops_per_key() -> None:
    wl = workload(_test(**{"ops-per-key": "10", "active-keys": "2"}))
    sim = g.simulate(g.clients(g.limit(300, wl.generator)), concurrency=4)
    invokes = sim.invocations()
    per_key: dict[object, int] = {}
    for op in invokes:
        per_key[op.key] = per_key.get(op.key, 0) + 1
        assert op.f in {"read", "write", "cas"}
        if op.f == "cas":
            assert isinstance(op.value, list) and len(op.value) == 2
    assert all(n <= 10 for n in per_key.values())
    assert len(per_key) >= 30


def test_failed_operations_do_not_use_up_their_key() -> None:
    # an outage: every operation fails; the keys in flight stay in use (so that reads after the
    # outage can show what it lost), and only operations that may have done something count
    wl = workload(_test(**{"ops-per-key": "10", "active-keys": "2"}))
    failing = g.simulate(g.clients(g.limit(300, wl.generator)), concurrency=4,
                         respond=lambda op: g.Response(latency_ns=1_000_000, type=OpType.FAIL))
    assert len({op.key for op in failing.invocations()}) <= 3
    succeeding = g.simulate(g.clients(g.limit(300, wl.generator)), concurrency=4)
    assert len({op.key for op in succeeding.invocations()}) >= 30


def test_single_key_has_no_key() -> None:
    wl = workload(_test(keys="single"))
    sim = g.simulate(g.clients(g.limit(50, wl.generator)), concurrency=3)
    assert {op.key for op in sim.invocations()} == {None}


@pytest.mark.parametrize("opts", [{"keys": "many"}, {"values": "0"}, {"colour": "red"},
                                  {"ops-per-key": "x"}])
def test_bad_options_are_named(opts: dict[str, str]) -> None:
    with pytest.raises(WorkloadOptionError, match="register option"):
        RegisterOptions.parse(opts)


def _op(i: int, t: OpType, p: int, f: str, v: object, *, key: int = 1) -> Op:
    return Op(index=i, time=i, type=t, process=p, f=f, value=v, key=key)  # type: ignore[arg-type]


def test_checker_finds_a_stale_read_and_accepts_a_good_history() -> None:
    wl = workload(_test())
    good = [
        _op(0, OpType.INVOKE, 0, "write", 3), _op(1, OpType.OK, 0, "write", 3),
        _op(2, OpType.INVOKE, 1, "read", None), _op(3, OpType.OK, 1, "read", 3),
    ]
    bad = [*good[:2], _op(2, OpType.INVOKE, 1, "read", None), _op(3, OpType.OK, 1, "read", 4)]
    test = _test()
    assert wl.checker.check(test, history_of(good)).verdict is Verdict.VALID
    result = wl.checker.check(test, history_of(bad))
    assert result.verdict is Verdict.INVALID
    assert result.to_json()["verdict"] == "invalid"


def test_no_successful_operation_is_unknown() -> None:
    wl = workload(_test())
    only_fails = [_op(0, OpType.INVOKE, 0, "write", 3), _op(1, OpType.FAIL, 0, "write", None)]
    assert wl.checker.check(_test(), history_of(only_fails)).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(("reads", "low", "high"), [("0.5", 0.43, 0.57), ("0", 0.0, 0.0),
                                                    ("1", 1.0, 1.0)])
def test_reads_sets_the_share_of_reads(reads: str, low: float, high: float) -> None:
    wl = workload(_test(reads=reads))
    ops = g.simulate(g.clients(g.limit(1000, wl.generator)), concurrency=4).invocations()
    share = sum(op.f == "read" for op in ops) / len(ops)
    assert low <= share <= high
    rest = [op.f for op in ops if op.f != "read"]
    if rest:
        assert 0.4 <= rest.count("write") / len(rest) <= 0.6


def test_reads_defaults_to_a_third_and_is_range_checked() -> None:
    ops = g.simulate(g.clients(g.limit(1500, workload(_test()).generator)),
                     concurrency=4).invocations()
    assert 0.28 <= sum(op.f == "read" for op in ops) / len(ops) <= 0.38
    with pytest.raises(WorkloadOptionError, match="reads"):
        RegisterOptions.parse({"reads": "1.5"})
