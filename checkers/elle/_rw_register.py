"""Inference for rw-register histories (Kingsbury and Alvaro, VLDB 2020, section 4.2).

Registers hold one value, so a read shows only the last write it saw, not the history behind
it. With unique written values per key (every value is written at most once):

- a read of ``v`` gives a ``wr`` edge from v's writer; a read of nil saw the initial state;
- the version order is known only partly: the initial state comes before every write (a read
  of nil gives ``rw`` edges to every committed writer of the key), and a transaction that read
  ``v`` and then wrote the key ordered its write after ``v`` (``ww`` from v's writer, ``rw``
  from v's other readers);
- a read of a failed transaction's value is ``G1a``; of a value its writer overwrote in the
  same transaction ``G1b``; of a value nobody wrote ``garbage-read``; a read that disagrees with
  its own transaction's earlier reads or writes ``internal``; two committed transactions that
  read the same value of a key and both wrote it ``lost-update`` (found directly, as Elle does,
  since the version order that would show it as a cycle is mostly invisible here); a read of a
  value its own transaction writes only later ``future-read``.

What this cannot infer is listed in :data:`CANNOT_INFER` and reported with every result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from checkers.elle._findings import Finding
from checkers.elle._future_read import future_reads
from checkers.elle._graph import Edges, EdgeType
from checkers.elle._lost_update import lost_updates
from checkers.elle._txn import Key, Status, Txn, Value
from harness.kernel.errors import HistoryFormatError

CANNOT_INFER = (
    "the order of two writes to a key, unless a transaction read one and then wrote the key "
    "(so most ww edges, and rw edges to later writers, are invisible: many G0 and G-single "
    "cycles can go unseen; lost updates are found directly)",
    "writes that no read observed (they give no edges except from reads of the initial nil)",
    "real-time version orders (keys are not assumed linearizable)",
)
"""Reported with every rw-register result: the limits of its inference."""


@dataclass(slots=True)
class RwRegisterInference:
    """Everything inferred from an rw-register history."""

    txns: Sequence[Txn]
    edges: Edges
    findings: list[Finding] = field(default_factory=list)
    writer: dict[tuple[Key, Value], int] = field(default_factory=dict)

    def why(self, a: int, b: int, t: EdgeType) -> str:
        """The micro-ops that justify the dependency edge ``a -t-> b``."""
        ta, tb = self.txns[a], self.txns[b]
        if t is EdgeType.WR:
            for m in tb.mops:
                if m.f == "r" and m.value is not None \
                        and self.writer.get((m.key, _scalar(m.value))) == a:
                    return f"T{b} read key {m.key!r} = {m.value!r}, written by T{a}"
        if t is EdgeType.RW:
            for m in ta.mops:
                if m.f == "r" and m.value is None and any(
                        w.f == "w" and w.key == m.key for w in tb.mops):
                    return (f"T{a} read key {m.key!r} = nil (initial), which T{b}'s write "
                            f"overwrote")
            for m in tb.mops:
                if m.f == "r":
                    for r in ta.mops:
                        if r.f == "r" and r.key == m.key and r.value == m.value:
                            return (f"T{a} read key {m.key!r} = {m.value!r}; T{b} read it "
                                    f"too and then wrote the key")
        if t is EdgeType.WW:
            for m in tb.mops:
                if m.f == "r" and self.writer.get((m.key, _scalar(m.value))) == a:
                    return (f"T{b} read key {m.key!r} = {m.value!r} (written by T{a}) and then "
                            f"wrote the key")
        return f"{t.label} from T{a} to T{b}"


def _scalar(v: object) -> Value:
    return v if isinstance(v, str | int | float | bool) else None


def infer(txns: Sequence[Txn], source: str | None = None) -> RwRegisterInference:
    """Infer edges and non-cycle anomalies. Raises :class:`HistoryFormatError` when a value is
    written twice to a key."""
    inf = RwRegisterInference(txns=txns, edges=Edges(n=len(txns)))
    writer, edges = inf.writer, inf.edges
    final_write: dict[tuple[int, Key], Value] = {}
    external: list[tuple[int, Key, Value]] = []
    read_then_write: list[tuple[int, Key, Value]] = []
    writers_of: dict[Key, list[int]] = {}
    for t in txns:
        known: dict[Key, Value] = {}
        wrote: set[Key] = set()
        first_read: dict[Key, Value] = {}
        for m in t.mops:
            k = m.key
            if m.f == "w":
                v = _scalar(m.value)
                prev = writer.get((k, v))
                if prev is not None:
                    raise HistoryFormatError(
                        f"value {v!r} is written to key {k!r} twice (transactions at history "
                        f"positions {txns[prev].call} and {t.call}); rw-register needs unique "
                        f"written values", file=source, field="value")
                writer[(k, v)] = t.id
                final_write[(t.id, k)] = v
                if k in first_read and k not in wrote:
                    read_then_write.append((t.id, k, first_read[k]))
                if t.status is not Status.FAIL and k not in wrote:
                    writers_of.setdefault(k, []).append(t.id)
                wrote.add(k)
                known[k] = v
                continue
            if t.status is not Status.OK:
                continue
            v = _scalar(m.value)
            if k in known:
                if v != known[k] or type(v) is not type(known[k]):
                    inf.findings.append(Finding(
                        name="internal", txns=(t.id,),
                        description=f"T{t.id} read key {k!r} = {v!r}, but its own earlier "
                                    f"reads and writes imply {known[k]!r}"))
                continue
            known[k] = v
            first_read[k] = v
            external.append((t.id, k, v))
    readers: dict[tuple[Key, Value], list[int]] = {}
    for tid, k, v in external:
        readers.setdefault((k, v), []).append(tid)
        if v is None:
            for w in writers_of.get(k, ()):
                edges.add(EdgeType.RW, tid, w)
            continue
        found = writer.get((k, v))
        if found is None:
            inf.findings.append(Finding(name="garbage-read", txns=(tid,),
                                        description=f"T{tid} read key {k!r} = {v!r}, which "
                                                    f"nobody wrote"))
            continue
        w = found
        if txns[w].status is Status.FAIL:
            inf.findings.append(Finding(name="G1a", txns=(w, tid),
                                        description=f"T{tid} read key {k!r} = {v!r}, written "
                                                    f"by T{w}, which failed"))
            continue
        if w != tid and final_write.get((w, k)) != v:
            inf.findings.append(Finding(
                name="G1b", txns=(w, tid),
                description=f"T{tid} read key {k!r} = {v!r}, an intermediate write of T{w} "
                            f"(its last was {final_write.get((w, k))!r})"))
        edges.add(EdgeType.WR, w, tid)
    for tid, k, v in read_then_write:
        if txns[tid].status is Status.FAIL:
            continue
        if v is not None:
            source_w = writer.get((k, v))
            if source_w is not None and txns[source_w].status is not Status.FAIL:
                edges.add(EdgeType.WW, source_w, tid)
            for r in readers.get((k, v), ()):
                edges.add(EdgeType.RW, r, tid)
    inf.findings.extend(lost_updates(txns, write="w"))
    inf.findings.extend(future_reads(txns, write="w", list_reads=False))
    return inf


__all__ = ["CANNOT_INFER", "RwRegisterInference", "infer"]
