"""The set checker over numpy columns: cost grows with the history's size, not with its size times
the set's size.

Which read returned which element is kept as rectangles, runs of elements x runs of consecutive
reads of one chain (:mod:`checkers.eventual._chains`); acknowledged elements are numbered by
value, so that an element run is an interval of those numbers. Each finding is then a query over
all rectangles at once:

- first read that saw an element: the smallest first read of the rectangles covering it
  (:func:`stab`);
- last read that missed it: per chain, the read before the rectangle that lasts to the chain's
  end, or the chain's last read if there is none;
- stale reads after the element was known: the reads since then minus those of its rectangles;
- lost, unexpected, recovered and convergence: unions and differences of sorted runs.

The findings are those of :func:`checkers.eventual._reference.check_set_reference`, which visits
every element of every read and remains the path for histories whose elements are not all
integers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from checkers.eventual._chains import NotIntsError, Presence, presence
from checkers.eventual._intervals import Ints, stab
from checkers.eventual._reference import check_set_reference
from checkers.eventual._result import (
    ADD,
    EXAMPLES,
    FINAL_READ,
    READ,
    ElementTiming,
    ExampleOp,
    SetResult,
)
from checkers.verdict import Verdict
from harness.kernel.bulk import gc_paused
from harness.kernel.history import History, Operation
from harness.kernel.intranges import expand, normalize_runs
from harness.kernel.jsontypes import Scalar
from harness.kernel.ops import OpType

_EMPTY = np.empty(0, dtype=np.int64)


def _contains(starts: Ints, ends: Ints, values: Ints) -> npt.NDArray[np.bool_]:
    """Which ``values`` lie in the runs."""
    if starts.size == 0:
        return np.zeros(values.size, dtype=bool)
    pos = np.searchsorted(starts, values, side="right") - 1
    return (pos >= 0) & (ends[np.maximum(pos, 0)] > values)



def _union(runs: list[tuple[Ints, Ints]]) -> tuple[Ints, Ints]:
    if not runs:
        return _EMPTY, _EMPTY
    return normalize_runs(np.concatenate([s for s, _ in runs]),
                          np.concatenate([e for _, e in runs]))


@dataclass(frozen=True, kw_only=True, slots=True)
class _Adds:
    attempted: dict[int, Operation]
    acked: dict[int, Operation]
    indeterminate: set[int]


def _adds(ops: list[Operation]) -> _Adds:
    attempted: dict[int, Operation] = {}
    acked: dict[int, Operation] = {}
    indeterminate: set[int] = set()
    for o in ops:
        if o.f != ADD:
            continue
        element = o.value
        if isinstance(element, list | dict):
            continue
        if type(element) is not int or not -(2**63) <= element < 2**63:
            raise NotIntsError
        attempted.setdefault(element, o)
        if o.type is OpType.OK:
            acked.setdefault(element, o)
        elif o.type is OpType.INFO:
            indeterminate.add(element)
    return _Adds(attempted=attempted, acked=acked, indeterminate=indeterminate)


@gc_paused()  # millions of live ops: each full collection would walk them all
def check_set(history: History) -> SetResult:
    """Judge a set history (shape: :mod:`checkers.eventual`): lost, unexpected and recovered
    elements, convergence of the final reads, stale reads and time to visibility.

    Raises :class:`harness.kernel.intranges.IntRangesError` for a malformed compact read result.
    """
    ops = history.operations()
    reads = [o for o in ops if o.f in (READ, FINAL_READ) and o.type is OpType.OK]
    calls = [o.call_time for o in reads]
    if any(b < a for a, b in itertools.pairwise(calls)):
        return check_set_reference(history)  # times out of order: only in hand-made histories
    try:
        adds = _adds(ops)
        found = presence(history, reads)
    except NotIntsError:
        return check_set_reference(history)
    return _judge(adds, reads, found)


def _judge(adds: _Adds, reads: list[Operation], found: Presence) -> SetResult:
    acked = adds.acked
    finals_at = [i for i, o in enumerate(reads) if o.f == FINAL_READ]
    final_by_node: dict[str, tuple[Ints, Ints]] = {}
    for i in finals_at:  # the last final read of each node counts
        o = reads[i]
        final_by_node[o.node or f"process-{o.process}"] = found.runs_of_read(i)
    in_final = _union(list(final_by_node.values()))

    problems: list[str] = []
    if not final_by_node:
        problems.append("no successful final read: lost elements cannot be decided")

    values = np.array(sorted(acked), dtype=np.int64)  # acknowledged elements, by value
    lost: list[int] = []
    if final_by_node:
        lost = values[~_contains(*in_final, values)].tolist()
    attempted = np.array(sorted(adds.attempted), dtype=np.int64)
    seen = normalize_runs(found.x, found.y)
    unexpected = _outside(seen, attempted)
    indeterminate = np.array(sorted(adds.indeterminate), dtype=np.int64)
    recovered = indeterminate[_contains(*in_final, indeterminate)].tolist()
    finals = list(final_by_node.values())
    converged = all(np.array_equal(s, finals[0][0]) and np.array_equal(e, finals[0][1])
                    for s, e in finals)
    missing: dict[str, tuple[Scalar, ...]] = {}
    for node, (s, e) in final_by_node.items():
        absent = values[~_contains(s, e, values)]
        if absent.size:
            missing[node] = tuple(absent[:EXAMPLES].tolist())

    timings, visibility = _timings(acked, values, reads, found)

    evidence: dict[str, tuple[ExampleOp, ...]] = {}
    if lost:
        evidence["lost"] = tuple(ExampleOp.of(acked[e]) for e in lost[:EXAMPLES])
    if unexpected.size:
        evidence["unexpected"] = tuple(ExampleOp.of(reads[j])
                                       for j in _reads_with(found, unexpected))
    if recovered:
        evidence["recovered"] = tuple(ExampleOp.of(adds.attempted[e])
                                      for e in recovered[:EXAMPLES])
    if not converged:
        evidence["final_reads"] = tuple(ExampleOp.of(reads[i]) for i in finals_at[:EXAMPLES])

    if lost or unexpected.size or not converged:
        verdict = Verdict.INVALID
    elif problems:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.VALID
    return SetResult(
        verdict=verdict,
        attempted=len(adds.attempted),
        acknowledged=len(acked),
        lost=tuple(lost),
        unexpected=tuple(unexpected.tolist()),
        recovered=tuple(recovered),
        converged=converged,
        final_read_sizes={n: int(np.sum(r[1] - r[0])) for n, r in sorted(final_by_node.items())},
        missing_by_node=missing,
        stale=tuple(timings[:EXAMPLES]),
        stale_count=len(timings),
        visibility_ns=_percentiles(visibility),
        evidence=evidence,
        problems=tuple(problems),
    )


def _reads_with(found: Presence, elements: Ints) -> list[int]:
    """The first reads (by number) that returned any of the sorted ``elements``."""
    hit = np.searchsorted(elements, found.y) > np.searchsorted(elements, found.x)
    candidates: list[int] = []
    for k, a, b in zip(found.chain[hit].tolist(), found.a[hit].tolist(),
                       found.b[hit].tolist(), strict=True):
        candidates.extend(found.reads_of[k][a:min(b, a + EXAMPLES)].tolist())
    return sorted(set(candidates))[:EXAMPLES]


def _outside(runs: tuple[Ints, Ints], values: Ints) -> Ints:
    """The integers in ``runs`` that are not in the sorted array ``values``."""
    starts, ends = runs
    inside = np.searchsorted(values, ends) - np.searchsorted(values, starts)
    partial = (ends - starts) > inside
    if not partial.any():
        return _EMPTY
    candidates = expand(starts[partial], ends[partial])
    out: Ints = np.setdiff1d(candidates, values, assume_unique=True)
    return out


def _percentiles(values: Ints) -> dict[str, float]:
    if values.size == 0:
        return {}
    ordered = np.sort(values)
    n = ordered.size

    def at(q: float) -> float:
        return float(ordered[min(n - 1, int(q * n))])

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": float(ordered[-1])}


@dataclass(frozen=True, kw_only=True, slots=True)
class _Rects:
    """The rectangles over acknowledged elements: ranks ``[lo, hi)`` x chain reads ``[a, b)``."""

    lo: Ints
    hi: Ints
    chain: Ints
    a: Ints
    b: Ints
    found: Presence
    keys: Ints
    """Chain * (reads + 1) + read number, over every chain's reads in order (sorted)."""
    offsets: Ints
    """Where each chain's reads start in ``keys``."""
    width: int

    def before(self, chain: Ints, read: Ints) -> Ints:
        """How many reads of ``chain`` come before read number ``read`` (the local index of the
        first read of the chain at or after it)."""
        at: Ints = np.searchsorted(self.keys, chain * self.width + read, side="left")
        out: Ints = at - self.offsets[chain]
        return out

    def covering(self, ranks: Ints, n: int) -> tuple[Ints, Ints]:
        """Every (rank, rectangle) pair with the rank among ``ranks`` inside the rectangle."""
        mask = np.zeros(n, dtype=bool)
        mask[ranks] = True
        cs = np.concatenate(([0], np.cumsum(mask)))
        chosen = np.flatnonzero(mask)
        count = cs[self.hi] - cs[self.lo]
        rect = np.repeat(np.arange(count.size, dtype=np.int64), count)
        offs = np.arange(rect.size, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
        return chosen[cs[self.lo][rect] + offs], rect


def _rects(found: Presence, values: Ints, r_count: int) -> _Rects:
    lo = np.searchsorted(values, found.x, side="left").astype(np.int64)
    hi = np.searchsorted(values, found.y, side="left").astype(np.int64)
    keep = lo < hi
    width = r_count + 1
    sizes = np.array([len(r) for r in found.reads_of], dtype=np.int64)
    keys = (np.concatenate([np.full(len(r), k, dtype=np.int64) * width + r
                            for k, r in enumerate(found.reads_of)])
            if found.reads_of else _EMPTY)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    return _Rects(lo=lo[keep], hi=hi[keep], chain=found.chain[keep], a=found.a[keep],
                  b=found.b[keep], found=found, keys=keys, offsets=offsets, width=width)


def _timings(acked: dict[int, Operation], values: Ints, reads: list[Operation],
             found: Presence) -> tuple[list[ElementTiming], Ints]:
    """Per acknowledged element: stale reads after it was known, and its time to visibility.

    Reads are numbered in invocation order (``j``); an element is "known" at its add's
    completion, or earlier at the completion of the first read that returned it before that.
    """
    n = values.size
    r_count = len(reads)
    call = np.array([o.call_time for o in reads], dtype=np.int64)
    ret = np.array([o.ret_time for o in reads], dtype=np.int64)
    elements = list(acked)
    rank = np.searchsorted(values, np.array(elements, dtype=np.int64))
    add_call = np.empty(n, dtype=np.int64)
    add_ret = np.empty(n, dtype=np.int64)
    add_call[rank] = [acked[e].call_time for e in elements]
    add_ret[rank] = [acked[e].ret_time or 0 for e in elements]  # acked: never None

    rects = _rects(found, values, r_count)
    sizes = np.array([len(r) for r in found.reads_of], dtype=np.int64)
    first_read = found.global_index(rects.chain, rects.a)
    first_seen = stab(rects.lo, rects.hi, first_read, n, smallest=True, empty=r_count)
    last_missed = _last_missed(rects, sizes, n)

    known = _known(rects, first_seen, call, ret, add_ret=add_ret, n=n)
    since = np.searchsorted(call, known, side="right")  # first read invoked after `known`
    stale_ranks = np.flatnonzero(last_missed >= since)
    stale_reads = np.zeros(n, dtype=np.int64)
    if stale_ranks.size:
        r, rect = rects.covering(stale_ranks, n)
        k = rects.chain[rect]
        start = np.maximum(rects.a[rect], rects.before(k, since[r]))
        covered = np.bincount(r, weights=np.maximum(0, rects.b[rect] - start), minlength=n)
        stale_reads[stale_ranks] = (r_count - since[stale_ranks]) - covered[stale_ranks].astype(
            np.int64)
    stable_from = last_missed + 1
    visible = stable_from < r_count
    visible_after = np.zeros(n, dtype=np.int64)
    visible_after[visible] = np.maximum(0, call[stable_from[visible]] - add_call[visible])

    timings: list[ElementTiming] = []
    # only the elements with stale reads (a few of the acknowledged ones), in `elements` order
    for i in np.flatnonzero(stale_reads[rank] > 0).tolist():
        e, r_ = elements[i], int(rank[i])
        timings.append(ElementTiming(
            element=e,
            added_at=int(add_call[r_]),
            known_at=int(known[r_]),
            stale_reads=int(stale_reads[r_]),
            stale_until=int(ret[last_missed[r_]]),
            visible_after=int(visible_after[r_]) if visible[r_] else None,
        ))
    return timings, visible_after[visible]


def _last_missed(rects: _Rects, sizes: Ints, n: int) -> Ints:
    """Per element, the number of the last read that did not return it (-1 if none).

    In a chain, that is the read before the element's rectangle that lasts to the chain's end,
    or, if there is no such rectangle, the chain's last read.
    """
    found = rects.found
    tail = rects.b == sizes[rects.chain]
    t_lo, t_hi, t_chain, t_a = rects.lo[tail], rects.hi[tail], rects.chain[tail], rects.a[tail]
    before_tail = np.full(t_a.size, -1, dtype=np.int64)
    has = t_a > 0
    before_tail[has] = found.global_index(t_chain[has], t_a[has] - 1)
    inside = stab(t_lo, t_hi, before_tail, n, smallest=False, empty=-1)
    order = np.lexsort((t_lo, t_chain))
    gap_lo, gap_hi, gap_chain = _gaps(t_chain[order], t_lo[order], t_hi[order], sizes.size, n)
    last_of_chain = np.array([int(r[-1]) for r in found.reads_of], dtype=np.int64)
    outside = stab(gap_lo, gap_hi, last_of_chain[gap_chain] if gap_chain.size else gap_chain,
                   n, smallest=False, empty=-1)
    out: Ints = np.maximum(inside, outside)
    return out


def _gaps(label: Ints, lo: Ints, hi: Ints, labels: int, n: int) -> tuple[Ints, Ints, Ints]:
    """The ranks outside each label's intervals (which are sorted by label, then rank, and
    disjoint): the gaps between them, before the first and after the last."""
    first = np.ones(label.size, dtype=bool)
    first[1:] = label[1:] != label[:-1]
    last = np.ones(label.size, dtype=bool)
    last[:-1] = label[:-1] != label[1:]
    before = np.where(first, 0, np.concatenate(([0], hi[:-1])))
    has = np.zeros(labels, dtype=bool)
    has[label] = True
    empty = np.flatnonzero(~has)
    gap_lo = np.concatenate((before, hi[last], np.zeros(empty.size, dtype=np.int64)))
    gap_hi = np.concatenate((lo, np.full(int(last.sum()), n, dtype=np.int64),
                             np.full(empty.size, n, dtype=np.int64)))
    gap_label = np.concatenate((label, label[last], empty.astype(np.int64)))
    return gap_lo, gap_hi, gap_label


def _known(rects: _Rects, first_seen: Ints, call: Ints, ret: Ints, *, add_ret: Ints,
           n: int) -> Ints:
    """When each element was certainly in the set: its add's completion, or the completion of
    the first read (by invocation) that returned it and completed before that."""
    known = add_ret.copy()
    before_ack = np.searchsorted(call, add_ret, side="left")  # reads invoked before the ack
    candidates = np.flatnonzero(first_seen < before_ack)
    if candidates.size == 0:
        return known
    r, rect = rects.covering(candidates, n)
    k = rects.chain[rect]
    stop = np.minimum(rects.b[rect], rects.before(k, before_ack[r]))
    width = np.maximum(0, stop - rects.a[rect])
    pair = np.repeat(np.arange(r.size, dtype=np.int64), width)
    local = rects.a[rect][pair] + (np.arange(pair.size, dtype=np.int64)
                                   - np.repeat(np.cumsum(width) - width, width))
    read = rects.found.global_index(k[pair], local)
    elem = r[pair]
    early = ret[read] < add_ret[elem]
    elem, read = elem[early], read[early]
    if elem.size == 0:
        return known
    order = np.lexsort((read, elem))
    elem, read = elem[order], read[order]
    found_elems, where = np.unique(elem, return_index=True)
    known[found_elems] = ret[read[where]]
    return known


__all__ = ["check_set"]
