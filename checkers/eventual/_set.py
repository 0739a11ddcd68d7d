"""The set checker: lost, unexpected and recovered elements, convergence, staleness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from checkers.phrases import named
from checkers.verdict import Verdict
from harness.history import History, Operation
from harness.jsontypes import JSON, Scalar
from harness.ops import OpType
from harness.valuetext import show

ADD = "add"
READ = "read"
FINAL_READ = "final-read"
EXAMPLES = 20
"""How many elements or ops a finding lists by name (counts are always complete)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ElementTiming:
    """When one acknowledged element became visible, and how long reads missed it."""

    element: Scalar
    added_at: int
    """Invocation time of the add (ns)."""
    known_at: int
    """When the element was certainly in the set: its ack, or the first read that saw it."""
    stale_reads: int
    """Reads that began after ``known_at`` and did not contain the element."""
    stale_until: int | None
    """Completion time of the last such read (the end of the stale window)."""
    visible_after: int | None
    """ns from the add's invocation to the first read after which every read contains it."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SetResult:
    """Findings of :func:`check_set`, each with the ops that show it."""

    verdict: Verdict
    attempted: int
    acknowledged: int
    lost: tuple[Scalar, ...]
    unexpected: tuple[Scalar, ...]
    recovered: tuple[Scalar, ...]
    converged: bool
    final_reads: dict[str, tuple[Scalar, ...]]
    """node -> sorted elements of its final read."""
    missing_by_node: dict[str, tuple[Scalar, ...]]
    """node -> acknowledged elements absent from that node's final read."""
    stale: tuple[ElementTiming, ...]
    visibility_ns: dict[str, float]
    """Time-to-visibility percentiles over acknowledged elements (p50, p90, p99, max)."""
    evidence: dict[str, list[dict[str, JSON]]] = field(default_factory=dict)
    """finding -> example ops (index, process, node, value, times)."""
    problems: tuple[str, ...] = ()
    """Why the verdict is unknown (e.g. no final reads)."""
    explanation: str | None = None
    """Why it is invalid, in words (the CLI and the report print it)."""

    def to_json(self) -> dict[str, JSON]:
        return {
            "checker": "set",
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "attempted": self.attempted,
            "acknowledged": self.acknowledged,
            "lost_count": len(self.lost),
            "lost": list(self.lost),
            "unexpected_count": len(self.unexpected),
            "unexpected": list(self.unexpected),
            "recovered_count": len(self.recovered),
            "recovered": list(self.recovered),
            "converged": self.converged,
            "final_reads": {n: len(v) for n, v in self.final_reads.items()},
            "missing_by_node": {n: list(v[:EXAMPLES]) for n, v in self.missing_by_node.items()},
            "stale_count": len(self.stale),
            "stale": [_timing_json(t) for t in self.stale[:EXAMPLES]],
            "visibility_ns": dict(self.visibility_ns),
            "evidence": dict(self.evidence),  # type: ignore[arg-type]
            "problems": list(self.problems),
        }


def _timing_json(t: ElementTiming) -> dict[str, JSON]:
    return {
        "element": t.element,
        "added_at": t.added_at,
        "known_at": t.known_at,
        "stale_reads": t.stale_reads,
        "stale_until": t.stale_until,
        "visible_after": t.visible_after,
    }


def _op_json(o: Operation) -> dict[str, JSON]:
    return {
        "index": o.call,
        "process": o.process,
        "f": o.f,
        "type": o.type.value,
        "node": o.node,
        "value": o.value,
        "call_time": o.call_time,
        "ret_time": o.ret_time,
    }


def _elements(o: Operation) -> frozenset[Scalar]:
    out = o.output
    if not isinstance(out, list):
        return frozenset()
    return frozenset(v for v in out if not isinstance(v, list | dict))


def _sort_key(v: Scalar) -> tuple[str, str]:
    return (type(v).__name__, repr(v))


def _sorted(values: set[Scalar] | frozenset[Scalar]) -> tuple[Scalar, ...]:
    return tuple(sorted(values, key=_sort_key))


def _percentiles(values: Sequence[int]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": float(ordered[-1])}


def check_set(history: History) -> SetResult:
    """Judge a set history (see the module docstring for its shape)."""
    ops = history.operations()
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
        node: _sorted({e for e in acked if e not in s})
        for node, s in final_by_node.items()
        if any(e not in s for e in acked)
    }

    timings, visibility = _timings(acked, reads)

    evidence: dict[str, list[dict[str, JSON]]] = {}
    if lost:
        evidence["lost"] = [_op_json(acked[e]) for e in _sorted(lost)[:EXAMPLES]]
    if unexpected:
        evidence["unexpected"] = [_op_json(o) for o in reads if _elements(o) & unexpected][
            :EXAMPLES
        ]
    if recovered:
        evidence["recovered"] = [_op_json(attempted[e]) for e in _sorted(recovered)[:EXAMPLES]]
    if not converged:
        evidence["final_reads"] = [_op_json(o) for o in finals][:EXAMPLES]

    explanation = _explain(lost, acked, unexpected, reads=reads, finals=final_by_node,
                           converged=converged)
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
        lost=_sorted(lost),
        unexpected=_sorted(unexpected),
        recovered=_sorted(recovered),
        converged=converged,
        final_reads={n: _sorted(s) for n, s in sorted(final_by_node.items())},
        missing_by_node=missing,
        stale=tuple(t for t in timings if t.stale_reads),
        visibility_ns=_percentiles(visibility),
        evidence=evidence,
        problems=tuple(problems),
        explanation=explanation,
    )


def _some(elements: Sequence[Scalar]) -> str:
    shown = ", ".join(show(e) for e in elements[:5])
    return shown + (f" and {len(elements) - 5} more" if len(elements) > 5 else "")


def _explain(lost: set[Scalar], acked: dict[Scalar, Operation], unexpected: set[Scalar], *,
             reads: Sequence[Operation], finals: dict[str, frozenset[Scalar]],
             converged: bool) -> str | None:
    """Lost elements (with the add that was acknowledged), elements read but never added, and
    final reads that disagree: one sentence each."""
    parts = []
    if lost:
        ordered = _sorted(lost)
        first = acked[ordered[0]]
        nodes = ", ".join(sorted(finals))
        parts.append(f"{len(ordered)} acknowledged element(s) are missing from every final read "
                     f"({nodes}): {_some(ordered)}. The element {show(ordered[0])} was added by "
                     f"{named(first)}.")
    if unexpected:
        ordered = _sorted(unexpected)
        where = next((o for o in reads if _elements(o) & unexpected), None)
        by = f", e.g. {named(where)} returned {show(ordered[0])}" if where is not None else ""
        parts.append(f"Reads returned {len(ordered)} element(s) no operation added: "
                     f"{_some(ordered)}{by}.")
    if not converged:
        sizes = ", ".join(f"{n} has {len(s)}" for n, s in sorted(finals.items()))
        parts.append(f"The final reads disagree: {sizes} elements.")
    return " ".join(parts) or None


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


__all__ = ["ElementTiming", "SetResult", "check_set"]
