"""The session-guarantee checks for add-only sets and registers.

Sets (unique added elements, reads return the whole set) allow exact checks:

- read your writes: a read by process p contains every element p added (ok) before it;
- monotonic reads: a read by p contains every element of p's earlier reads;
- monotonic writes: a read containing p's add of ``e`` contains p's earlier ok adds;
- writes follow reads: a read containing p's add of ``e`` contains what p had read (its latest
  read) before adding ``e``.

Registers with repeated values (read/write/cas over a few values) hide which write a read saw,
so only the certain violations are found: a read of the initial ``nil`` by p after p's own ok
write (read your writes) or after p read a value (monotonic reads). Monotonic writes and writes
follow reads are reported as not inferable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from checkers.consistency import SINGLE_OBJECT, boundary
from checkers.result_json import Fields
from checkers.verdict import Verdict
from harness.kernel.history import History, Operation
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import OpType

GUARANTEES = ("read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads")
"""The four session guarantees, by their names in :data:`checkers.consistency.MODELS`."""

MAX_EXAMPLES = 5
"""Violations kept per guarantee."""


class GuaranteeStatus(StrEnum):
    """What the history says about one guarantee."""

    KEPT = "kept"  # checked, no violation
    VIOLATED = "violated"
    NOT_INFERABLE = "not-inferable"  # this kind of history cannot show a violation


@dataclass(frozen=True, kw_only=True, slots=True)
class Violation:
    """One violation: the guarantee, the session, and the operations (history positions)."""

    guarantee: str
    process: int
    key: Scalar
    positions: tuple[int, ...]
    description: str

    def to_json(self) -> dict[str, JSON]:
        return {"guarantee": self.guarantee, "process": self.process, "key": self.key,
                "positions": list(self.positions), "description": self.description}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> Violation:
        f = Fields(value, where)
        return cls(guarantee=f.text("guarantee"), process=f.integer("process"),
                   key=f.scalar("key"), positions=f.ints("positions"),
                   description=f.text("description"))


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionResult:
    """Per-guarantee status, examples of violations, and what they rule out among the
    single-object models (linearizable, sequential, causal, PRAM and the four guarantees).
    ``verdict`` is invalid when a guarantee is violated, else valid (a guarantee that cannot
    be inferred is reported as such, and does not make the run unknown)."""

    verdict: Verdict
    guarantees: dict[str, GuaranteeStatus]
    violations: tuple[Violation, ...]
    checked_reads: int

    @property
    def anomalies(self) -> tuple[str, ...]:
        return tuple(f"{g}-violation" for g, s in self.guarantees.items()
                     if s is GuaranteeStatus.VIOLATED)

    def to_json(self) -> dict[str, JSON]:
        b = boundary(self.anomalies, SINGLE_OBJECT)
        return {
            "checker": "session",
            "verdict": self.verdict.value,
            "guarantees": {g: s.value for g, s in self.guarantees.items()},
            "anomalies": list(self.anomalies),
            "not": list(b.not_),
            "also-not": list(b.also_not),
            "checked-reads": self.checked_reads,
            "violations": [v.to_json() for v in self.violations],
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> SessionResult:
        """The result as :meth:`to_json` wrote it (``anomalies``, ``not`` and ``also-not`` are
        derived from ``guarantees``)."""
        f = Fields(value, where)
        statuses = Fields(f.mapping("guarantees"), f.at("guarantees"))
        return cls(verdict=f.verdict(),
                   guarantees={g: statuses.enum(g, GuaranteeStatus) for g in statuses.value},
                   violations=f.objects("violations", Violation.from_json),
                   checked_reads=f.integer("checked-reads"))


class _Collector:
    def __init__(self) -> None:
        self.found: dict[str, list[Violation]] = {g: [] for g in GUARANTEES}

    def add(self, v: Violation) -> None:
        bucket = self.found[v.guarantee]
        bucket.append(v)

    def result(self, inferable: Iterable[str], reads: int) -> SessionResult:
        inferable = set(inferable)
        status = {
            g: (GuaranteeStatus.VIOLATED if self.found[g] else GuaranteeStatus.KEPT)
            if g in inferable else GuaranteeStatus.NOT_INFERABLE
            for g in GUARANTEES
        }
        examples = tuple(v for g in GUARANTEES for v in self.found[g][:MAX_EXAMPLES])
        verdict = Verdict.INVALID if examples else Verdict.VALID
        return SessionResult(verdict=verdict, guarantees=status, violations=examples,
                             checked_reads=reads)


def _elements(value: JSON) -> frozenset[Scalar] | None:
    if isinstance(value, list) and all(not isinstance(e, list | dict) for e in value):
        return frozenset(value)  # type: ignore[arg-type]
    return None


def _check_set(ops: list[Operation], key: Scalar, out: _Collector) -> int:
    reads: list[tuple[Operation, frozenset[Scalar]]] = []
    added_by: dict[Scalar, tuple[int, int]] = {}  # element -> (process, index in its adds)
    adds: dict[int, list[tuple[Scalar, bool, frozenset[Scalar] | None, int]]] = {}
    # per process, in order: own ok adds so far; latest read set
    own: dict[int, list[tuple[Scalar, int]]] = {}
    latest: dict[int, tuple[frozenset[Scalar], int]] = {}
    for op in ops:  # invocation order; a process's ops are sequential
        p = op.process
        if op.f == "add" and not isinstance(op.value, list | dict):
            element: Scalar = op.value
            lst = adds.setdefault(p, [])
            dep = latest.get(p)
            added_by[element] = (p, len(lst))
            lst.append((element, op.type is OpType.OK, dep[0] if dep else None,
                        dep[1] if dep else -1))
            if op.type is OpType.OK:
                own.setdefault(p, []).append((element, op.call))
        elif op.f == "read" and op.type is OpType.OK:
            seen = _elements(op.output)
            if seen is None:
                continue
            reads.append((op, seen))
            for element, at in own.get(p, ()):
                if element not in seen:
                    out.add(Violation(guarantee="read-your-writes", process=p, key=key,
                                      positions=(at, op.call),
                                      description=f"process {p} added {element!r} and then "
                                                  f"read a set without it"))
                    break
            before = latest.get(p)
            if before is not None and not before[0] <= seen:
                missing = next(iter(before[0] - seen))
                out.add(Violation(guarantee="monotonic-reads", process=p, key=key,
                                  positions=(before[1], op.call),
                                  description=f"process {p} read {missing!r}, then read a set "
                                              f"without it"))
            latest[p] = (seen, op.call)
    for op, seen in reads:
        newest: dict[int, int] = {}
        for element in seen:
            who = added_by.get(element)
            if who is not None and who[1] > newest.get(who[0], -1):
                newest[who[0]] = who[1]
        for p, i in newest.items():
            element, _, dep_set, dep_at = adds[p][i]
            for earlier, ok, _, _ in adds[p][:i]:
                if ok and earlier not in seen:
                    out.add(Violation(guarantee="monotonic-writes", process=p, key=key,
                                      positions=(op.call,),
                                      description=f"a read saw {element!r} but not "
                                                  f"{earlier!r}, added earlier by process "
                                                  f"{p}"))
                    break
            if dep_set is not None and not dep_set <= seen:
                missing = next(iter(dep_set - seen))
                out.add(Violation(guarantee="writes-follow-reads", process=p, key=key,
                                  positions=(dep_at, op.call),
                                  description=f"process {p} read {missing!r} before adding "
                                              f"{element!r}; a read saw {element!r} without "
                                              f"{missing!r}"))
    return len(reads)


def _check_register(ops: list[Operation], key: Scalar, out: _Collector) -> int:
    wrote: dict[int, int] = {}
    read_value: dict[int, int] = {}
    reads = 0
    for op in ops:
        p = op.process
        if op.f in ("write", "cas") and op.type is OpType.OK:
            wrote.setdefault(p, op.call)
        elif op.f == "read" and op.type is OpType.OK:
            reads += 1
            if op.output is None:
                if p in wrote:
                    out.add(Violation(guarantee="read-your-writes", process=p, key=key,
                                      positions=(wrote[p], op.call),
                                      description=f"process {p} wrote, then read the initial "
                                                  f"nil"))
                if p in read_value:
                    out.add(Violation(guarantee="monotonic-reads", process=p, key=key,
                                      positions=(read_value[p], op.call),
                                      description=f"process {p} read a written value, then "
                                                  f"the initial nil"))
            else:
                read_value.setdefault(p, op.call)
    return reads


def check_sessions(history: History, *, kind: str) -> SessionResult:
    """Check the four session guarantees on a ``kind`` history: ``"set"`` (``add`` of unique
    elements, ``read`` of the whole set) or ``"register"`` (``read``/``write``/``cas``).
    Multi-key histories are checked per key. Raises ValueError for another ``kind``."""
    if kind not in ("set", "register"):
        raise ValueError(f"session guarantees: unknown history kind {kind!r}")
    out = _Collector()
    reads = 0
    for key, ops in history.by_key().items():
        reads += _check_set(ops, key, out) if kind == "set" else _check_register(ops, key, out)
    inferable = GUARANTEES if kind == "set" else ("read-your-writes", "monotonic-reads")
    return out.result(inferable, reads)


@dataclass(frozen=True, slots=True)
class SessionChecker:
    """The workload checker form (``check(test, history)``) of :func:`check_sessions`."""

    kind: str

    def check(self, test: object, history: History) -> SessionResult:
        return check_sessions(history, kind=self.kind)


__all__ = [
    "GUARANTEES", "GuaranteeStatus", "SessionChecker", "SessionResult", "Violation",
    "check_sessions",
]
