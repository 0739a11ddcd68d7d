"""What the set checker finds: :class:`SetResult` and its :class:`ElementTiming` records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from checkers.phrases import named
from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.history import Operation
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import OpType
from harness.kernel.valuetext import show

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

    def to_json(self) -> dict[str, JSON]:
        return {
            "element": self.element,
            "added_at": self.added_at,
            "known_at": self.known_at,
            "stale_reads": self.stale_reads,
            "stale_until": self.stale_until,
            "visible_after": self.visible_after,
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> ElementTiming:
        f = Fields(value, where)
        return cls(element=f.scalar("element"), added_at=f.integer("added_at"),
                   known_at=f.integer("known_at"), stale_reads=f.integer("stale_reads"),
                   stale_until=f.opt_integer("stale_until"),
                   visible_after=f.opt_integer("visible_after"))


@dataclass(frozen=True, kw_only=True, slots=True)
class ExampleOp:
    """An operation that shows a finding: its history position (of the invocation), process,
    node, value, and times (ns since the test started)."""

    index: int
    process: int
    f: str
    type: OpType
    node: str | None
    value: JSON
    call_time: int
    ret_time: int | None

    @classmethod
    def of(cls, o: Operation) -> ExampleOp:
        return cls(index=o.call, process=o.process, f=o.f, type=o.type, node=o.node,
                   value=o.value, call_time=o.call_time, ret_time=o.ret_time)

    def named(self) -> str:
        """``add(3) of process 2 (index 17, completed at 1.204 s)``."""
        return named(Operation(process=self.process, f=self.f, value=self.value, output=None,
                               type=self.type, call=self.index, ret=None,
                               call_time=self.call_time, ret_time=self.ret_time))

    def to_json(self) -> dict[str, JSON]:
        return {
            "index": self.index,
            "process": self.process,
            "f": self.f,
            "type": self.type.value,
            "node": self.node,
            "value": self.value,
            "call_time": self.call_time,
            "ret_time": self.ret_time,
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> ExampleOp:
        f = Fields(value, where)
        return cls(index=f.integer("index"), process=f.integer("process"), f=f.text("f"),
                   type=f.enum("type", OpType), node=f.opt_text("node"), value=f.raw("value"),
                   call_time=f.integer("call_time"), ret_time=f.opt_integer("ret_time"))


@dataclass(frozen=True, kw_only=True, slots=True)
class SetResult:
    """Findings of :func:`check_set`, each with the ops that show it. Long lists keep their
    first :data:`EXAMPLES` entries (``stale_count`` says how many elements read stale)."""

    verdict: Verdict
    attempted: int
    acknowledged: int
    lost: tuple[Scalar, ...]
    unexpected: tuple[Scalar, ...]
    recovered: tuple[Scalar, ...]
    converged: bool
    final_read_sizes: dict[str, int]
    """node -> how many elements its final read returned."""
    missing_by_node: dict[str, tuple[Scalar, ...]]
    """node -> (the first :data:`EXAMPLES`) acknowledged elements absent from that node's final
    read."""
    stale: tuple[ElementTiming, ...]
    """The first :data:`EXAMPLES` elements that reads missed after they were known."""
    stale_count: int
    visibility_ns: dict[str, float]
    """Time-to-visibility percentiles over acknowledged elements (p50, p90, p99, max)."""
    evidence: dict[str, tuple[ExampleOp, ...]] = field(default_factory=dict)
    """finding (``lost``, ``unexpected``, ``recovered``, ``final_reads``) -> example ops."""
    problems: tuple[str, ...] = ()
    """Why the verdict is unknown (e.g. no final reads)."""

    @property
    def explanation(self) -> str | None:
        """Why it is invalid, in words (the CLI and the report print it): lost elements and the
        add that was acknowledged, elements read but never added, final reads that disagree."""
        parts = []
        if self.lost:
            nodes = ", ".join(self.final_read_sizes)
            text = (f"{len(self.lost)} acknowledged element(s) are missing from every final read "
                    f"({nodes}): {_some(self.lost)}.")
            example = next(iter(self.evidence.get("lost", [])), None)
            if example is not None:
                text += f" The element {show(example.value)} was added by {example.named()}."
            parts.append(text)
        if self.unexpected:
            text = (f"Reads returned {len(self.unexpected)} element(s) no operation added: "
                    f"{_some(self.unexpected)}")
            example = next(iter(self.evidence.get("unexpected", [])), None)
            if example is not None:
                text += f", e.g. {example.named()}"
            parts.append(text + ".")
        if not self.converged:
            sizes = ", ".join(f"{n} has {v}" for n, v in self.final_read_sizes.items())
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
            "final_reads": dict(self.final_read_sizes),
            "missing_by_node": {n: list(v) for n, v in self.missing_by_node.items()},
            "stale_count": self.stale_count,
            "stale": [t.to_json() for t in self.stale],
            "visibility_ns": dict(self.visibility_ns),
            "evidence": {k: [o.to_json() for o in ops] for k, ops in self.evidence.items()},
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> SetResult:
        """The result as :meth:`to_json` wrote it (the counts of the element lists and
        ``explanation`` are derived)."""
        f = Fields(value, where)
        missing = Fields(f.mapping("missing_by_node"), f.at("missing_by_node"))
        evidence = Fields(f.mapping("evidence"), f.at("evidence"))
        return cls(
            verdict=f.verdict(), attempted=f.integer("attempted"),
            acknowledged=f.integer("acknowledged"), lost=f.scalars("lost"),
            unexpected=f.scalars("unexpected"), recovered=f.scalars("recovered"),
            converged=f.flag("converged"), final_read_sizes=f.int_map("final_reads"),
            missing_by_node={n: missing.scalars(n) for n in missing.value},
            stale=f.objects("stale", ElementTiming.from_json), stale_count=f.integer("stale_count"),
            visibility_ns=f.float_map("visibility_ns"),
            evidence={k: evidence.objects(k, ExampleOp.from_json) for k in evidence.value},
            problems=f.strs("problems", optional=True))


def _some(elements: Sequence[Scalar]) -> str:
    shown = ", ".join(show(e) for e in elements[:5])
    return shown + (f" and {len(elements) - 5} more" if len(elements) > 5 else "")


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


__all__ = ["ADD", "EXAMPLES", "FINAL_READ", "READ", "ElementTiming", "ExampleOp", "SetResult",
           "percentiles", "sort_key", "sorted_elements"]
