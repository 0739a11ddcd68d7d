"""Elle's inference for list-append histories (Kingsbury and Alvaro, VLDB 2020, section 4).

Every appended value is unique per key, and a read returns the whole list, so:

- the longest read of each key gives its version order; every other read must be a prefix of it
  (else ``incompatible-order``), with no element twice (else ``duplicate-elements``);
- consecutive elements by different writers give ``ww`` edges; a read ending in element ``v``
  gives a ``wr`` edge from v's writer; a read of length ``n`` gives an ``rw`` edge to the writer
  of element ``n`` of the version order (the first write it missed);
- a read seeing a failed transaction's element is ``G1a``; one ending in an element its writer
  later followed with another append to the key is ``G1b``; a committed element after a failed
  one in the version order is ``dirty-update``; a read contradicting its own transaction's
  earlier reads and appends is ``internal``; an element nobody appended is ``garbage-read``.

A committed append that no read observed has no known position, but it must come after every
observed element (lists only grow): it gets a ``ww`` edge from the writer of the last observed
element and an ``rw`` edge from each read that saw the whole observed list. Unobserved appends
of indeterminate (info) transactions may never have happened and give no edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from checkers.elle._findings import Finding
from checkers.elle._graph import Edges, EdgeType
from checkers.elle._txn import Key, Status, Txn, Value
from harness.errors import HistoryFormatError
from harness.jsontypes import JSON


def _v(value: JSON) -> Value:
    return value if isinstance(value, str | int | float | bool) else None


@dataclass(slots=True)
class ListAppendInference:
    """Everything inferred from a list-append history."""

    txns: Sequence[Txn]
    edges: Edges
    findings: list[Finding] = field(default_factory=list)
    writer: dict[tuple[Key, Value], int] = field(default_factory=dict)
    versions: dict[Key, list[Value]] = field(default_factory=dict)
    position: dict[tuple[Key, Value], int] = field(default_factory=dict)
    unusable_keys: set[Key] = field(default_factory=set)

    def why(self, a: int, b: int, t: EdgeType) -> str:
        """The micro-ops that justify the dependency edge ``a -t-> b``."""
        ta, tb = self.txns[a], self.txns[b]
        if t is EdgeType.WW:
            for m in ta.mops:
                if m.f != "append":
                    continue
                p = self.position.get((m.key, _v(m.value)))
                vs = self.versions.get(m.key)
                if p is not None and vs is not None and p + 1 < len(vs) \
                        and self.writer.get((m.key, vs[p + 1])) == b:
                    return (f"T{a} appended {m.value!r} to key {m.key!r}, T{b} appended "
                            f"{vs[p + 1]!r} right after it")
        if t is EdgeType.WR:
            for m in tb.mops:
                if m.f == "r" and isinstance(m.value, list) and m.value \
                        and self.writer.get((m.key, _v(m.value[-1]))) == a:
                    return (f"T{b} read key {m.key!r} = {m.value!r}, whose last element "
                            f"T{a} appended")
        if t is EdgeType.RW:
            for m in ta.mops:
                if m.f == "r" and isinstance(m.value, list):
                    vs = self.versions.get(m.key, [])
                    n = len(m.value)
                    if n < len(vs) and self.writer.get((m.key, vs[n])) == b:
                        return (f"T{a} read key {m.key!r} = {m.value!r}, which misses "
                                f"{vs[n]!r} appended by T{b}")
        for m in tb.mops:
            if m.f == "append" and (m.key, _v(m.value)) not in self.position:
                if t is EdgeType.WW:
                    return (f"T{b} appended {m.value!r} to key {m.key!r}, never read, so after "
                            f"the last element read (appended by T{a})")
                if t is EdgeType.RW:
                    return (f"T{a} read all of key {m.key!r} that was ever read, without "
                            f"{m.value!r} appended by T{b} (never read, so later)")
        return f"{t.label} from T{a} to T{b}"


def _bad_unique(txns: Sequence[Txn], pair: tuple[int, int], key: Key,
                value: Value, source: str | None) -> HistoryFormatError:
    first, second = pair
    return HistoryFormatError(
        f"value {value!r} is appended to key {key!r} twice (transactions at history positions "
        f"{txns[first].call} and {txns[second].call}); list-append needs unique values",
        file=source, field="value")


def infer(txns: Sequence[Txn], source: str | None = None) -> ListAppendInference:
    """Infer dependency edges and non-cycle anomalies.

    Raises :class:`HistoryFormatError` when a value is appended twice to the same key (the
    inference needs unique appends).
    """
    inf = ListAppendInference(txns=txns, edges=Edges(n=len(txns)))
    writer = inf.writer
    final_append: dict[tuple[int, Key], Value] = {}
    reads: dict[Key, list[tuple[int, list[Value]]]] = {}
    external: list[tuple[int, Key, list[Value]]] = []
    for t in txns:
        own: dict[Key, list[Value]] = {}
        known: dict[Key, list[Value]] = {}
        for m in t.mops:
            k = m.key
            if m.f == "append":
                v: Value = m.value  # type: ignore[assignment]
                prev = writer.get((k, v))
                if prev is not None:
                    raise _bad_unique(txns, (prev, t.id), k, v, source)
                writer[(k, v)] = t.id
                final_append[(t.id, k)] = v
                own.setdefault(k, []).append(v)
                if k in known:
                    known[k].append(v)
                continue
            if t.status is not Status.OK:
                continue
            value = m.value
            if not isinstance(value, list):
                value = [] if value is None else [value]
            lst: list[Value] = value  # type: ignore[assignment]
            if k in known:
                if lst != known[k]:
                    inf.findings.append(Finding(
                        name="internal", txns=(t.id,),
                        description=f"T{t.id} read key {k!r} = {lst!r} after its own reads "
                                    f"and appends implied {known[k]!r}"))
            elif k in own and lst[-len(own[k]):] != own[k]:
                inf.findings.append(Finding(
                    name="internal", txns=(t.id,),
                    description=f"T{t.id} read key {k!r} = {lst!r} after appending "
                                f"{own[k]!r} to it"))
            elif k not in own:
                external.append((t.id, k, lst))
            known[k] = list(lst)
            reads.setdefault(k, []).append((t.id, lst))
    _versions(inf, reads)
    _read_anomalies(inf, external, final_append)
    _ww(inf)
    _wr_rw(inf, external)
    _unobserved(inf, external)
    return inf


def _versions(inf: ListAppendInference, reads: dict[Key, list[tuple[int, list[Value]]]]) -> None:
    for k, rs in reads.items():
        longest_tid, longest = max(rs, key=lambda r: len(r[1]))
        bad = False
        if len(set(longest)) != len(longest):
            dup = next(v for v in longest if longest.count(v) > 1)
            inf.findings.append(Finding(
                name="duplicate-elements", txns=(longest_tid,),
                description=f"T{longest_tid} read key {k!r} = {longest!r}: {dup!r} twice"))
            bad = True
        for tid, lst in rs:
            if lst != longest[:len(lst)]:
                inf.findings.append(Finding(
                    name="incompatible-order", txns=(tid, longest_tid),
                    description=f"key {k!r}: T{tid} read {lst!r}, T{longest_tid} read "
                                f"{longest!r}; neither is a prefix of the other"))
                bad = True
                break
        if bad:
            inf.unusable_keys.add(k)
            continue
        inf.versions[k] = longest
        for i, v in enumerate(longest):
            inf.position[(k, v)] = i


def _read_anomalies(inf: ListAppendInference, external: list[tuple[int, Key, list[Value]]],
                    final_append: dict[tuple[int, Key], Value]) -> None:
    txns, writer = inf.txns, inf.writer
    for tid, k, lst in external:
        for v in lst:
            w = writer.get((k, v))
            if w is None:
                inf.findings.append(Finding(
                    name="garbage-read", txns=(tid,),
                    description=f"T{tid} read key {k!r} = {lst!r}: nobody appended {v!r}"))
            elif txns[w].status is Status.FAIL:
                inf.findings.append(Finding(
                    name="G1a", txns=(w, tid),
                    description=f"T{tid} read key {k!r} = {lst!r}, including {v!r} appended "
                                f"by T{w}, which failed"))
        if lst:
            w = writer.get((k, lst[-1]))
            if w is not None and w != tid and final_append.get((w, k)) != lst[-1]:
                inf.findings.append(Finding(
                    name="G1b", txns=(w, tid),
                    description=f"T{tid} read key {k!r} = {lst!r}, ending in {lst[-1]!r}, "
                                f"an intermediate append of T{w} (its last was "
                                f"{final_append.get((w, k))!r})"))
    for k, vs in inf.versions.items():
        aborted: tuple[Value, int] | None = None
        for v in vs:
            w = writer.get((k, v))
            if w is None:
                continue
            if txns[w].status is Status.FAIL:
                aborted = aborted or (v, w)
            elif aborted is not None:
                inf.findings.append(Finding(
                    name="dirty-update", txns=(aborted[1], w),
                    description=f"key {k!r}: T{w} appended {v!r} after {aborted[0]!r} of "
                                f"T{aborted[1]}, which failed"))
                break


def _ww(inf: ListAppendInference) -> None:
    txns, writer, edges = inf.txns, inf.writer, inf.edges
    for k, vs in inf.versions.items():
        prev = -1
        for v in vs:
            w = writer.get((k, v))
            if w is None or txns[w].status is Status.FAIL:
                continue
            if prev >= 0 and prev != w:
                edges.add(EdgeType.WW, prev, w)
            prev = w


def _wr_rw(inf: ListAppendInference, external: list[tuple[int, Key, list[Value]]]) -> None:
    txns, writer, edges = inf.txns, inf.writer, inf.edges
    for tid, k, lst in external:
        vs = inf.versions.get(k)
        if vs is None:
            continue
        if lst:
            w = writer.get((k, lst[-1]))
            if w is not None and txns[w].status is not Status.FAIL:
                edges.add(EdgeType.WR, w, tid)
        n = len(lst)
        if n < len(vs):
            w = writer.get((k, vs[n]))
            if w is not None and txns[w].status is not Status.FAIL:
                edges.add(EdgeType.RW, tid, w)


def _unobserved(inf: ListAppendInference, external: list[tuple[int, Key, list[Value]]]) -> None:
    txns, writer, edges = inf.txns, inf.writer, inf.edges
    late: dict[Key, set[int]] = {}
    for (k, v), w in writer.items():
        if txns[w].status is Status.OK and (k, v) not in inf.position \
                and k not in inf.unusable_keys:
            late.setdefault(k, set()).add(w)
    for k, ws in late.items():
        vs = inf.versions.get(k, [])
        if vs:
            last = writer.get((k, vs[-1]))
            if last is not None and txns[last].status is not Status.FAIL:
                for w in ws:
                    edges.add(EdgeType.WW, last, w)
    for tid, k, lst in external:
        ws = late.get(k, set())
        if ws and len(lst) == len(inf.versions.get(k, ())):
            for w in ws:
                edges.add(EdgeType.RW, tid, w)


def describe_mops(txn: Txn) -> JSON:
    """A transaction's micro-ops as JSON ``[[f, k, v], ...]``."""
    return [[m.f, m.key, m.value] for m in txn.mops]


__all__ = ["ListAppendInference", "describe_mops", "infer"]
