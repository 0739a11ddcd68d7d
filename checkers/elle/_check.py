"""Orchestration of a transactional check: read txns, infer, cheap cycle pass, detailed search,
verdict. The search itself is in :mod:`checkers.elle._graph`; inference per workload."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Protocol

from checkers.consistency import TRANSACTIONAL, boundary, forbidding
from checkers.elle._findings import CycleEdge, Finding
from checkers.elle._graph import (
    ALL_TYPES,
    SHAPES,
    Adjacency,
    Cycle,
    Deadline,
    Edges,
    EdgeType,
    adjacency,
    classify,
    components_by_level,
    cycle_through,
)
from checkers.elle._order import add_process_edges, add_realtime_edges
from checkers.elle._result import TxnCheckResult, TxnRef
from checkers.elle._txn import Status, Txn
from checkers.verdict import Verdict

MAX_EXAMPLES = 8
"""Cycles kept per anomaly name."""
MAX_STARTS = 8
"""Start edges tried per component and shape before giving up on that shape there (components
of at most :data:`SMALL_COMPONENT` transactions try all theirs: cheap, and exhaustive)."""
SMALL_COMPONENT = 32
MAX_SEARCHES = 1500
"""Searches (start edges tried) per shape over all components."""
SEARCH_STEPS = 300_000
"""Breadth-first visits allowed per shape over all components (a few seconds at most): failing
searches in one huge component cannot eat the whole budget."""


class Inference(Protocol):
    """What a workload's inference provides to the cycle search."""

    @property
    def edges(self) -> Edges: ...

    @property
    def findings(self) -> list[Finding]: ...

    def why(self, a: int, b: int, t: EdgeType) -> str: ...


def _why_order(txns: Sequence[Txn], a: int, b: int, t: EdgeType) -> str:
    ta, tb = txns[a], txns[b]
    if t is EdgeType.PROCESS:
        return f"process {ta.process} ran T{a} then T{b}"
    return (f"T{a} completed (history position {ta.ret}) before T{b} was invoked "
            f"(position {tb.call})")


def _cycle_finding(txns: Sequence[Txn], inf: Inference, cycle: Cycle) -> Finding:
    name = classify(cycle)
    n = len(cycle.nodes)
    edges = []
    for i, (a, t) in enumerate(zip(cycle.nodes, cycle.types, strict=True)):
        b = cycle.nodes[(i + 1) % n]
        why = inf.why(a, b, t) if t & (EdgeType.WW | EdgeType.WR | EdgeType.RW) \
            else _why_order(txns, a, b, t)
        edges.append(CycleEdge(src=a, dst=b, type=t.label, why=why))
    path = " ".join(f"T{a} -{t.label}->" for a, t in zip(cycle.nodes, cycle.types, strict=True))
    return Finding(name=name, txns=cycle.nodes, cycle=tuple(edges),
                   description=f"{name} cycle: {path} T{cycle.nodes[0]}")


def _search(txns: Sequence[Txn], inf: Inference, levels_done: list[tuple[EdgeType,
            tuple[tuple[int, ...], ...]]], deadline: Deadline) -> tuple[list[Finding], bool]:
    """Detailed search. Returns cycle findings and whether it was exhaustive."""
    found: list[Finding] = []
    per_name: dict[str, int] = {}
    seen: set[tuple[tuple[int, int], ...]] = set()
    exhaustive = True
    variant_levels = {"": 2, "process": 3, "realtime": 4}
    adjs: dict[int, Adjacency] = {}
    for shape in SHAPES:
        variant = shape.name.rsplit("-", 1)[-1] if shape.name.endswith(
            ("-process", "-realtime")) else ""
        level = variant_levels[variant]
        if level >= len(levels_done):
            return found, False
        mask, comps = levels_done[level]
        if not comps:
            continue
        if level not in adjs:
            component_of = {n: i for i, comp in enumerate(comps) for n in comp}
            adjs[level] = adjacency(inf.edges, component_of, mask)
        adj = adjs[level]
        deadline.steps = SEARCH_STEPS
        searches = 0
        for comp in sorted(comps, key=len):
            if deadline.passed():
                return found, False
            if deadline.out_of_steps():
                exhaustive = False
                break
            starts = [(a, b) for a in comp for b, m in adj.get(a, ()) if m & shape.first]
            limit = len(starts) if len(comp) <= SMALL_COMPONENT else MAX_STARTS
            if len(starts) > limit:
                exhaustive = False
            if searches >= MAX_SEARCHES:
                exhaustive = False
                break
            for a, b in starts[:limit]:
                searches += 1
                cycle = cycle_through(adj, (a, b, shape.first), shape, deadline)
                if cycle is None:
                    if deadline.passed():
                        return found, False
                    if deadline.out_of_steps():
                        exhaustive = False
                        break
                    continue
                canon = _canonical(cycle)
                if canon in seen:
                    break
                seen.add(canon)
                finding = _cycle_finding(txns, inf, cycle)
                if per_name.get(finding.name, 0) < MAX_EXAMPLES:
                    per_name[finding.name] = per_name.get(finding.name, 0) + 1
                    found.append(finding)
                break
    return found, exhaustive


def _canonical(cycle: Cycle) -> tuple[tuple[int, int], ...]:
    pairs = tuple((n, int(t)) for n, t in zip(cycle.nodes, cycle.types, strict=True))
    i = cycle.nodes.index(min(cycle.nodes))
    return pairs[i:] + pairs[:i]


def check_txns(
    txns: Sequence[Txn],
    inference: Callable[[Sequence[Txn]], Inference],
    *,
    workload: str,
    model: str = "strict-serializable",
    time_limit: float | None = None,
    cannot_infer: tuple[str, ...] = (),
) -> TxnCheckResult:
    """Check transactions against ``model`` (a name in :data:`checkers.consistency.MODELS`).

    ``time_limit`` (seconds) bounds the cycle searches: when it runs out during the detailed
    search, the anomalies proven by the cheap pass are still reported (``complete`` False);
    when it runs out during the cheap pass, the verdict is unknown unless an anomaly forbidden
    by ``model`` was already found.
    """
    paused = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: collections would dominate the run time
    try:
        return _check_txns(txns, inference, workload=workload, model=model,
                           deadline=Deadline(time_limit), cannot_infer=cannot_infer)
    finally:
        if paused:
            gc.enable()


def _check_txns(
    txns: Sequence[Txn],
    inference: Callable[[Sequence[Txn]], Inference],
    *,
    workload: str,
    model: str,
    deadline: Deadline,
    cannot_infer: tuple[str, ...],
) -> TxnCheckResult:
    inf = inference(txns)
    add_process_edges(txns, inf.edges)
    add_realtime_edges(txns, inf.edges)
    levels, cheap_done = components_by_level(inf.edges, deadline)
    findings = _capped(inf.findings)
    cycles, exhaustive = _search(txns, inf, [(lv.mask, lv.components) for lv in levels],
                                 deadline)
    findings.extend(cycles)
    names = {f.name for f in findings}
    # general anomalies proven by the cheap pass, when the search named nothing as specific
    covered_levels = set()
    for lv_i, lv in enumerate(levels):
        if not lv.components:
            continue
        specific = [n for n in names if n in _level_names(lv_i)]
        if not specific:
            names.add(lv.anomaly)
            covered_levels.add(lv_i)
    complete = cheap_done and exhaustive and not covered_levels
    forbidden = [n for n in names if model in forbidding(n)]
    if forbidden:
        verdict = Verdict.INVALID
    elif not cheap_done:
        verdict = Verdict.UNKNOWN
    else:
        verdict = Verdict.VALID
    if not any(t.status is Status.OK for t in txns) and verdict is Verdict.VALID:
        verdict = Verdict.UNKNOWN
    reason = None
    if not cheap_done:
        reason = "time limit reached before every cycle level was searched"
    elif not complete:
        reason = "time or start-edge limit reached in the detailed search: " \
                 "general anomalies stand for cycles not yet classified"
    if not any(t.status is Status.OK for t in txns):
        reason = "no transaction committed: nothing to judge"
    mentioned = sorted({i for f in findings for i in f.txns})
    refs = tuple(TxnRef(id=i, process=txns[i].process, status=txns[i].status.name.lower(),
                        call=txns[i].call, ret=txns[i].ret,
                        mops=[[m.f, m.key, m.value] for m in txns[i].mops])
                 for i in mentioned[:500])
    return TxnCheckResult(
        workload=workload, model=model, verdict=verdict,
        anomalies=tuple(sorted(names)), boundary=boundary(names, TRANSACTIONAL),
        findings=tuple(findings), txns=refs, complete=complete, txn_count=len(txns),
        edge_counts={t.label: len(inf.edges.src[t]) for t in ALL_TYPES},
        cannot_infer=cannot_infer, reason=reason)


MAX_FINDINGS_PER_NAME = 20
"""Non-cycle findings kept per anomaly name (all are counted in the name list)."""


def _capped(findings: list[Finding]) -> list[Finding]:
    count: dict[str, int] = {}
    out = []
    for f in findings:
        count[f.name] = count.get(f.name, 0) + 1
        if count[f.name] <= MAX_FINDINGS_PER_NAME:
            out.append(f)
    return out


def _level_names(level: int) -> set[str]:
    """Specific cycle names that explain a cycle among level ``level``'s edge kinds."""
    plain = {"G0"} if level == 0 else {"G0", "G1c"} if level == 1 else \
        {"G0", "G1c", "G-single", "G-nonadjacent", "G2-item"}
    if level < 3:
        return plain
    out = set(plain) | {f"{n}-process" for n in plain}
    if level == 4:
        out |= {f"{n}-realtime" for n in plain}
    return out


__all__ = ["MAX_EXAMPLES", "Inference", "check_txns"]
