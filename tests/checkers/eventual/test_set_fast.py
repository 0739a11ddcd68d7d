"""The column checker gives exactly the findings of the element-by-element reference."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkers.eventual import check_set, check_set_reference
from harness.kernel.history import History, history_of
from harness.kernel.intranges import encode_delta, encode_ints, plain_set_reads
from harness.kernel.jsonl import read_jsonl
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from tests.checkers.eventual.simulated import Shape, simulate
from tests.reports.runs import set_history


@st.composite
def set_histories(draw: st.DrawFn) -> History:
    """Concurrent adds and reads with arbitrary (often wrong) read results and final reads."""
    processes = draw(st.integers(1, 4))
    nodes = ["n1", "n2", "n3"]
    ops: list[Op] = []
    pending: dict[int, Op] = {}
    next_element = 0
    time = 0
    added: list[int] = []
    encoding = draw(st.sampled_from(["list", "ranges", "delta"]))
    previous: dict[int, tuple[int, frozenset[int]]] = {}
    for _ in range(draw(st.integers(0, 40))):
        time += draw(st.integers(0, 3))
        p = draw(st.integers(0, processes - 1))
        if p in pending:
            inv = pending.pop(p)
            kind = draw(st.sampled_from([OpType.OK, OpType.OK, OpType.OK, OpType.FAIL,
                                         OpType.INFO]))
            value: JSON = inv.value
            if inv.f != "add":
                if kind is not OpType.OK:
                    value = None
                else:
                    pool = [*added, next_element, next_element + 1, 97]
                    chosen = draw(st.lists(st.sampled_from(pool), max_size=12))
                    value = (chosen if encoding == "list" else encode_ints(chosen)
                             if encoding == "ranges" or p not in previous
                             else encode_delta(previous[p][0], set(chosen) - previous[p][1],
                                               previous[p][1] - set(chosen)))
                    previous[p] = (inv.index, frozenset(chosen))
            ops.append(Op(index=len(ops), time=time, type=kind, process=p, f=inv.f,
                          value=value, node=inv.node))
            continue
        f = draw(st.sampled_from(["add", "add", "read", "final-read"]))
        node = draw(st.sampled_from(nodes))
        if f == "add":
            element = next_element if draw(st.integers(0, 9)) else draw(
                st.integers(0, max(next_element, 1)))
            next_element += 1
            added.append(element)
            inv = Op(index=len(ops), time=time, type=OpType.INVOKE, process=p, f=f,
                     value=element, node=node)
        else:
            inv = Op(index=len(ops), time=time, type=OpType.INVOKE, process=p, f=f, node=node)
        pending[p] = inv
        ops.append(inv)
    return history_of(ops)


@settings(max_examples=400, deadline=None)
@given(set_histories())
def test_same_findings_as_the_reference(history: History) -> None:
    assert check_set(history) == check_set_reference(history)


def test_same_findings_on_a_simulated_run_with_losses() -> None:
    history = set_history(400, seed=5, lose=7)
    fast = check_set(history)
    assert fast == check_set_reference(history)
    assert len(fast.lost) == 7


def test_non_integer_elements_use_the_reference() -> None:
    ops = [
        Op(index=0, time=0, type=OpType.INVOKE, process=0, f="add", value="a"),
        Op(index=1, time=1, type=OpType.OK, process=0, f="add", value="a"),
        Op(index=2, time=2, type=OpType.INVOKE, process=0, f="final-read", node="n1"),
        Op(index=3, time=3, type=OpType.OK, process=0, f="final-read", value=["a", "b"],
           node="n1"),
    ]
    result = check_set(history_of(ops))
    assert result.unexpected == ("b",)
    assert result == check_set_reference(history_of(ops))


def test_same_findings_on_simulated_failovers_in_both_encodings() -> None:
    shape = Shape(operations=1500, seed=3)
    plain = simulate(shape, compact=False)
    compact = simulate(shape, compact=True)
    expected = check_set_reference(plain)
    assert expected.lost and expected.stale  # the shape loses elements and reads stale
    assert check_set(plain) == expected
    assert check_set(compact) == expected


RECORDED = Path(__file__).parent / "recorded"


@pytest.mark.parametrize("name", ["raftkv-set-partition", "redis-set-partition"])
def test_same_findings_on_recorded_runs(name: str, tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_bytes(gzip.decompress((RECORDED / f"{name}.jsonl.gz").read_bytes()))
    history = read_jsonl(path)
    fast = check_set(history)
    assert fast == check_set_reference(history)
    assert fast == check_set(plain_set_reads(history))  # the old, full-list encoding
    assert bool(fast.lost) == name.startswith("redis")
