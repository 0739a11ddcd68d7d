"""The set checker over numpy columns: cost grows with the history's size, not with its size times
the set's size.

Every read's result becomes a few runs of consecutive integers (a plain list is turned into runs;
the compact encodings of :mod:`harness.intranges` are resolved into them). Acknowledged
elements are numbered by value, so that a run is an interval of those numbers, and each finding
is a query over the intervals of all reads at once:

- first read that saw an element: the smallest read index covering it (:func:`stab`);
- last read that missed it: the largest read index among the gaps between a read's runs;
- stale reads after the element was known: the reads since then minus those covering it, an
  offline dominance count (:func:`count_at_least`);
- lost, unexpected, recovered and convergence: unions and differences of sorted runs.

The findings are those of :func:`checkers.eventual._reference.check_set_reference`, which visits
every element of every read and remains the path for histories whose elements are not all
integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from checkers.eventual._intervals import Ints, count_at_least, stab
from checkers.eventual._reference import check_set_reference
from checkers.eventual._result import (
    ADD,
    EXAMPLES,
    FINAL_READ,
    READ,
    ElementTiming,
    SetResult,
    op_json,
)
from checkers.verdict import Verdict
from harness.history import History, Operation
from harness.intranges import expand, normalize_runs, resolve_set_reads, runs_of_ints
from harness.jsontypes import JSON, Scalar
from harness.ops import OpType

_EMPTY = np.empty(0, dtype=np.int64)


class _NotIntsError(Exception):
    """The history has a non-integer element: use the reference checker."""


def _runs(out: JSON) -> tuple[Ints, Ints]:
    """A plain read result's elements as canonical half-open runs of ints."""
    if type(out) is list:
        items = [v for v in out if not isinstance(v, list | dict)]
        if not items:
            return _EMPTY, _EMPTY
        if set(map(type, items)) != {int}:
            raise _NotIntsError
        try:
            values = np.array(items, dtype=np.int64)
        except OverflowError:
            raise _NotIntsError from None
        return runs_of_ints(values)
    return _EMPTY, _EMPTY


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
            raise _NotIntsError
        attempted.setdefault(element, o)
        if o.type is OpType.OK:
            acked.setdefault(element, o)
        elif o.type is OpType.INFO:
            indeterminate.add(element)
    return _Adds(attempted=attempted, acked=acked, indeterminate=indeterminate)


def check_set(history: History) -> SetResult:
    """Judge a set history (shape: :mod:`checkers.eventual`): lost, unexpected and recovered
    elements, convergence of the final reads, stale reads and time to visibility.

    Raises :class:`harness.intranges.IntRangesError` for a malformed ``{"ranges": ...}`` result.
    """
    ops = history.operations()
    reads = [o for o in ops if o.f in (READ, FINAL_READ) and o.type is OpType.OK]
    compact = resolve_set_reads(history)
    try:
        adds = _adds(ops)
        runs = [compact[o.call] if o.call in compact else _runs(o.output) for o in reads]
    except _NotIntsError:
        return check_set_reference(history)
    return _judge(adds, reads, runs)


def _judge(adds: _Adds, reads: list[Operation], runs: list[tuple[Ints, Ints]]) -> SetResult:
    acked = adds.acked
    finals_at = [i for i, o in enumerate(reads) if o.f == FINAL_READ]
    final_by_node: dict[str, tuple[Ints, Ints]] = {}
    for i in finals_at:  # the last final read of each node counts
        o = reads[i]
        final_by_node[o.node or f"process-{o.process}"] = runs[i]
    in_final = _union(list(final_by_node.values()))

    problems: list[str] = []
    if not final_by_node:
        problems.append("no successful final read: lost elements cannot be decided")

    values = np.array(sorted(acked), dtype=np.int64)  # acknowledged elements, by value
    lost: list[int] = []
    if final_by_node:
        lost = values[~_contains(*in_final, values)].tolist()
    attempted = np.array(sorted(adds.attempted), dtype=np.int64)
    seen = _union(runs)
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
            missing[node] = tuple(absent.tolist())

    timings, visibility = _timings(acked, values, reads, runs)

    evidence: dict[str, list[dict[str, JSON]]] = {}
    if lost:
        evidence["lost"] = [op_json(acked[e]) for e in lost[:EXAMPLES]]
    if unexpected.size:
        examples: list[dict[str, JSON]] = []
        for o, (s, e) in zip(reads, runs, strict=True):
            if len(examples) >= EXAMPLES:
                break
            if s.size and np.any(np.searchsorted(unexpected, e) > np.searchsorted(unexpected, s)):
                examples.append(op_json(o))
        evidence["unexpected"] = examples
    if recovered:
        evidence["recovered"] = [op_json(adds.attempted[e]) for e in recovered[:EXAMPLES]]
    if not converged:
        evidence["final_reads"] = [op_json(reads[i]) for i in finals_at][:EXAMPLES]

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
        final_reads={n: tuple(expand(*r).tolist()) for n, r in sorted(final_by_node.items())},
        missing_by_node=missing,
        stale=tuple(timings),
        visibility_ns=_percentiles(visibility),
        evidence=evidence,
        problems=tuple(problems),
    )


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


def _timings(acked: dict[int, Operation], values: Ints, reads: list[Operation],
             runs: list[tuple[Ints, Ints]]) -> tuple[list[ElementTiming], Ints]:
    """Per acknowledged element: stale reads after it was known, and its time to visibility.

    Reads are taken in invocation-time order (index ``j``); an element is "known" at its add's
    completion, or earlier at the completion of the first read that returned it before that.
    """
    n = values.size
    order = sorted(range(len(reads)), key=lambda i: reads[i].call_time)
    r_count = len(order)
    call = np.array([reads[i].call_time for i in order], dtype=np.int64)
    ret = np.array([reads[i].ret_time for i in order], dtype=np.int64)
    elements = list(acked)
    rank = np.searchsorted(values, np.array(elements, dtype=np.int64))
    add_call = np.empty(n, dtype=np.int64)
    add_ret = np.empty(n, dtype=np.int64)
    add_call[rank] = [acked[e].call_time for e in elements]
    add_ret[rank] = [acked[e].ret_time or 0 for e in elements]  # acked: never None

    # The runs of every read as intervals of element ranks, labelled by the read's index j.
    lengths = np.array([runs[i][0].size for i in order], dtype=np.int64)
    if lengths.sum():
        starts = np.concatenate([runs[i][0] for i in order])
        ends = np.concatenate([runs[i][1] for i in order])
    else:
        starts = ends = _EMPTY
    label = np.repeat(np.arange(r_count, dtype=np.int64), lengths)
    lo = np.searchsorted(values, starts, side="left").astype(np.int64)
    hi = np.searchsorted(values, ends, side="left").astype(np.int64)
    keep = lo < hi
    label, lo, hi = label[keep], lo[keep], hi[keep]

    first_seen = stab(lo, hi, label, n, smallest=True, empty=r_count)
    gap_lo, gap_hi, gap_label = _gaps(label, lo, hi, r_count, n)
    last_missed = stab(gap_lo, gap_hi, gap_label, n, smallest=False, empty=-1)

    known = _known(first_seen, call, ret, add_ret, label=label, lo=lo, hi=hi, n=n)
    since = np.searchsorted(call, known, side="right")  # first read invoked after `known`
    stale_mask = last_missed >= since
    stale_ranks = np.flatnonzero(stale_mask)
    stale_reads = np.zeros(n, dtype=np.int64)
    if stale_ranks.size:
        s = since[stale_ranks]
        covering = (count_at_least(label, lo, s, stale_ranks)
                    - count_at_least(label, hi, s, stale_ranks))
        stale_reads[stale_ranks] = (r_count - s) - covering
    stable_from = last_missed + 1
    visible = stable_from < r_count
    visible_after = np.zeros(n, dtype=np.int64)
    visible_after[visible] = np.maximum(
        0, call[stable_from[visible]] - add_call[visible])

    timings: list[ElementTiming] = []
    for e, r in zip(elements, rank.tolist(), strict=True):
        if stale_reads[r] <= 0:
            continue
        timings.append(ElementTiming(
            element=e,
            added_at=int(add_call[r]),
            known_at=int(known[r]),
            stale_reads=int(stale_reads[r]),
            stale_until=int(ret[last_missed[r]]),
            visible_after=int(visible_after[r]) if visible[r] else None,
        ))
    return timings, visible_after[visible]


def _gaps(label: Ints, lo: Ints, hi: Ints, reads: int, n: int) -> tuple[Ints, Ints, Ints]:
    """The element ranks each read did not return: the gaps between its intervals (which are
    sorted by read, then rank), before the first and after the last."""
    first = np.ones(label.size, dtype=bool)
    first[1:] = label[1:] != label[:-1]
    last = np.ones(label.size, dtype=bool)
    last[:-1] = label[:-1] != label[1:]
    before = np.where(first, 0, np.concatenate(([0], hi[:-1])))
    has = np.zeros(reads, dtype=bool)
    has[label] = True
    empty = np.flatnonzero(~has)
    gap_lo = np.concatenate((before, hi[last], np.zeros(empty.size, dtype=np.int64)))
    gap_hi = np.concatenate((lo, np.full(int(last.sum()), n, dtype=np.int64),
                             np.full(empty.size, n, dtype=np.int64)))
    gap_label = np.concatenate((label, label[last], empty.astype(np.int64)))
    return gap_lo, gap_hi, gap_label


def _known(first_seen: Ints, call: Ints, ret: Ints, add_ret: Ints, *, label: Ints, lo: Ints,
           hi: Ints, n: int) -> Ints:
    """When each element was certainly in the set: its add's completion, or the completion of
    the first read (by invocation) that returned it and completed before that."""
    known = add_ret.copy()
    before_ack = np.searchsorted(call, add_ret, side="left")  # reads invoked before the ack
    candidates = np.flatnonzero(first_seen < before_ack)
    if candidates.size == 0:
        return known
    # Every (element, read) pair with the read between the first sighting and the ack.
    width = before_ack[candidates] - first_seen[candidates]
    elem = np.repeat(candidates, width)
    offsets = np.arange(elem.size, dtype=np.int64) - np.repeat(np.cumsum(width) - width, width)
    read = first_seen[elem] + offsets
    early = ret[read] < add_ret[elem]
    elem, read = elem[early], read[early]
    # Does that read return that element? Look up the read's interval at or before it.
    key = label * (n + 1) + lo
    at = np.searchsorted(key, read * (n + 1) + elem, side="right") - 1
    safe = np.maximum(at, 0)
    hit = (at >= 0) & (label[safe] == read) & (hi[safe] > elem)
    elem, read = elem[hit], read[hit]
    found, where = np.unique(elem, return_index=True)  # pairs are by element, then read
    known[found] = ret[read[where]]
    return known


__all__ = ["check_set"]
