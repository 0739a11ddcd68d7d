"""What the set checker finds: :class:`SetResult` and its :class:`ElementTiming` records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from checkers.phrases import named_json
from checkers.verdict import Verdict
from harness.history import Operation
from harness.jsontypes import JSON, Scalar
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

    @property
    def explanation(self) -> str | None:
        """Why it is invalid, in words (the CLI and the report print it): lost elements and the
        add that was acknowledged, elements read but never added, final reads that disagree."""
        parts = []
        if self.lost:
            nodes = ", ".join(self.final_reads)
            text = (f"{len(self.lost)} acknowledged element(s) are missing from every final read "
                    f"({nodes}): {_some(self.lost)}.")
            example = next(iter(self.evidence.get("lost", [])), None)
            if example is not None:
                text += f" The element {show(example.get('value'))} was added by " \
                        f"{named_json(example)}."
            parts.append(text)
        if self.unexpected:
            text = (f"Reads returned {len(self.unexpected)} element(s) no operation added: "
                    f"{_some(self.unexpected)}")
            example = next(iter(self.evidence.get("unexpected", [])), None)
            if example is not None:
                text += f", e.g. {named_json(example)}"
            parts.append(text + ".")
        if not self.converged:
            sizes = ", ".join(f"{n} has {len(v)}" for n, v in self.final_reads.items())
            parts.append(f"The final reads disagree: {sizes} elements.")
        return " ".join(parts) or None

    def describe_anomalies(self) -> list[str]:
        """What makes the verdict invalid, in words (:class:`checkers.anomalies.DescribesAnomalies`
        )."""
        if self.verdict is not Verdict.INVALID:
            return []
        out = []
        if self.lost:
            out.append(f"{len(self.lost)} acknowledged elements lost")
        if self.unexpected:
            out.append(f"{len(self.unexpected)} unexpected elements")
        if not self.converged:
            out.append("replicas did not converge")
        return out

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
            "stale": [timing_json(t) for t in self.stale[:EXAMPLES]],
            "visibility_ns": dict(self.visibility_ns),
            "evidence": dict(self.evidence),  # type: ignore[arg-type]
            "problems": list(self.problems),
        }


def timing_json(t: ElementTiming) -> dict[str, JSON]:
    return {
        "element": t.element,
        "added_at": t.added_at,
        "known_at": t.known_at,
        "stale_reads": t.stale_reads,
        "stale_until": t.stale_until,
        "visible_after": t.visible_after,
    }


def _some(elements: Sequence[Scalar]) -> str:
    shown = ", ".join(show(e) for e in elements[:5])
    return shown + (f" and {len(elements) - 5} more" if len(elements) > 5 else "")


def op_json(o: Operation) -> dict[str, JSON]:
    """An example op of a finding: position, process, node, value and times."""
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


def sort_key(v: Scalar) -> tuple[str, Scalar]:
    """Elements sort by type, then by value (so ints in numeric order)."""
    return (type(v).__name__, v)


def sorted_elements(values: Iterable[Scalar]) -> tuple[Scalar, ...]:
    return tuple(sorted(values, key=sort_key))


def percentiles(values: Sequence[int]) -> dict[str, float]:
    """p50, p90, p99 and max of ``values`` (nearest rank below); empty if there are none."""
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": float(ordered[-1])}


__all__ = ["ADD", "EXAMPLES", "FINAL_READ", "READ", "ElementTiming", "SetResult", "op_json",
           "percentiles", "sort_key", "sorted_elements"]
