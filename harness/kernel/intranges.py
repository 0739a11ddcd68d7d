"""The compact encoding of a set of integers in ``history.jsonl``: sorted, inclusive ranges.

A set read of the set workload returns every element it saw; written as a plain list, a history
would grow with the square of the run's length (each read repeats every earlier element). So a
set of integers is written as one JSON object whose only key is ``"ranges"``::

    {"ranges": [[0, 99], 101, [103, 250]]}      # = 0..99, 101, 103..250

Each entry is either ``[first, last]`` (both included, ``first < last``) or a single integer.
Entries are sorted and neither overlap nor touch (``[0, 3], [4, 9]`` is written ``[0, 9]``);
readers accept any order and overlap, and reject everything else (floats, booleans, strings,
``first > last``). ``{"ranges": []}`` is the empty set.

Ranges alone still repeat every element a read saw (a set with many holes has as many ranges), so
a read may instead be written relative to an earlier one::

    {"base": 1200, "added": [[251, 260]], "removed": [57]}

is the set of the earlier read whose *invocation* has index 1200 (it completed ``ok`` with a set,
in any of these forms), plus ``added``, minus ``removed`` (both in the ``ranges`` entry syntax).
Then a history grows with its number of operations, not with operations times set size. The
format is documented in ``docs/history-format.md``; :func:`resolve_set_reads` turns every form
into runs, :func:`plain_set_reads` back into plain JSON lists.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from harness.kernel.edn import SetValue
from harness.kernel.errors import BadInputError
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import OpType

RANGES = "ranges"
"""The only key of an encoded integer set."""
BASE = "base"
ADDED = "added"
REMOVED = "removed"
_DELTA_KEYS = frozenset({BASE, ADDED, REMOVED})

IntArray = npt.NDArray[np.int64]


class IntRangesError(BadInputError):
    """A value that claims to be an encoded integer set (``{"ranges": ...}``) but is not one."""


def is_int_ranges(value: JSON) -> bool:
    """True if ``value`` is an encoded integer set (an object whose only key is ``ranges``)."""
    return type(value) is dict and len(value) == 1 and RANGES in value


def is_set_delta(value: JSON) -> bool:
    """True if ``value`` is a set written relative to an earlier read (``{"base": ...}``)."""
    return type(value) is dict and BASE in value and value.keys() <= _DELTA_KEYS


def is_compact_set(value: JSON) -> bool:
    """True for either compact form (``ranges`` or ``base``)."""
    return is_int_ranges(value) or is_set_delta(value)


def encode_ints(elements: Iterable[int]) -> dict[str, JSON]:
    """``{"ranges": [...]}`` for a collection of ints (duplicates and order do not matter)."""
    return {RANGES: _entries(elements)}


def encode_delta(base: int, added: Iterable[int], removed: Iterable[int]) -> dict[str, JSON]:
    """``{"base": base, "added": [...], "removed": [...]}`` (empty parts are left out)."""
    out: dict[str, JSON] = {BASE: base}
    plus = _entries(added)
    minus = _entries(removed)
    if plus:
        out[ADDED] = plus
    if minus:
        out[REMOVED] = minus
    return out


def encode_read(elements: Iterable[int], previous: tuple[int, frozenset[int]] | None
                ) -> dict[str, JSON]:
    """A set read's result: relative to ``previous`` (the invocation index and elements of an
    earlier successful read of the same history) when that is shorter, else absolute."""
    current = frozenset(elements)
    absolute = encode_ints(current)
    if previous is None:
        return absolute
    base, before = previous
    delta = encode_delta(base, current - before, before - current)
    size = len(delta.get(ADDED, [])) + len(delta.get(REMOVED, []))  # type: ignore[arg-type]
    return delta if size < len(absolute[RANGES]) else absolute  # type: ignore[arg-type]


def _entries(elements: Iterable[int]) -> list[JSON]:
    values = sorted(set(elements))
    out: list[JSON] = []
    i = 0
    n = len(values)
    while i < n:
        first = values[i]
        j = i
        while j + 1 < n and values[j + 1] == values[j] + 1:
            j += 1
        out.append(first if j == i else [first, values[j]])
        i = j + 1
    return out


def _bound(v: JSON, where: str) -> int:
    if type(v) is not int:
        raise IntRangesError(f"{where}: expected an integer, got {v!r}")
    return v


def decode_runs(value: JSON) -> tuple[IntArray, IntArray]:
    """The canonical runs of an encoded set: ``(starts, ends)``, half-open ``[start, end)``,
    sorted, disjoint and not touching. Raises :class:`IntRangesError` if malformed."""
    if not is_int_ranges(value):
        raise IntRangesError(f'expected {{"ranges": [...]}}, got {value!r:.80}')
    assert isinstance(value, dict)
    return entry_runs(value[RANGES], RANGES)


_INT64 = (-(2**63), 2**63 - 1)


def entry_lists(entries: JSON, name: str) -> tuple[list[int], list[int]]:
    """:func:`entry_runs` as two lists of Python ints (faster for the few entries of a read's
    difference from its base). Raises :class:`IntRangesError` if malformed."""
    if type(entries) is not list:
        raise IntRangesError(f"{name}: expected a list, got {entries!r:.80}")
    starts: list[int] = []
    ends: list[int] = []
    for k, entry in enumerate(entries):
        if type(entry) is int:
            starts.append(entry)
            ends.append(entry + 1)
            continue
        if type(entry) is not list or len(entry) != 2:
            raise IntRangesError(
                f"{name}[{k}]: expected an integer or [first, last], got {entry!r:.80}")
        first, last = entry
        if type(first) is not int:
            first = _bound(first, f"{name}[{k}][0]")
        if type(last) is not int:
            last = _bound(last, f"{name}[{k}][1]")
        if first > last:
            raise IntRangesError(f"{name}[{k}]: first {first} is above last {last}")
        starts.append(first)
        ends.append(last + 1)
    # every start is below its end: the smallest start and the largest end bound them all
    if starts and (min(starts) < _INT64[0] or max(ends) > _INT64[1]):
        raise IntRangesError(f"{name}: an integer does not fit in 64 bits")
    if all(map(operator.gt, starts[1:], ends)):
        return starts, ends  # already canonical: the common case
    order = sorted(range(len(starts)), key=starts.__getitem__)
    out_s: list[int] = []
    out_e: list[int] = []
    for i in order:
        if out_e and starts[i] <= out_e[-1]:
            out_e[-1] = max(out_e[-1], ends[i])
        else:
            out_s.append(starts[i])
            out_e.append(ends[i])
    return out_s, out_e


def entry_runs(entries: JSON, name: str) -> tuple[IntArray, IntArray]:
    """The canonical runs of a list of range entries (``name`` is used in errors)."""
    starts, ends = entry_lists(entries, name)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


def normalize_runs(starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
    """Sort and merge half-open runs so that they are disjoint and do not touch."""
    if starts.size <= 1:
        return starts, ends
    if np.all(starts[1:] > ends[:-1]):
        return starts, ends  # already canonical: the common case
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    reach = np.maximum.accumulate(e)
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    new[1:] = s[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.append(first[1:], s.size) - 1
    return s[first], reach[last]


def runs_of_ints(values: IntArray) -> tuple[IntArray, IntArray]:
    """Canonical half-open runs of an array of ints (any order, duplicates allowed)."""
    u = np.sort(values)
    if u.size > 1:
        u = u[np.concatenate(([True], u[1:] != u[:-1]))]
    if u.size == 0:
        return u, u.copy()
    brk = np.flatnonzero(np.diff(u) != 1)
    starts = np.concatenate(([u[0]], u[brk + 1]))
    ends = np.concatenate((u[brk] + 1, [u[-1] + 1]))
    return starts.astype(np.int64), ends.astype(np.int64)


def expand(starts: IntArray, ends: IntArray) -> IntArray:
    """Every integer in the runs, in order."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def difference(a: tuple[IntArray, IntArray], b: tuple[IntArray, IntArray]
               ) -> tuple[IntArray, IntArray]:
    """The runs of ``a`` minus ``b`` (both canonical)."""
    (a_s, a_e), (b_s, b_e) = a, b
    if a_s.size == 0 or b_s.size == 0:
        return a_s, a_e
    points = np.concatenate((a_s, a_e, b_s, b_e))
    in_a = np.concatenate((np.ones(a_s.size), -np.ones(a_e.size), np.zeros(2 * b_s.size)))
    in_b = np.concatenate((np.zeros(2 * a_s.size), np.ones(b_s.size), -np.ones(b_e.size)))
    order = np.argsort(points, kind="stable")
    points, in_a, in_b = points[order], in_a[order], in_b[order]
    last = np.ones(points.size, dtype=bool)  # the final state after all events at one point
    last[:-1] = points[:-1] != points[1:]
    keep = (np.cumsum(in_a) > 0) & (np.cumsum(in_b) == 0)
    where = np.flatnonzero(last)
    state = keep[where]
    at = points[where]
    starts = at[:-1][state[:-1]]
    ends = at[1:][state[:-1]]
    return normalize_runs(starts.astype(np.int64), ends.astype(np.int64))


def union(a: tuple[IntArray, IntArray], b: tuple[IntArray, IntArray]
          ) -> tuple[IntArray, IntArray]:
    """The runs of ``a`` and ``b`` together (both canonical)."""
    if b[0].size == 0:
        return a
    if a[0].size == 0:
        return b
    if b[0][0] > a[1][-1]:
        return np.concatenate((a[0], b[0])), np.concatenate((a[1], b[1]))
    return normalize_runs(np.concatenate((a[0], b[0])), np.concatenate((a[1], b[1])))


_EMPTY_RUNS = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))


def resolve_set_reads(history: History) -> dict[int, tuple[IntArray, IntArray]]:
    """The runs of every successful read whose result is in a compact form, by the position of
    its invocation in the history; deltas are resolved against their bases.

    Raises :class:`IntRangesError` for a malformed value or a ``base`` that is not the
    invocation index of an earlier successful read with a set result.
    """
    out: dict[int, tuple[IntArray, IntArray]] = {}
    by_index: dict[int, tuple[IntArray, IntArray]] = {}
    for o in history.operations():
        if o.type is not OpType.OK:
            continue
        value = o.output
        runs: tuple[IntArray, IntArray]
        if is_int_ranges(value):
            runs = decode_runs(value)
        elif is_set_delta(value):
            assert isinstance(value, dict)
            base = value[BASE]
            found = by_index.get(base) if type(base) is int else None
            if found is None:
                raise IntRangesError(
                    f"base {base!r} is not the invocation index of an earlier successful "
                    f"set read (op at index {history.ops[o.call].index})")
            runs = found
            if REMOVED in value:
                runs = difference(runs, entry_runs(value[REMOVED], REMOVED))
            if ADDED in value:
                runs = union(runs, entry_runs(value[ADDED], ADDED))
        elif type(value) is list and all(type(v) is int for v in value):
            runs = runs_of_ints(np.array(value, dtype=np.int64)) if value else _EMPTY_RUNS
        else:
            continue
        by_index[history.ops[o.call].index] = runs
        if is_compact_set(value):
            out[o.call] = runs
    return out


def plain_set_reads(history: History) -> History:
    """The history with every compact set result written as a plain, sorted JSON list (for
    tools that compare whole values, such as the linearizability models)."""
    if not any(is_compact_set(op.value) for op in history.ops):
        return history
    runs = resolve_set_reads(history)
    ret_of = {o.ret: o.call for o in history.operations() if o.ret is not None}
    ops = []
    for position, op in enumerate(history.ops):
        call = ret_of.get(position)
        if call is not None and call in runs:
            plain: JSON = list(expand(*runs[call]).tolist())
            ops.append(dataclasses.replace(op, value=plain))
        else:
            ops.append(op)
    return History(tuple(ops), source=history.source, lines=history.lines)


def set_elements(value: JSON) -> list[Scalar] | None:
    """The elements of a set read's result: a JSON list (its scalar items) or an encoded integer
    set; ``None`` for anything else. Raises :class:`IntRangesError` for a malformed encoding."""
    if type(value) is list or type(value) is SetValue:
        return [v for v in value if not isinstance(v, list | dict)]
    if is_int_ranges(value):
        starts, ends = decode_runs(value)
        return list(expand(starts, ends).tolist())
    return None


__all__ = [
    "ADDED",
    "BASE",
    "RANGES",
    "REMOVED",
    "IntArray",
    "IntRangesError",
    "decode_runs",
    "difference",
    "encode_delta",
    "encode_ints",
    "encode_read",
    "entry_lists",
    "entry_runs",
    "expand",
    "is_compact_set",
    "is_int_ranges",
    "is_set_delta",
    "normalize_runs",
    "plain_set_reads",
    "resolve_set_reads",
    "runs_of_ints",
    "set_elements",
    "union",
]
