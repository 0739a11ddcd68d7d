"""Process and real-time order between transactions (Kingsbury and Alvaro, VLDB 2020, 4.3).

Real-time edges are kept few: when a transaction is invoked it gets an edge from each completed
transaction on the current frontier (those not yet followed by another completed one), and when
it completes it replaces on the frontier the transactions it followed. Every real-time
precedence is a path of these edges. Failed transactions take no part (they never happened).
"""

from __future__ import annotations

from collections.abc import Sequence

from checkers.elle._graph import Edges, EdgeType
from checkers.elle._txn import Status, Txn


def add_process_edges(txns: Sequence[Txn], edges: Edges) -> None:
    """``process`` edges between consecutive non-failed transactions of each process."""
    last: dict[int, int] = {}
    for t in txns:
        if t.status is Status.FAIL:
            continue
        prev = last.get(t.process)
        if prev is not None:
            edges.add(EdgeType.PROCESS, prev, t.id)
        last[t.process] = t.id


def add_realtime_edges(txns: Sequence[Txn], edges: Edges) -> None:
    """``realtime`` edges: ``a -> b`` when ``a`` completed before ``b`` was invoked (reduced)."""
    events: list[tuple[int, int, int]] = []  # (position, 0 invoke / 1 complete, txn id)
    for t in txns:
        if t.status is Status.FAIL:
            continue
        events.append((t.call, 0, t.id))
        if t.status is Status.OK and t.ret is not None:
            events.append((t.ret, 1, t.id))
    events.sort()
    frontier: set[int] = set()
    seen_at_invoke: dict[int, tuple[int, ...]] = {}
    src, dst = edges.src[EdgeType.REALTIME], edges.dst[EdgeType.REALTIME]
    for _, kind, tid in events:
        if kind == 0:
            before = tuple(frontier)
            seen_at_invoke[tid] = before
            for a in before:
                src.append(a)
                dst.append(tid)
        else:
            frontier.difference_update(seen_at_invoke.pop(tid, ()))
            frontier.add(tid)


__all__ = ["add_process_edges", "add_realtime_edges"]
