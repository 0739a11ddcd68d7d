"""The set checker, element by element: the reference for :mod:`checkers.eventual._set`."""

from __future__ import annotations

from checkers.eventual._result import (
    ADD,
    EXAMPLES,
    FINAL_READ,
    READ,
    ElementTiming,
    ExampleOp,
    SetResult,
    percentiles,
    sorted_elements,
)
from checkers.verdict import Verdict
from harness.kernel.history import History, Operation
from harness.kernel.intranges import plain_set_reads, set_elements
from harness.kernel.jsontypes import Scalar
from harness.kernel.ops import OpType


def _elements(o: Operation) -> frozenset[Scalar]:
    found = set_elements(o.output)
    return frozenset(found) if found is not None else frozenset()


def check_set_reference(history: History) -> SetResult:
    """Judge a set history by visiting every element of every read (any scalar elements).

    Cost: reads x elements. :func:`checkers.eventual.check_set` gives the same result in time
    that grows with the history's size; this is its fallback for non-integer elements and its
    oracle in the tests."""
    ops = plain_set_reads(history).operations()
    adds = [o for o in ops if o.f == ADD]
    reads = [o for o in ops if o.f in (READ, FINAL_READ) and o.type is OpType.OK]
    finals = [o for o in reads if o.f == FINAL_READ]

    attempted: dict[Scalar, Operation] = {}
    acked: dict[Scalar, Operation] = {}
    indeterminate: set[Scalar] = set()
    for o in adds:
        element = o.value
        if isinstance(element, list | dict):
            continue
        attempted.setdefault(element, o)
        if o.type is OpType.OK:
            acked.setdefault(element, o)
        elif o.type is OpType.INFO:
            indeterminate.add(element)

    final_by_node: dict[str, frozenset[Scalar]] = {}
    for o in finals:  # the last final read of each node counts
        final_by_node[o.node or f"process-{o.process}"] = _elements(o)
    in_any_final: set[Scalar] = set().union(*final_by_node.values()) if final_by_node else set()

    problems: list[str] = []
    if not final_by_node:
        problems.append("no successful final read: lost elements cannot be decided")

    lost = {e for e in acked if e not in in_any_final} if final_by_node else set()
    seen_anywhere: set[Scalar] = set().union(*(_elements(o) for o in reads)) if reads else set()
    unexpected = {e for e in seen_anywhere if e not in attempted}
    recovered = {e for e in indeterminate if e in in_any_final}
    final_sets = list(final_by_node.values())
    converged = all(s == final_sets[0] for s in final_sets)
    missing = {
        node: sorted_elements({e for e in acked if e not in s})
        for node, s in final_by_node.items()
        if any(e not in s for e in acked)
    }

    timings, visibility = _timings(acked, reads)
    stale = tuple(t for t in timings if t.stale_reads)

    evidence: dict[str, tuple[ExampleOp, ...]] = {}
    if lost:
        evidence["lost"] = tuple(ExampleOp.of(acked[e]) for e in sorted_elements(lost)[:EXAMPLES])
    if unexpected:
        evidence["unexpected"] = tuple(
            ExampleOp.of(o) for o in reads if _elements(o) & unexpected)[:EXAMPLES]
    if recovered:
        evidence["recovered"] = tuple(
            ExampleOp.of(attempted[e]) for e in sorted_elements(recovered)[:EXAMPLES])
    if not converged:
        evidence["final_reads"] = tuple(ExampleOp.of(o) for o in finals)[:EXAMPLES]

    if lost or unexpected or not converged:
        verdict = Verdict.INVALID
    elif problems:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.VALID
    return SetResult(
        verdict=verdict,
        attempted=len(attempted),
        acknowledged=len(acked),
        lost=sorted_elements(lost),
        unexpected=sorted_elements(unexpected),
        recovered=sorted_elements(recovered),
        converged=converged,
        final_read_sizes={n: len(s) for n, s in sorted(final_by_node.items())},
        missing_by_node={n: v[:EXAMPLES] for n, v in missing.items()},
        stale=stale[:EXAMPLES],
        stale_count=len(stale),
        visibility_ns=percentiles(visibility),
        evidence=evidence,
        problems=tuple(problems),
    )


def _timings(
    acked: dict[Scalar, Operation], reads: list[Operation]
) -> tuple[list[ElementTiming], list[int]]:
    """Per acknowledged element: stale reads after it was known, and its time to visibility."""
    ordered = sorted(reads, key=lambda o: o.call_time)
    contents = [_elements(o) for o in ordered]
    timings: list[ElementTiming] = []
    visibility: list[int] = []
    for element, add in acked.items():
        assert add.ret_time is not None
        known = add.ret_time
        for o, c in zip(ordered, contents, strict=True):
            if o.ret_time is not None and o.ret_time < known and element in c:
                known = o.ret_time
                break
        stale = 0
        stale_until: int | None = None
        last_absent = -1
        for i, (o, c) in enumerate(zip(ordered, contents, strict=True)):
            if element in c:
                continue
            last_absent = i
            if o.call_time > known:
                stale += 1
                stale_until = o.ret_time
        visible_after: int | None = None
        first_stable = last_absent + 1
        if first_stable < len(ordered):
            visible_after = max(0, ordered[first_stable].call_time - add.call_time)
            visibility.append(visible_after)
        timings.append(
            ElementTiming(
                element=element,
                added_at=add.call_time,
                known_at=known,
                stale_reads=stale,
                stale_until=stale_until,
                visible_after=visible_after,
            )
        )
    return timings, visibility


__all__ = ["check_set_reference"]
