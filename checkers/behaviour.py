"""CP-like or AP-like? The observed behaviour under partitions, classified from the run's own data.

For every partition window (from the nemesis records, :mod:`checkers.fault_windows`), each client
operation invoked while the partition was certainly in effect (after the starting action completed,
before the healing one began), and not overlapping another fault (a kill, a pause, ...) of its
node, is
counted on the side of the partition its node was on (the grudge the nemesis recorded says which
nodes could reach which). An operation answered only after the heal is not counted; one that
failed or timed out is. Sides with fewer than a majority of the
nodes are *minority* sides. Together with the anomalies the workload's checkers found, this gives:

=================================== =============================================================
minority ok-fraction / anomalies    behaviour
=================================== =============================================================
low, none                           CP-like: the minority refuses, nothing goes wrong
high, some                          AP-like: both sides serve, and data is lost or stale
high, none                          available, and no anomaly observed
low, some                           unavailable on the minority *and* anomalies: neither
majority low too                    unavailable during partitions
no partition                        not observed
=================================== =============================================================

Pure: statistics over a history, never a verdict of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from checkers.anomalies import DescribesAnomalies
from checkers.fault_windows import NemesisAction, fault_windows, nemesis_actions
from checkers.result_json import AnyResult, Fields
from checkers.verdict import Verdict
from harness.kernel.history import History, Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType

AVAILABLE = 0.5
"""A side whose ok-fraction reaches this is called available."""


class Behaviour(StrEnum):
    CP_LIKE = "CP-like"
    AP_LIKE = "AP-like"
    AVAILABLE_NO_ANOMALIES = "available, no anomalies"
    NEITHER = "minority unavailable, anomalies found"
    UNAVAILABLE = "unavailable under partition"
    NOT_OBSERVED = "no partition observed"


@dataclass(frozen=True, kw_only=True, slots=True)
class SideCount:
    """Client outcomes on one side (or on all minority/majority sides together)."""

    nodes: tuple[str, ...]
    ok: int = 0
    total: int = 0
    by_f: tuple[tuple[str, int, int], ...] = ()
    """(f, ok, total) per operation kind, sorted by f."""

    @property
    def fraction(self) -> float | None:
        return self.ok / self.total if self.total else None

    def describe(self) -> str:
        """``"40% ok (read 100%, add 0%)"``."""
        if not self.total:
            return "no ops"
        parts = ", ".join(f"{f} {ok / total:.0%}" for f, ok, total in self.by_f if total)
        return f"{self.ok / self.total:.0%} ok ({parts})"

    def to_json(self) -> dict[str, JSON]:
        return {"nodes": list(self.nodes), "ok": self.ok, "total": self.total,
                "ok_fraction": self.fraction,
                "by_f": {f: {"ok": ok, "total": total} for f, ok, total in self.by_f}}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> SideCount:
        f = Fields(value, where)
        by_f = []
        for name, counts in f.mapping("by_f").items():
            c = Fields(counts, f.at(f"by_f.{name}"))
            by_f.append((name, c.integer("ok"), c.integer("total")))
        return cls(nodes=f.strs("nodes"), ok=f.integer("ok"), total=f.integer("total"),
                   by_f=tuple(by_f))


@dataclass(frozen=True, kw_only=True, slots=True)
class WindowSides:
    start: int
    end: int
    minority: tuple[SideCount, ...]
    majority: tuple[SideCount, ...]

    def to_json(self) -> dict[str, JSON]:
        return {"start": self.start, "end": self.end,
                "minority": [s.to_json() for s in self.minority],
                "majority": [s.to_json() for s in self.majority]}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> WindowSides:
        f = Fields(value, where)
        return cls(start=f.integer("start"), end=f.integer("end"),
                   minority=f.objects("minority", SideCount.from_json),
                   majority=f.objects("majority", SideCount.from_json))


@dataclass(frozen=True, kw_only=True, slots=True)
class BehaviourResult:
    behaviour: Behaviour
    summary: str
    minority: SideCount
    majority: SideCount
    windows: tuple[WindowSides, ...]
    anomalies: tuple[str, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.VALID  # informational: never changes the run's verdict

    def to_json(self) -> dict[str, JSON]:
        return {
            "checker": "behaviour",
            "behaviour": self.behaviour.value,
            "summary": self.summary,
            "minority": self.minority.to_json(),
            "majority": self.majority.to_json(),
            "windows": [w.to_json() for w in self.windows],
            "anomalies": list(self.anomalies),
        }

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> BehaviourResult:
        f = Fields(value, where)
        return cls(behaviour=f.enum("behaviour", Behaviour), summary=f.text("summary"),
                   minority=f.object("minority", SideCount.from_json),
                   majority=f.object("majority", SideCount.from_json),
                   windows=f.objects("windows", WindowSides.from_json),
                   anomalies=f.strs("anomalies"))


def sides(grudge: Mapping[str, Sequence[str]], nodes: Sequence[str]) -> list[tuple[str, ...]]:
    """The groups of nodes that can all hear each other (a node's side: itself and every node
    it does not drop, restricted to the nodes that do not drop it either)."""
    drops = {n: frozenset(grudge.get(n, ())) for n in nodes}
    out: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for node in nodes:
        if node in seen:
            continue
        side = tuple(n for n in nodes
                     if n == node or (n not in drops[node] and node not in drops[n]))
        seen.update(side)
        out.append(side)
    return out


def _grudge(value: JSON) -> dict[str, list[str]] | None:
    if not isinstance(value, dict):
        return None
    raw = value.get("grudge")
    if not isinstance(raw, dict):
        return None
    return {str(k): [str(x) for x in v] for k, v in raw.items() if isinstance(v, list)}


def classify(history: History, nodes: Sequence[str], anomalies: Sequence[str],
             *, available: float = AVAILABLE) -> BehaviourResult:
    """Availability on each side of every partition, and the behaviour it adds up to."""
    majority_size = len(nodes) // 2 + 1
    actions = {a.index: a for a in nemesis_actions(history.ops)}
    client_ops = [o for o in history.operations() if o.node is not None]
    windows: list[WindowSides] = []
    minority_total = SideCount(nodes=())
    majority_total = SideCount(nodes=())
    all_windows = fault_windows(history)
    others = [(w, _nodes_hit(actions.get(w.start_index)))
              for w in all_windows if w.kind != "partition"]
    for window in all_windows:
        if window.kind != "partition":
            continue
        action = actions.get(window.start_index)
        grudge = _grudge(action.result) if action is not None else None
        grudge = grudge if grudge is not None else _grudge(window.value)
        if grudge is None:
            continue
        counts: dict[tuple[str, ...], dict[str, list[int]]] = {
            s: {} for s in sides(grudge, nodes)
        }
        side_of = {n: s for s in counts for n in s}
        # In effect: from the end of the starting action to the start of the stopping one.
        begin = action.end if action is not None else window.start
        stopper = actions.get(window.end_index) if window.end_index is not None else None
        end = stopper.start if stopper is not None else window.end
        for o in client_ops:
            if not begin <= o.call_time < end or o.node not in side_of:
                continue
            ret = o.ret_time if o.ret_time is not None else end
            if served(o) and ret > end:
                continue  # answered after the heal: says nothing about the partition
            if any(w.start < ret and o.call_time < w.end and (hit is None or o.node in hit)
                   for w, hit in others):
                continue  # its node was killed or paused meanwhile: not the partition's doing
            c = counts[side_of[o.node]].setdefault(o.f, [0, 0])
            c[1] += 1
            c[0] += served(o)
        minority = tuple(_count(s, c) for s, c in counts.items() if len(s) < majority_size)
        majority = tuple(_count(s, c) for s, c in counts.items() if len(s) >= majority_size)
        windows.append(WindowSides(start=window.start, end=window.end, minority=minority,
                                   majority=majority))
        minority_total = _add(minority_total, minority)
        majority_total = _add(majority_total, majority)
    behaviour, summary = _judge(minority_total, majority_total, anomalies, bool(windows),
                                available)
    return BehaviourResult(behaviour=behaviour, summary=summary, minority=minority_total,
                           majority=majority_total, windows=tuple(windows),
                           anomalies=tuple(anomalies))


def _nodes_hit(action: NemesisAction | None) -> frozenset[str] | None:
    """The nodes a fault action reports it hit (its completion's ``nodes``); None if unknown."""
    result = action.result if action is not None else None
    nodes = result.get("nodes") if isinstance(result, dict) else None
    if not isinstance(nodes, list):
        return None
    return frozenset(str(n) for n in nodes)


CAS_MISMATCH = "cas mismatch"


def served(o: Operation) -> bool:
    """The system answered: ``ok``, or a compare-and-set that was refused because the value
    differed (a definite answer, not unavailability)."""
    return o.type is OpType.OK or (o.type is OpType.FAIL and o.error == CAS_MISMATCH)


def _count(nodes: tuple[str, ...], by_f: Mapping[str, list[int]]) -> SideCount:
    return SideCount(nodes=nodes, ok=sum(c[0] for c in by_f.values()),
                     total=sum(c[1] for c in by_f.values()),
                     by_f=tuple((f, c[0], c[1]) for f, c in sorted(by_f.items())))


def _add(total: SideCount, parts: Sequence[SideCount]) -> SideCount:
    merged: dict[str, list[int]] = {f: [ok, n] for f, ok, n in total.by_f}
    for part in parts:
        for f, ok, n in part.by_f:
            c = merged.setdefault(f, [0, 0])
            c[0] += ok
            c[1] += n
    return _count((), merged)


def _judge(minority: SideCount, majority: SideCount, anomalies: Sequence[str], partitioned: bool,
           available: float) -> tuple[Behaviour, str]:
    if not partitioned:
        return Behaviour.NOT_OBSERVED, "no partition in this run: behaviour under partition unknown"
    sides_text = f"minority side {minority.describe()}, majority side {majority.describe()}"
    found = "; ".join(anomalies)
    majority_up = majority.fraction is None or majority.fraction >= available
    minority_up = minority.fraction is not None and minority.fraction >= available
    if not majority_up and not minority_up:
        behaviour = Behaviour.UNAVAILABLE
        text = f"neither side served requests ({sides_text})"
    elif minority_up and anomalies:
        behaviour = Behaviour.AP_LIKE
        text = f"both sides available, anomalies: {found} ({sides_text})"
    elif minority_up:
        behaviour = Behaviour.AVAILABLE_NO_ANOMALIES
        text = f"both sides served requests ({sides_text})"
    elif anomalies:
        behaviour = Behaviour.NEITHER
        text = f"the minority refused requests, yet: {found} ({sides_text})"
    else:
        behaviour = Behaviour.CP_LIKE
        text = f"minority unavailable, no anomalies ({sides_text})"
    return behaviour, f"{behaviour.value}: {text}"


def anomalies_of(results: Mapping[str, AnyResult]) -> list[str]:
    """Short descriptions of what the workload's checkers found, from their typed results
    (:class:`checkers.anomalies.DescribesAnomalies`); another invalid result counts as
    ``"<name> invalid"``."""
    out: list[str] = []
    for name, part in results.items():
        if isinstance(part, DescribesAnomalies):
            out.extend(part.describe_anomalies())
        elif part.verdict is Verdict.INVALID:
            out.append(f"{name} invalid")
    return out


__all__ = ["AVAILABLE", "Behaviour", "BehaviourResult", "SideCount", "WindowSides",
           "anomalies_of", "classify", "served", "sides"]
