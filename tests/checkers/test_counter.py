from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.counter import check_counter
from checkers.verdict import Verdict
from tests.checkers.histories import H


def final(h: H, values: dict[str, int]) -> H:
    for i, (node, v) in enumerate(values.items()):
        h.invoke(100 + i, "final-read", node=node).ok(100 + i, "final-read", v, node=node)
    return h


def test_reads_within_bounds_are_valid() -> None:
    h = H()
    h.invoke(0, "add", 1).invoke(1, "read").ok(0, "add", 1).ok(1, "read", 1)  # concurrent: 0 or 1
    h.invoke(2, "add", 1).info(2, "add", 1)  # may or may not have happened
    h.invoke(1, "read").ok(1, "read", 2)
    r = check_counter(final(h, {"n1": 1, "n2": 1}).history())
    assert r.verdict is Verdict.VALID, r.errors
    assert (r.acknowledged_sum, r.attempted_sum) == (1, 2)


def test_read_below_acknowledged_sum_is_invalid() -> None:
    h = H()
    h.invoke(0, "add", 1).ok(0, "add", 1).invoke(0, "add", 1).ok(0, "add", 1)
    h.invoke(1, "read").ok(1, "read", 1)
    r = check_counter(final(h, {"n1": 2}).history())
    assert r.verdict is Verdict.INVALID
    assert [(e.value, e.lower, e.upper) for e in r.errors] == [(1, 2, 2)]


def test_read_above_attempted_sum_and_failed_adds_do_not_count() -> None:
    h = H()
    h.invoke(0, "add", 1).fail(0, "add", 1)
    h.invoke(1, "read").ok(1, "read", 1)
    r = check_counter(final(h, {"n1": 0}).history())
    assert r.verdict is Verdict.INVALID
    assert (r.errors[0].lower, r.errors[0].upper) == (0, 0)


def test_divergent_final_reads() -> None:
    h = H().invoke(0, "add", 1).ok(0, "add", 1)
    r = check_counter(final(h, {"n1": 1, "n2": 0}).history())
    assert r.verdict is Verdict.INVALID and not r.converged


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-3, 3), st.sampled_from(["ok", "info", "fail"])), max_size=12)
)
def test_sequential_histories_with_true_reads_are_valid(adds: list[tuple[int, str]]) -> None:
    """A single process applying adds one by one and reading the true total is always valid."""
    h = H()
    total = 0
    applied_unknown = 0
    for delta, outcome in adds:
        h.invoke(0 if outcome != "info" else 50 + len(h.ops), "add", delta)
        if outcome == "ok":
            h.ok(h.ops[-1].process, "add", delta)  # type: ignore[arg-type]
            total += delta
        elif outcome == "fail":
            h.fail(h.ops[-1].process, "add", delta)  # type: ignore[arg-type]
        else:
            h.info(h.ops[-1].process, "add", delta)  # type: ignore[arg-type]
            applied_unknown += 1
        h.invoke(1, "read").ok(1, "read", total)
    r = check_counter(final(h, {"n1": total}).history())
    assert r.verdict is Verdict.VALID, r.errors
