"""Simulated set runs shaped like a primary/replica store under partitions (for tests and bench).

Clients on ``nodes`` nodes add unique elements and read their node's replica. During each
partition window the nodes ``0 .. minority-1`` are cut off with the old primary: the adds of
clients on those nodes are acknowledged there and lost at the heal (scattered among the elements,
as in a Redis Sentinel failover); adds on the majority side are seen by the minority only after
the heal; some adds fail or time out. Replicas lag the primary by a fixed delay per node. Read
results are written as plain lists (``compact=False``, the old format) or as the set workload
writes them (ranges, or the difference from the client's previous read).
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

import numpy as np

from harness.kernel.history import History
from harness.kernel.intranges import encode_delta, encode_ints
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import NEMESIS, Op, OpType

MS = 1_000_000


@dataclass(frozen=True, kw_only=True, slots=True)
class Shape:
    operations: int
    concurrency: int = 10
    nodes: int = 5
    minority: int = 2
    read_fraction: float = 0.2
    windows: int = 4
    partitioned: float = 0.5
    """Share of the run's time under partition."""
    fail_rate: float = 0.3
    """Share of adds that fail or time out under partition (outside it: 1%)."""
    seed: int = 1


def simulate(shape: Shape, *, compact: bool) -> History:
    """A set history of about ``shape.operations`` operations (see the module docstring)."""
    rng = random.Random(shape.seed)
    mean_gap = 40 * MS
    run_ns = int(shape.operations / shape.concurrency * (mean_gap + 3 * MS))
    win_len = int(run_ns * shape.partitioned / max(shape.windows, 1))
    starts = [int(run_ns * (i + 0.5) / max(shape.windows, 1)) - win_len // 2
              for i in range(shape.windows)]
    windows = [(s, s + win_len) for s in starts]
    lag = [0 if n == 0 else n * MS for n in range(shape.nodes)]

    def window_at(t: int) -> int:
        for i, (s, e) in enumerate(windows):
            if s <= t < e:
                return i
        return -1

    # Per element: when it appears on each node and when (if ever) it disappears.
    appear: list[list[int]] = [[] for _ in range(shape.nodes)]
    gone: list[list[int]] = [[] for _ in range(shape.nodes)]
    never = 1 << 62
    events: list[tuple[int, int, Op]] = []  # (time, order, op) before numbering
    order = 0
    heap = [(rng.randrange(mean_gap), p) for p in range(shape.concurrency)]
    process_of = list(range(shape.concurrency))
    next_element = 0
    reads: list[tuple[int, int, int, int]] = []  # (event order of completion, node, time, thread)
    done = 0
    while done < shape.operations:
        t, thread = heapq.heappop(heap)
        node = thread % shape.nodes
        process = process_of[thread]
        duration = rng.randrange(1 * MS, 5 * MS)
        w = window_at(t)
        minority_side = w >= 0 and node < shape.minority
        if rng.random() < shape.read_fraction:
            events.append((t, order, Op(index=0, time=t, type=OpType.INVOKE, process=process,
                                        f="read", node=node_name(node))))
            order += 1
            reads.append((order, node, t + duration // 2, thread))
            events.append((t + duration, order, Op(index=0, time=t + duration, type=OpType.OK,
                                                   process=process, f="read",
                                                   node=node_name(node))))
            order += 1
        else:
            e = next_element
            next_element += 1
            events.append((t, order, Op(index=0, time=t, type=OpType.INVOKE, process=process,
                                        f="add", value=e, node=node_name(node))))
            order += 1
            fail_p = shape.fail_rate if w >= 0 else 0.01
            roll = rng.random()
            ack = t + duration
            if roll < fail_p / 2:
                kind = OpType.FAIL
            elif roll < fail_p:
                kind = OpType.INFO
                process_of[thread] += shape.concurrency
            else:
                kind = OpType.OK
            applied = kind is OpType.OK
            for n in range(shape.nodes):
                a, g = never, never
                if applied and w < 0:
                    a = ack + lag[n]
                elif applied and minority_side:
                    a, g = (ack + lag[n], windows[w][1]) if n < shape.minority else (never, never)
                elif applied:
                    a = ack + lag[n] if n >= shape.minority else windows[w][1] + lag[n]
                appear[n].append(a)
                gone[n].append(g)
            events.append((ack, order, Op(index=0, time=ack, type=kind, process=process,
                                          f="add", value=e, node=node_name(node),
                                          error=None if applied else "timeout")))
            order += 1
        done += 1
        heapq.heappush(heap, (t + duration + rng.randrange(2 * mean_gap), thread))
    end = max(t for t, _, _ in events) + 100 * MS
    for s, e in windows:
        events.append((s, order, Op(index=0, time=s, type=OpType.INFO, process=NEMESIS,
                                    f="start-partition", value=None)))
        events.append((e, order + 1, Op(index=0, time=e, type=OpType.INFO, process=NEMESIS,
                                        f="stop-partition", value=None)))
        order += 2
    finals: list[tuple[int, int, int, int]] = []
    for n in range(shape.nodes):
        t = end + n * MS
        process = process_of[n] + 10 * shape.concurrency
        events.append((t, order, Op(index=0, time=t, type=OpType.INVOKE, process=process,
                                    f="final-read", node=node_name(n))))
        order += 1
        finals.append((order, n, t, n))
        events.append((t + MS, order, Op(index=0, time=t + MS, type=OpType.OK, process=process,
                                         f="final-read", node=node_name(n))))
        order += 1
    return _number(events, appear, gone, reads + finals, compact=compact)


def node_name(n: int) -> str:
    return f"n{n + 1}"


def _number(events: list[tuple[int, int, Op]], appear: list[list[int]], gone: list[list[int]],
            reads: list[tuple[int, int, int, int]], *, compact: bool) -> History:
    events.sort(key=lambda x: (x[0], x[1]))
    position = {o: i for i, (_, o, _) in enumerate(events)}
    a = [np.array(x, dtype=np.int64) for x in appear]
    g = [np.array(x, dtype=np.int64) for x in gone]
    by_a = [np.argsort(x, kind="stable") for x in a]
    a_sorted = [x[o] for x, o in zip(a, by_a, strict=True)]
    by_g = [np.argsort(x, kind="stable") for x in g]
    g_sorted = [x[o] for x, o in zip(g, by_g, strict=True)]
    values: dict[int, JSON] = {}
    previous: dict[int, tuple[int, int]] = {}  # thread -> (invocation position, time)
    for completion, node, t, thread in sorted(reads, key=lambda r: position[r[0]]):
        pos = position[completion]
        call_pos = pos - 1
        while events[call_pos][2].type is not OpType.INVOKE or events[call_pos][2].process \
                != events[pos][2].process:
            call_pos -= 1
        if compact and thread in previous:
            base, before = previous[thread]
            added = by_a[node][np.searchsorted(a_sorted[node], before, "right"):
                               np.searchsorted(a_sorted[node], t, "right")]
            added = added[g[node][added] > t]
            removed = by_g[node][np.searchsorted(g_sorted[node], before, "right"):
                                 np.searchsorted(g_sorted[node], t, "right")]
            removed = removed[a[node][removed] <= before]
            values[pos] = encode_delta(base, added.tolist(), removed.tolist())
        else:
            now = np.flatnonzero((a[node] <= t) & (g[node] > t))
            if compact:
                values[pos] = encode_ints(now.tolist())
            else:
                values[pos] = now.tolist()
        previous[thread] = (call_pos, t)
    ops: list[Op] = []
    for i, (_, _, op) in enumerate(events):
        value = values.get(i, op.value)
        ops.append(Op(index=i, time=op.time, type=op.type, process=op.process, f=op.f,
                      value=value, node=op.node, error=op.error))
    return History(tuple(ops))


__all__ = ["Shape", "simulate"]
