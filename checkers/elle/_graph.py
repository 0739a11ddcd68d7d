"""The transaction dependency graph and the search for its cycles.

Nodes are transaction ids; edges are typed (Adya 1999: ``ww`` write dependency, ``wr`` read
dependency, ``rw`` anti-dependency; Kingsbury and Alvaro 2020: ``process`` and ``realtime``
order). Strongly connected components come from rustworkx; inside a component a breadth-first
search over (node, automaton state) finds the shortest cycle through a given edge that has the
shape of each anomaly (the approach of Elle, VLDB 2020, section 4).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from enum import IntFlag

import rustworkx as rx


class EdgeType(IntFlag):
    """Edge kinds; an edge between two transactions may have several."""

    WW = 1
    WR = 2
    RW = 4
    PROCESS = 8
    REALTIME = 16

    @property
    def label(self) -> str:
        return {1: "ww", 2: "wr", 4: "rw", 8: "process", 16: "realtime"}[int(self)]


DEPENDENCIES = EdgeType.WW | EdgeType.WR | EdgeType.RW
ALL_TYPES = (EdgeType.WW, EdgeType.WR, EdgeType.RW, EdgeType.PROCESS, EdgeType.REALTIME)


@dataclass(slots=True)
class Edges:
    """Edge lists by type: ``src[t][i] -> dst[t][i]``; ``n`` is the number of nodes."""

    n: int
    src: dict[EdgeType, list[int]] = field(default_factory=lambda: {t: [] for t in ALL_TYPES})
    dst: dict[EdgeType, list[int]] = field(default_factory=lambda: {t: [] for t in ALL_TYPES})

    def add(self, t: EdgeType, a: int, b: int) -> None:
        if a != b:
            self.src[t].append(a)
            self.dst[t].append(b)

    def count(self) -> dict[str, int]:
        return {t.label: len(self.src[t]) for t in ALL_TYPES}


LEVELS: tuple[tuple[EdgeType, str], ...] = (
    (EdgeType.WW, "G0"),
    (EdgeType.WW | EdgeType.WR, "G1c"),
    (DEPENDENCIES, "G2-item"),
    (DEPENDENCIES | EdgeType.PROCESS, "G2-item-process"),
    (DEPENDENCIES | EdgeType.PROCESS | EdgeType.REALTIME, "G2-item-realtime"),
)
"""Cheap pass: edge sets, growing, and the most general anomaly a cycle among them proves."""


class Deadline:
    """A monotonic deadline (``None``: no limit) and a budget of search steps that the caller
    may refill (``steps``: breadth-first visits left; ``None``: unlimited)."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds
        self.steps: int | None = None

    def passed(self) -> bool:
        return self.end is not None and time.monotonic() > self.end

    def out_of_steps(self) -> bool:
        return self.steps is not None and self.steps <= 0


@dataclass(frozen=True, kw_only=True, slots=True)
class LevelComponents:
    """The nontrivial strongly connected components with the edge types of one level."""

    mask: EdgeType
    anomaly: str
    components: tuple[tuple[int, ...], ...]


def _components(edges: Edges, mask: EdgeType) -> tuple[tuple[int, ...], ...]:
    g: rx.PyDiGraph[None, None] = rx.PyDiGraph(multigraph=False)
    g.add_nodes_from([None] * edges.n)
    for t in ALL_TYPES:
        if t & mask:
            g.extend_from_edge_list(list(zip(edges.src[t], edges.dst[t], strict=True)))
    return tuple(tuple(sorted(c)) for c in rx.strongly_connected_components(g) if len(c) > 1)


def components_by_level(edges: Edges, deadline: Deadline) -> tuple[list[LevelComponents], bool]:
    """The cheap pass: for each of :data:`LEVELS`, the components of size > 1.

    The level with every edge kind is computed first: when it has no cycle, no level has one.
    Returns the levels done (in :data:`LEVELS` order) and whether all were done before the
    deadline.
    """
    if deadline.passed():
        return [], False
    top_mask, top_name = LEVELS[-1]
    top = _components(edges, top_mask)
    if not top:
        return [LevelComponents(mask=m, anomaly=a, components=()) for m, a in LEVELS], True
    out: list[LevelComponents] = []
    for mask, name in LEVELS[:-1]:
        if deadline.passed():
            return out, False
        out.append(LevelComponents(mask=mask, anomaly=name, components=_components(edges, mask)))
    out.append(LevelComponents(mask=top_mask, anomaly=top_name, components=top))
    return out, True


Adjacency = dict[int, list[tuple[int, int]]]
"""node -> [(successor, type mask)] inside one component."""


def adjacency(edges: Edges, component_of: dict[int, int], mask: EdgeType) -> Adjacency:
    """Edges of the types in ``mask`` whose both ends are in the same component
    (``component_of`` maps member nodes to a component number), merged by pair."""
    merged: dict[tuple[int, int], int] = {}
    get = component_of.get
    for t in ALL_TYPES:
        if not t & mask:
            continue
        bit = int(t)
        for a, b in zip(edges.src[t], edges.dst[t], strict=True):
            ca = get(a)
            if ca is not None and ca == get(b):
                merged[(a, b)] = merged.get((a, b), 0) | bit
    adj: Adjacency = {}
    for (a, b), m in merged.items():
        adj.setdefault(a, []).append((b, m))
    return adj


@dataclass(frozen=True, kw_only=True, slots=True)
class Cycle:
    """A cycle ``nodes[0] -> nodes[1] -> ... -> nodes[0]``; ``types[i]`` is the edge type used
    from ``nodes[i]`` to ``nodes[(i + 1) % len]``."""

    nodes: tuple[int, ...]
    types: tuple[EdgeType, ...]


def classify(cycle: Cycle) -> str:
    """Elle's name for a cycle, from its edge types (Adya 1999; Kingsbury and Alvaro 2020).

    G0: only ww; G1c: ww and wr; G-single: exactly one rw; G-nonadjacent: several rw, no two
    adjacent (cyclically); G2-item: otherwise. ``-realtime`` if it uses a realtime edge, else
    ``-process`` if it uses a process edge.
    """
    types = cycle.types
    rws = [i for i, t in enumerate(types) if t is EdgeType.RW]
    n = len(types)
    if not rws:
        base = "G1c" if any(t is EdgeType.WR for t in types) else "G0"
    elif len(rws) == 1:
        base = "G-single"
    elif all((i + 1) % n not in rws for i in rws):
        base = "G-nonadjacent"
    else:
        base = "G2-item"
    if EdgeType.REALTIME in types:
        return base + "-realtime"
    if EdgeType.PROCESS in types:
        return base + "-process"
    return base


# Plain int bits for the hot loops (IntFlag arithmetic is slow).
_WW, _WR, _RW, _PROCESS, _REALTIME = 1, 2, 4, 8, 16
_BITS: tuple[tuple[int, ...], ...] = tuple(
    tuple(b for b in (1, 2, 4, 8, 16) if m & b) for m in range(32))


@dataclass(frozen=True, kw_only=True, slots=True)
class Shape:
    """What a searched cycle must look like: it starts with an edge of type ``first``, its other
    edges have types in ``allowed``; the automaton state tracks (bit 1) last edge was rw, (bit 2)
    another rw was used, (bit 16) the ``needed`` extra kind was used."""

    name: str
    anomaly: str
    first: EdgeType
    allowed: int
    needed: int

    def start(self, t: int) -> int:
        s = 1 if t == _RW else 0
        return s | 16 if t & self.needed else s

    def step(self, state: int, t: int) -> int:
        """The next state, or -1 when the edge type is not allowed here."""
        if t == _RW:
            if self.anomaly == "G-single":
                return -1
            if self.anomaly == "G-nonadjacent":
                if state & 1:
                    return -1
                state |= 3
            else:
                state |= 1
        else:
            state &= ~1
        return state | 16 if t & self.needed else state

    def accept(self, state: int) -> bool:
        if self.needed and not state & 16:
            return False
        if self.anomaly == "G-nonadjacent":
            return bool(state & 2) and not state & 1
        return True


def _shape(anomaly: str, variant: str) -> Shape:
    """The automaton for an anomaly (G0, G1c, G-single, G-nonadjacent, G2-item) and a variant
    ("", "process", "realtime")."""
    extra = {"": 0, "process": _PROCESS, "realtime": _PROCESS | _REALTIME}[variant]
    needed = {"": 0, "process": _PROCESS, "realtime": _REALTIME}[variant]
    base = {"G0": _WW, "G1c": _WW | _WR}.get(anomaly, _WW | _WR | _RW)
    first = {"G0": EdgeType.WW, "G1c": EdgeType.WR}.get(anomaly, EdgeType.RW)
    return Shape(name=anomaly if not variant else f"{anomaly}-{variant}", anomaly=anomaly,
                 first=first, allowed=base | extra, needed=needed)


SHAPES: tuple[Shape, ...] = tuple(
    _shape(a, v) for v in ("", "process", "realtime")
    for a in ("G0", "G1c", "G-single", "G-nonadjacent", "G2-item"))
"""Every searched shape, most specific first within each variant."""


def cycle_through(adj: Adjacency, edge: tuple[int, int, EdgeType], shape: Shape,
                  deadline: Deadline) -> Cycle | None:
    """The shortest cycle starting with ``edge`` (``a -t0-> b``) that ``shape`` accepts, or
    None (also when the deadline passes)."""
    a, b, t0 = edge
    s0 = shape.start(int(t0))
    allowed_mask = shape.allowed
    step, accept = shape.step, shape.accept
    parents: dict[tuple[int, int], tuple[int, int, int] | None] = {(b, s0): None}
    queue: deque[tuple[int, int]] = deque([(b, s0)])
    steps = 0
    while queue:
        node, state = queue.popleft()
        steps += 1
        if steps & 1023 == 0:
            if deadline.steps is not None:
                deadline.steps -= 1024
                if deadline.steps <= 0:
                    return None
            if deadline.passed():
                return None
        for nxt, mask in adj.get(node, ()):
            allowed = mask & allowed_mask
            if not allowed:
                continue
            for t in _BITS[allowed]:
                ns = step(state, t)
                if ns < 0:
                    continue
                if nxt == a:
                    if accept(ns):
                        path = [(node, t)]
                        cur: tuple[int, int] = (node, state)
                        while (p := parents[cur]) is not None:
                            path.append((p[0], p[2]))
                            cur = (p[0], p[1])
                        path.reverse()
                        nodes = (a, *(n for n, _ in path))
                        types = (t0, *(EdgeType(tt) for _, tt in path))
                        return Cycle(nodes=nodes, types=types)
                    continue
                key = (nxt, ns)
                if key not in parents:
                    parents[key] = (node, state, t)
                    queue.append(key)
    return None


__all__ = [
    "ALL_TYPES", "DEPENDENCIES", "LEVELS", "SHAPES", "Adjacency", "Cycle", "Deadline", "EdgeType",
    "Edges", "LevelComponents", "Shape", "adjacency", "classify", "components_by_level",
    "cycle_through",
]
