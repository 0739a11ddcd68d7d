"""The compact encoding of a set of integers in ``history.jsonl``: sorted, inclusive ranges.

A set read of the set workload returns every element it saw; written as a plain list, a history
would grow with the square of the run's length (each read repeats every earlier element). So a
set of integers is written as one JSON object whose only key is ``"ranges"``::

    {"ranges": [[0, 99], 101, [103, 250]]}      # = 0..99, 101, 103..250

Each entry is either ``[first, last]`` (both included, ``first < last``) or a single integer.
Entries are sorted and neither overlap nor touch (``[0, 3], [4, 9]`` is written ``[0, 9]``);
readers accept any order and overlap, and reject everything else (floats, booleans, strings,
``first > last``). ``{"ranges": []}`` is the empty set. The format is documented in
``docs/history-format.md``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from harness.jsontypes import JSON, Scalar

RANGES = "ranges"
"""The only key of an encoded integer set."""

IntArray = npt.NDArray[np.int64]


class IntRangesError(ValueError):
    """A value that claims to be an encoded integer set (``{"ranges": ...}``) but is not one."""


def is_int_ranges(value: JSON) -> bool:
    """True if ``value`` is an encoded integer set (an object whose only key is ``ranges``)."""
    return type(value) is dict and len(value) == 1 and RANGES in value


def encode_ints(elements: Iterable[int]) -> dict[str, JSON]:
    """``{"ranges": [...]}`` for a collection of ints (duplicates and order do not matter)."""
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
    return {RANGES: out}


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
    entries = value[RANGES]
    if type(entries) is not list:
        raise IntRangesError(f"ranges: expected a list, got {entries!r:.80}")
    starts: list[int] = []
    ends: list[int] = []
    for k, entry in enumerate(entries):
        if type(entry) is int:
            starts.append(entry)
            ends.append(entry + 1)
            continue
        if type(entry) is not list or len(entry) != 2:
            raise IntRangesError(
                f"ranges[{k}]: expected an integer or [first, last], got {entry!r:.80}")
        first = _bound(entry[0], f"ranges[{k}][0]")
        last = _bound(entry[1], f"ranges[{k}][1]")
        if first > last:
            raise IntRangesError(f"ranges[{k}]: first {first} is above last {last}")
        starts.append(first)
        ends.append(last + 1)
    try:
        s = np.array(starts, dtype=np.int64)
        e = np.array(ends, dtype=np.int64)
    except OverflowError as exc:
        raise IntRangesError("ranges: an integer does not fit in 64 bits") from exc
    return normalize_runs(s, e)


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
    u = np.unique(values)
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


def set_elements(value: JSON) -> list[Scalar] | None:
    """The elements of a set read's result: a JSON list (its scalar items) or an encoded integer
    set; ``None`` for anything else. Raises :class:`IntRangesError` for a malformed encoding."""
    if type(value) is list:
        return [v for v in value if not isinstance(v, list | dict)]
    if is_int_ranges(value):
        starts, ends = decode_runs(value)
        return list(expand(starts, ends).tolist())
    return None


__all__ = [
    "RANGES",
    "IntArray",
    "IntRangesError",
    "decode_runs",
    "encode_ints",
    "expand",
    "is_int_ranges",
    "normalize_runs",
    "runs_of_ints",
    "set_elements",
]
