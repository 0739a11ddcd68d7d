from __future__ import annotations

from harness.kernel.history import Operation
from harness.kernel.ops import OpType
from reports import select


def _ops(n: int, *, fail_every: int = 0) -> list[Operation]:
    out = []
    for i in range(n):
        t = OpType.FAIL if fail_every and i % fail_every == 0 else OpType.OK
        out.append(Operation(process=i % 4, f="read", value=None, output=1, type=t,
                             call=2 * i, ret=2 * i + 1, call_time=1000 * i,
                             ret_time=1000 * i + 500))
    return out


def test_everything_when_under_budget() -> None:
    s = select(_ops(50), budget=100)
    assert s.shown == tuple(range(50)) and s.elided == 0
    assert "all 50" in s.describe()


def test_budget_is_respected_and_named_ops_kept() -> None:
    ops = _ops(10_000, fail_every=7)
    focus = {ops[1234].call, ops[9999].ret or 0}
    s = select(ops, focus=focus, boundaries=[5_000_000], budget=500)
    assert len(s.shown) == 500 and s.total == 10_000 and s.elided == 9_500
    assert {1234, 9999} <= set(s.shown)
    # the operations around the named ones and the fault boundary are all kept
    assert set(range(1230, 1239)) <= set(s.shown)
    assert set(range(4995, 5005)) <= set(s.shown)
    named, near, odd, rest = s.tiers
    assert (named.total, named.shown) == (2, 2)
    assert near.shown == near.total
    assert odd.shown + rest.shown == 500 - named.shown - near.shown
    assert "9500 elided" in s.describe()
    assert list(s.shown) == sorted(s.shown)


def test_failed_ops_preferred_over_ok() -> None:
    ops = _ops(1000, fail_every=10)  # 100 failures
    s = select(ops, budget=300)
    shown = set(s.shown)
    assert all(i in shown for i in range(0, 1000, 10))
    assert s.tiers[3].shown == 200


def test_thinning_is_even() -> None:
    s = select(_ops(1000), budget=100)
    gaps = {b - a for a, b in zip(s.shown, s.shown[1:], strict=False)}
    assert gaps == {10}


def test_ok_operations_keep_a_share_when_failures_abound() -> None:
    ops = _ops(1000, fail_every=2)  # 500 failures, 500 ok
    s = select(ops, budget=100)
    assert (s.tiers[2].shown, s.tiers[3].shown) == (70, 30)
