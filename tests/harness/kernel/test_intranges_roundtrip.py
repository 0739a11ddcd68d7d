"""The compact set reads survive the whole trip: written by the set client's encoder
(``encode_read``, each read relative to an earlier one, whichever process did it), written as
``history.jsonl``, read back by both readers (msgspec's fast path and the line-by-line reference),
and decoded (``plain_set_reads``): every read comes back as exactly the set it returned."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.kernel.history import History
from harness.kernel.intranges import encode_read, is_set_delta, plain_set_reads
from harness.kernel.jsonl import read_jsonl, read_jsonl_by_line, write_jsonl
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType

ELEMENTS = st.frozensets(st.one_of(st.integers(0, 60), st.integers(-2**40, 2**40)), max_size=40)
# (process, elements read, base: None = the client's own last read, else the k-th earlier read)
READS = st.lists(st.tuples(st.integers(0, 3), ELEMENTS, st.none() | st.integers(0, 50)),
                 max_size=25)


def _history(reads: list[tuple[int, frozenset[int], int | None]]
             ) -> tuple[list[Op], dict[int, list[int]]]:
    ops: list[Op] = []
    truth: dict[int, list[int]] = {}  # invocation index -> the set, sorted
    done: list[tuple[int, frozenset[int]]] = []  # every earlier ok read: (index, elements)
    last: dict[int, tuple[int, frozenset[int]]] = {}
    for p, elements, pick in reads:
        index = len(ops)
        previous = last.get(p) if pick is None or not done else done[pick % len(done)]
        value: JSON = encode_read(elements, previous)
        ops.append(Op(index=index, time=index, type=OpType.INVOKE, process=p, f="read",
                      value=None))
        ops.append(Op(index=index + 1, time=index + 1, type=OpType.OK, process=p, f="read",
                      value=value))
        truth[index] = sorted(elements)
        done.append((index, elements))
        last[p] = (index, elements)
    return ops, truth


def _plain(history: History) -> dict[int, JSON]:
    plain = plain_set_reads(history)
    return {plain.ops[o.call].index: o.output for o in plain.operations()}


@settings(max_examples=150, deadline=None)
@given(READS)
def test_every_read_round_trips_through_the_file_and_both_readers(
        tmp_path_factory: pytest.TempPathFactory,
        reads: list[tuple[int, frozenset[int], int | None]]) -> None:
    ops, truth = _history(reads)
    path = tmp_path_factory.mktemp("h") / "history.jsonl"
    write_jsonl(path, ops)
    assert _plain(read_jsonl(path)) == truth
    assert _plain(read_jsonl_by_line(path)) == truth


def test_chains_of_bases_across_processes_with_removals_gaps_and_empty_sets() -> None:
    sets = [frozenset(range(80)), frozenset([*range(80), 83]), frozenset(), frozenset([5]),
            frozenset([*range(0, 200, 3), 1000]), frozenset([*range(0, 200, 3), 999, 1000]),
            frozenset(range(0, 200, 3))]
    ops, truth = _history([(i % 3, s, i - 1 if i else None) for i, s in enumerate(sets)])
    assert sum(is_set_delta(op.value) for op in ops) >= 3  # the chain is really relative
    h = History(tuple(ops), source="test", lines=tuple(range(1, len(ops) + 1)))
    assert _plain(h) == truth
