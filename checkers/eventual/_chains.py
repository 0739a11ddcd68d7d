"""Which read returned which element, as rectangles: runs of elements x runs of reads.

The reads of a history are grouped into *chains*: a read written relative to an earlier one
(``{"base": ...}``, :mod:`harness.kernel.intranges`) continues the chain of its base; any other read
continues the chain of its process (a process's reads come one after another, from one node).
Along a chain, consecutive reads differ by a few elements, so an element's presence is a few
runs of the chain's reads. A :class:`Presence` holds every such (element run) x (read run)
rectangle: its size grows with the differences between reads, not with reads times set size, and
for the set workload's own encoding it is built without ever expanding a read.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from checkers.eventual._intervals import Ints
from harness.kernel.edn import SetValue
from harness.kernel.history import History, Operation
from harness.kernel.intranges import (
    ADDED,
    BASE,
    REMOVED,
    IntRangesError,
    decode_runs,
    difference,
    entry_lists,
    is_int_ranges,
    is_set_delta,
    runs_of_ints,
    union,
)
from harness.kernel.jsontypes import JSON

_EMPTY = np.empty(0, dtype=np.int64)


class NotIntsError(Exception):
    """A read returned a non-integer element: the caller falls back to the reference."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Presence:
    """Element runs ``[x, y)`` present in the reads ``a .. b-1`` of chain ``chain``.

    Reads are numbered ``0 .. R-1`` in the order given; ``reads_of[k]`` lists chain ``k``'s reads
    in order (so local index ``i`` of chain ``k`` is read ``reads_of[k][i]``), and
    ``chain_of[j]``/``local_of[j]`` place read ``j``.
    """

    x: Ints
    y: Ints
    chain: Ints
    a: Ints
    b: Ints
    reads_of: list[Ints]
    chain_of: Ints
    local_of: Ints

    def global_index(self, chain: Ints, local: Ints) -> Ints:
        """Read numbers of (chain, local index) pairs."""
        flat = np.concatenate(self.reads_of) if self.reads_of else _EMPTY
        offsets = np.cumsum([0] + [len(r) for r in self.reads_of])[:-1].astype(np.int64)
        out: Ints = flat[offsets[chain] + local] if chain.size else _EMPTY
        return out

    def runs_of_read(self, j: int) -> tuple[Ints, Ints]:
        """The elements read ``j`` returned, as canonical runs."""
        k, i = int(self.chain_of[j]), int(self.local_of[j])
        hit = (self.chain == k) & (self.a <= i) & (self.b > i)
        order = np.argsort(self.x[hit], kind="stable")
        xs, ys = self.x[hit][order], self.y[hit][order]
        return _canonical(xs, ys)


def _canonical(xs: Ints, ys: Ints) -> tuple[Ints, Ints]:
    """Merge touching runs (the runs are sorted and disjoint)."""
    if xs.size <= 1:
        return xs, ys
    new = np.ones(xs.size, dtype=bool)
    new[1:] = xs[1:] != ys[:-1]
    first = np.flatnonzero(new)
    last = np.append(first[1:], xs.size) - 1
    return xs[first], ys[last]


class _Chain:
    """One chain while it is built: the runs its latest read returned, since when."""

    __slots__ = ("open_a", "open_x", "open_y", "reads")

    def __init__(self) -> None:
        self.open_x: list[int] = []
        self.open_y: list[int] = []
        self.open_a: list[int] = []
        self.reads: list[int] = []

    def runs(self) -> tuple[Ints, Ints]:
        return _canonical(np.array(self.open_x, dtype=np.int64),
                          np.array(self.open_y, dtype=np.int64))


class _Builder:
    def __init__(self) -> None:
        self.chains: list[_Chain] = []
        self.x: list[int] = []
        self.y: list[int] = []
        self.k: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []

    def new_chain(self) -> int:
        self.chains.append(_Chain())
        return len(self.chains) - 1

    def add(self, k: int, xs: list[int], ys: list[int], i: int) -> None:
        c = self.chains[k]
        for start, y in zip(xs, ys, strict=True):
            if not c.open_y or start >= c.open_y[-1]:  # beyond every run: the common case
                if start < y:
                    c.open_x.append(start)
                    c.open_y.append(y)
                    c.open_a.append(i)
                continue
            # Insert [start, y) where the chain does not already have it.
            x = start
            pos = bisect.bisect_right(c.open_x, x) - 1
            if pos >= 0 and c.open_y[pos] > x:
                x = c.open_y[pos]
            pos += 1
            while x < y:
                nxt = c.open_x[pos] if pos < len(c.open_x) else y
                end = min(y, nxt)
                if x < end:
                    c.open_x.insert(pos, x)
                    c.open_y.insert(pos, end)
                    c.open_a.insert(pos, i)
                    pos += 1
                if end >= y:
                    break
                x = max(x, c.open_y[pos])
                pos += 1

    def remove(self, k: int, xs: list[int], ys: list[int], i: int) -> None:
        c = self.chains[k]
        for x, y in zip(xs, ys, strict=True):
            pos = bisect.bisect_right(c.open_x, x) - 1
            if pos < 0 or c.open_y[pos] <= x:
                pos += 1
            while pos < len(c.open_x) and c.open_x[pos] < y:
                px, py, pa = c.open_x[pos], c.open_y[pos], c.open_a[pos]
                lo, hi = max(px, x), min(py, y)
                if pa < i:
                    self.x.append(lo)
                    self.y.append(hi)
                    self.k.append(k)
                    self.a.append(pa)
                    self.b.append(i)
                del c.open_x[pos], c.open_y[pos], c.open_a[pos]
                if hi < py:
                    c.open_x.insert(pos, hi)
                    c.open_y.insert(pos, py)
                    c.open_a.insert(pos, pa)
                if px < lo:
                    c.open_x.insert(pos, px)
                    c.open_y.insert(pos, lo)
                    c.open_a.insert(pos, pa)
                    pos += 1
                if hi >= y:
                    break

    def runs_at(self, k: int, i: int) -> tuple[Ints, Ints]:
        """The runs chain ``k`` had at its local read ``i`` (a rare, slower path)."""
        c = self.chains[k]
        xs = [x for x, a in zip(c.open_x, c.open_a, strict=True) if a <= i]
        ys = [y for y, a in zip(c.open_y, c.open_a, strict=True) if a <= i]
        for x, y, kk, a, b in zip(self.x, self.y, self.k, self.a, self.b, strict=True):
            if kk == k and a <= i < b:
                xs.append(x)
                ys.append(y)
        order = np.argsort(np.array(xs, dtype=np.int64), kind="stable")
        return _canonical(np.array(xs, dtype=np.int64)[order],
                          np.array(ys, dtype=np.int64)[order])


def _plain_runs(value: JSON) -> tuple[Ints, Ints]:
    """A read's absolute result as runs: a list of ints or ``{"ranges": ...}``; anything else
    that is not a list (or an EDN set) reads as the empty set."""
    if type(value) is list or type(value) is SetValue:
        kinds = set(map(type, value))
        items = value if kinds <= {int} else [v for v in value if not isinstance(v, list | dict)]
        if not items:
            return _EMPTY, _EMPTY
        if items is not value and set(map(type, items)) != {int}:
            raise NotIntsError
        try:
            return runs_of_ints(np.array(items, dtype=np.int64))
        except OverflowError:
            raise NotIntsError from None
    if is_int_ranges(value):
        return decode_runs(value)
    return _EMPTY, _EMPTY


def presence(history: History, reads: list[Operation]) -> Presence:
    """The rectangles of ``reads`` (successful reads of ``history``, in invocation order).

    Raises :class:`NotIntsError` if a read returned a non-integer element, and
    :class:`IntRangesError` for a malformed compact result or a ``base`` that is not an earlier
    successful read.
    """
    builder = _Builder()
    by_process: dict[object, int] = {}
    place: dict[int, tuple[int, int]] = {}  # invocation index -> (chain, local index)
    chain_of: list[int] = []
    local_of: list[int] = []
    ops = history.ops
    chains = builder.chains
    for j, o in enumerate(reads):
        value = o.output
        index = ops[o.call].index
        if type(value) is dict and is_set_delta(value):
            assert isinstance(value, dict)
            k = _delta(builder, place, value, index)
        else:
            runs = _plain_runs(value)
            known = by_process.get(o.process)
            if known is None:
                k = builder.new_chain()
                builder.add(k, runs[0].tolist(), runs[1].tolist(), 0)
            else:
                k = known
                _diff(builder, k, runs)
        c = chains[k]
        local = len(c.reads)
        place[index] = (k, local)
        chain_of.append(k)
        local_of.append(local)
        c.reads.append(j)
        by_process[o.process] = k
    # the closed rectangles, then each chain's still-open runs (open until its last read)
    xs, ys, ks, as_, bs = ([np.array(column, dtype=np.int64)] for column in (
        builder.x, builder.y, builder.k, builder.a, builder.b))
    for k, c in enumerate(builder.chains):
        n = len(c.open_x)
        xs.append(np.array(c.open_x, dtype=np.int64))
        ys.append(np.array(c.open_y, dtype=np.int64))
        ks.append(np.full(n, k, dtype=np.int64))
        as_.append(np.array(c.open_a, dtype=np.int64))
        bs.append(np.full(n, len(c.reads), dtype=np.int64))
    return Presence(
        x=np.concatenate(xs), y=np.concatenate(ys), chain=np.concatenate(ks),
        a=np.concatenate(as_), b=np.concatenate(bs),
        reads_of=[np.array(c.reads, dtype=np.int64) for c in builder.chains],
        chain_of=np.array(chain_of, dtype=np.int64), local_of=np.array(local_of, dtype=np.int64))


def _diff(builder: _Builder, k: int, runs: tuple[Ints, Ints]) -> None:
    """Continue chain ``k`` with a read that returned ``runs``."""
    c = builder.chains[k]
    current = c.runs()
    i = len(c.reads)
    gone = difference(current, runs)
    new = difference(runs, current)
    builder.remove(k, gone[0].tolist(), gone[1].tolist(), i)
    builder.add(k, new[0].tolist(), new[1].tolist(), i)


def _delta(builder: _Builder, place: dict[int, tuple[int, int]], value: dict[str, JSON],
           index: int) -> int:
    base = value[BASE]
    where = place.get(base) if type(base) is int else None
    if where is None:
        raise IntRangesError(
            f"base {base!r} is not the invocation index of an earlier successful set read "
            f"(op at index {index})")
    added = entry_lists(value[ADDED], ADDED) if ADDED in value else ([], [])
    removed = entry_lists(value[REMOVED], REMOVED) if REMOVED in value else ([], [])
    if added[0] and removed[0]:  # (base - removed) + added
        rest = difference(_arrays(removed), _arrays(added))
        removed = (rest[0].tolist(), rest[1].tolist())
    k, i = where
    c = builder.chains[k]
    if i == len(c.reads) - 1:  # the base is the chain's latest read: continue it
        local = len(c.reads)
        builder.remove(k, removed[0], removed[1], local)
        builder.add(k, added[0], added[1], local)
        return k
    # An older base: start a new chain from the base's set.
    base_runs = builder.runs_at(k, i)
    runs = union(difference(base_runs, _arrays(removed)), _arrays(added))
    k = builder.new_chain()
    builder.add(k, runs[0].tolist(), runs[1].tolist(), 0)
    return k


def _arrays(runs: tuple[list[int], list[int]]) -> tuple[Ints, Ints]:
    return np.array(runs[0], dtype=np.int64), np.array(runs[1], dtype=np.int64)


__all__ = ["NotIntsError", "Presence", "presence"]
