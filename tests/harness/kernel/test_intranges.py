from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.kernel.history import history_of
from harness.kernel.intranges import (
    IntRangesError,
    decode_runs,
    encode_ints,
    encode_read,
    entry_lists,
    expand,
    normalize_runs,
    plain_set_reads,
    resolve_set_reads,
)
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType

ints = st.sets(st.integers(-50, 200), max_size=60)


@given(ints)
def test_ranges_round_trip(elements: set[int]) -> None:
    encoded = encode_ints(elements)
    assert expand(*decode_runs(encoded)).tolist() == sorted(elements)


def test_ranges_are_compact() -> None:
    assert encode_ints([5, 1, 2, 3, 3, 9, 10]) == {"ranges": [[1, 3], 5, [9, 10]]}


@pytest.mark.parametrize("bad", [
    {"ranges": [[3, 1]]}, {"ranges": [1.5]}, {"ranges": [True]}, {"ranges": "1-3"},
    {"ranges": [[1, 2, 3]]},
])
def test_malformed_ranges_are_rejected(bad: JSON) -> None:
    with pytest.raises(IntRangesError):
        decode_runs(bad)


def _reads(values: list[JSON]) -> list[Op]:
    ops: list[Op] = []
    for v in values:
        ops.append(Op(index=len(ops), time=len(ops), type=OpType.INVOKE, process=0, f="read"))
        ops.append(Op(index=len(ops), time=len(ops), type=OpType.OK, process=0, f="read",
                      value=v))
    return ops


@given(st.lists(ints, min_size=1, max_size=6))
def test_deltas_resolve_to_the_sets_they_encode(sets: list[set[int]]) -> None:
    values: list[JSON] = []
    previous: tuple[int, frozenset[int]] | None = None
    for i, s in enumerate(sets):
        values.append(encode_read(s, previous))
        previous = (2 * i, frozenset(s))  # the invocation index of this read
    plain = plain_set_reads(history_of(_reads(values)))
    assert [op.value for op in plain.ops[1::2]] == [sorted(s) for s in sets]


def test_a_delta_needs_an_earlier_read_as_base() -> None:
    history = history_of(_reads([{"base": 7, "added": [1]}]))
    with pytest.raises(IntRangesError, match="base 7"):
        resolve_set_reads(history)


def test_deltas_keep_a_growing_set_small() -> None:
    previous = (0, frozenset(range(0, 10_000, 2)))
    grown = set(range(0, 10_002, 2))
    assert encode_read(grown, previous) == {"base": 0, "added": [10_000]}
    assert np.array_equal(expand(*decode_runs(encode_ints(range(3)))), np.arange(3))


@given(st.lists(st.one_of(st.integers(-50, 50),
                          st.tuples(st.integers(-50, 50), st.integers(0, 9)).map(
                              lambda t: [t[0], t[0] + t[1]])), max_size=12))
def test_entry_lists_are_the_normalized_runs_of_the_entries(entries: list[JSON]) -> None:
    starts = [e if isinstance(e, int) else e[0] for e in entries]  # type: ignore[index]
    ends = [e + 1 if isinstance(e, int) else e[1] + 1 for e in entries]  # type: ignore[index]
    s, e = normalize_runs(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
    assert entry_lists(entries, "added") == (s.tolist(), e.tolist())


@pytest.mark.parametrize("entries", [[2**63], [[0, 2**63 - 1]], [-(2**63) - 1]])
def test_entry_lists_refuse_what_does_not_fit_in_64_bits(entries: list[JSON]) -> None:
    with pytest.raises(IntRangesError, match="64 bits"):
        entry_lists(entries, "added")
