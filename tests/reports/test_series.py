from __future__ import annotations

from harness.kernel.history import Operation
from harness.kernel.ops import OpType
from reports import series


def _op(call: int, ret: int | None, t: OpType) -> Operation:
    return Operation(process=0, f="read", value=None, output=None, type=t, call=0,
                     ret=None if ret is None else 1, call_time=call, ret_time=ret)


def test_rates_and_latency_per_bucket() -> None:
    ops = [_op(0, 100_000_000, OpType.OK), _op(200_000_000, 300_000_000, OpType.OK),
           _op(600_000_000, 700_000_000, OpType.FAIL), _op(800_000_000, None, OpType.INFO)]
    s = series(ops, start=0, end=999_999_999, buckets=2)
    assert s.width == 500_000_000
    assert s.ok == (4.0, 0.0)  # 2 completions in half a second
    assert s.fail == (0.0, 2.0)
    assert s.info == (0.0, 2.0)  # counted at its invocation
    assert s.latency["p50"] == (100_000_000.0, None)
    assert s.latency["max"][0] == 100_000_000.0
    assert s.to_json()["width"] == 500_000_000


def test_empty_and_clamped() -> None:
    s = series([], start=0, end=10, buckets=5)
    assert s.ok == (0.0,) * 5 and s.latency["p99"] == (None,) * 5
    late = series([_op(50, 60, OpType.OK)], start=0, end=10, buckets=2)
    assert late.ok[-1] > 0
