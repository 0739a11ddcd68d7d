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
  earlier reads and appends is ``internal``; an element nobody appended is ``garbage-read``;
  two committed transactions that read the same version of a key and both appended to it are a
  ``lost-update`` (:mod:`checkers.elle._lost_update`); a read of an element its own transaction
  appends only later is a ``future-read`` (:mod:`checkers.elle._future_read`).

A committed append that no read observed has no known position, but it must come after every
observed element (lists only grow): it gets a ``ww`` edge from the writer of the last observed
element and an ``rw`` edge from each read that saw the whole observed list. Unobserved appends
of indeterminate (info) transactions may never have happened and give no edges.
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
from harness.kernel.jsontypes import JSON


def _v(value: JSON) -> Value:
    return value if isinstance(value, str | int | float | bool) else None


@dataclass(slots=True)
class ListAppendInference:
    """Everything inferred from a list-append history. Per key: ``writer[k][v]`` is the
    transaction that appended ``v``; ``versions[k]`` the version order (longest read) and
    ``writers[k]`` the writer of each of its elements (-1 if nobody appended it)."""

    txns: Sequence[Txn]
    edges: Edges
    findings: list[Finding] = field(default_factory=list)
    writer: dict[Key, dict[Value, int]] = field(default_factory=dict)
    versions: dict[Key, list[Value]] = field(default_factory=dict)
    writers: dict[Key, list[int]] = field(default_factory=dict)
    position: dict[Key, dict[Value, int]] = field(default_factory=dict)
    unusable_keys: set[Key] = field(default_factory=set)

    def _writer(self, k: Key, v: JSON) -> int | None:
        return self.writer.get(k, {}).get(_v(v))

    def why(self, a: int, b: int, t: EdgeType) -> str:
        """The micro-ops that justify the dependency edge ``a -t-> b``."""
        ta, tb = self.txns[a], self.txns[b]
        if t is EdgeType.WW:
            for m in ta.mops:
                if m.f != "append":
                    continue
                p = self.position.get(m.key, {}).get(_v(m.value))
                vs = self.versions.get(m.key)
                if p is not None and vs is not None and p + 1 < len(vs) \
                        and self._writer(m.key, vs[p + 1]) == b:
                    return (f"T{a} appended {m.value!r} to key {m.key!r}, T{b} appended "
                            f"{vs[p + 1]!r} right after it")
        if t is EdgeType.WR:
            for m in tb.mops:
                if m.f == "r" and isinstance(m.value, list) and m.value \
                        and self._writer(m.key, m.value[-1]) == a:
                    return (f"T{b} read key {m.key!r} = {m.value!r}, whose last element "
                            f"T{a} appended")
        if t is EdgeType.RW:
            for m in ta.mops:
                if m.f == "r" and (m.value is None or isinstance(m.value, list)):
                    vs = self.versions.get(m.key, [])
                    n = len(m.value or [])
                    if n < len(vs) and self._writer(m.key, vs[n]) == b:
                        return (f"T{a} read key {m.key!r} = {m.value or []!r}, which misses "
                                f"{vs[n]!r} appended by T{b}")
        for m in tb.mops:
            if m.f == "append" and _v(m.value) not in self.position.get(m.key, {}):
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


External = list[tuple[int, Key, list[Value]]]


def infer(txns: Sequence[Txn], source: str | None = None) -> ListAppendInference:
    """Infer dependency edges and non-cycle anomalies.

    Raises :class:`HistoryFormatError` when a value is appended twice to the same key (the
    inference needs unique appends).
    """
    inf = ListAppendInference(txns=txns, edges=Edges(n=len(txns)))
    writer = inf.writer
    final_append: dict[tuple[int, Key], Value] = {}
    reads: dict[Key, list[tuple[int, list[Value]]]] = {}
    external: External = []
    ok = Status.OK
    for t in txns:
        own: dict[Key, list[Value]] = {}
        known: dict[Key, list[Value]] = {}
        tid = t.id
        for f, k, value in t.mops:
            if f == "append":
                v: Value = value  # type: ignore[assignment]
                wk = writer.get(k)
                if wk is None:
                    wk = writer[k] = {}
                prev = wk.get(v)
                if prev is not None:
                    raise _bad_unique(txns, (prev, tid), k, v, source)
                wk[v] = tid
                final_append[(tid, k)] = v
                own.setdefault(k, []).append(v)
                if k in known:
                    known[k].append(v)
                continue
            if t.status is not ok:
                continue
            lst: list[Value] = value if isinstance(value, list) else []  # type: ignore[assignment]
            if k in known:
                if lst != known[k]:
                    inf.findings.append(Finding(
                        name="internal", txns=(tid,),
                        description=f"T{tid} read key {k!r} = {lst!r} after its own reads "
                                    f"and appends implied {known[k]!r}"))
            elif k in own:
                if lst[-len(own[k]):] != own[k]:
                    inf.findings.append(Finding(
                        name="internal", txns=(tid,),
                        description=f"T{tid} read key {k!r} = {lst!r} after appending "
                                    f"{own[k]!r} to it"))
            else:
                external.append((tid, k, lst))
            known[k] = list(lst)
            rk = reads.get(k)
            if rk is None:
                reads[k] = [(tid, lst)]
            else:
                rk.append((tid, lst))
    _versions(inf, reads)
    _read_anomalies(inf, external, final_append)
    _ww(inf)
    _wr_rw(inf, external)
    _unobserved(inf, external)
    inf.findings.extend(lost_updates(txns, write="append"))
    inf.findings.extend(future_reads(txns, write="append", list_reads=True))
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
        wk = inf.writer.get(k, {})
        inf.versions[k] = longest
        inf.writers[k] = [wk.get(v, -1) for v in longest]
        inf.position[k] = {v: i for i, v in enumerate(longest)}


def _bad_element(inf: ListAppendInference, read: tuple[int, Key, list[Value]],
                 v: Value, w: int) -> None:
    tid, k, lst = read
    if w < 0:
        inf.findings.append(Finding(
            name="garbage-read", txns=(tid,),
            description=f"T{tid} read key {k!r} = {lst!r}: nobody appended {v!r}"))
    else:
        inf.findings.append(Finding(
            name="G1a", txns=(w, tid),
            description=f"T{tid} read key {k!r} = {lst!r}, including {v!r} appended "
                        f"by T{w}, which failed"))


def _read_anomalies(inf: ListAppendInference, external: External,
                    final_append: dict[tuple[int, Key], Value]) -> None:
    txns = inf.txns
    fail = Status.FAIL
    first_bad: dict[Key, int] = {}
    for k, ws in inf.writers.items():
        for i, w in enumerate(ws):
            if w < 0 or txns[w].status is fail:
                first_bad[k] = i
                break
    for tid, k, lst in external:
        key_writers = inf.writers.get(k)
        if key_writers is None:  # unusable key: check element by element
            wk = inf.writer.get(k, {})
            for v in lst:
                w = wk.get(v, -1)
                if w < 0 or txns[w].status is fail:
                    _bad_element(inf, (tid, k, lst), v, w)
            continue
        ws = key_writers
        n = len(lst)
        if n == 0:
            continue
        bad = first_bad.get(k)
        if bad is not None and bad < n:
            for i in range(bad, n):
                w = ws[i]
                if w < 0 or txns[w].status is fail:
                    _bad_element(inf, (tid, k, lst), lst[i], w)
        w = ws[n - 1]
        if w >= 0 and w != tid and final_append.get((w, k)) != lst[-1]:
            inf.findings.append(Finding(
                name="G1b", txns=(w, tid),
                description=f"T{tid} read key {k!r} = {lst!r}, ending in {lst[-1]!r}, "
                            f"an intermediate append of T{w} (its last was "
                            f"{final_append.get((w, k))!r})"))
    for k, ws in inf.writers.items():
        if k not in first_bad:
            continue
        vs = inf.versions[k]
        aborted: tuple[Value, int] | None = None
        for v, w in zip(vs, ws, strict=True):
            if w < 0:
                continue
            if txns[w].status is fail:
                aborted = aborted or (v, w)
            elif aborted is not None:
                inf.findings.append(Finding(
                    name="dirty-update", txns=(aborted[1], w),
                    description=f"key {k!r}: T{w} appended {v!r} after {aborted[0]!r} of "
                                f"T{aborted[1]}, which failed"))
                break


def _ww(inf: ListAppendInference) -> None:
    txns, edges = inf.txns, inf.edges
    src, dst = edges.src[EdgeType.WW], edges.dst[EdgeType.WW]
    fail = Status.FAIL
    for ws in inf.writers.values():
        prev = -1
        for w in ws:
            if w < 0 or txns[w].status is fail:
                continue
            if prev >= 0 and prev != w:
                src.append(prev)
                dst.append(w)
            prev = w


def _wr_rw(inf: ListAppendInference, external: External) -> None:
    txns, edges = inf.txns, inf.edges
    fail = Status.FAIL
    wr_src, wr_dst = edges.src[EdgeType.WR], edges.dst[EdgeType.WR]
    rw_src, rw_dst = edges.src[EdgeType.RW], edges.dst[EdgeType.RW]
    writers = inf.writers
    for tid, k, lst in external:
        ws = writers.get(k)
        if ws is None:
            continue
        n = len(lst)
        if n:
            w = ws[n - 1]
            if w >= 0 and w != tid and txns[w].status is not fail:
                wr_src.append(w)
                wr_dst.append(tid)
        if n < len(ws):
            w = ws[n]
            if w >= 0 and w != tid and txns[w].status is not fail:
                rw_src.append(tid)
                rw_dst.append(w)


def _unobserved(inf: ListAppendInference, external: External) -> None:
    txns, edges = inf.txns, inf.edges
    late: dict[Key, set[int]] = {}
    for k, wk in inf.writer.items():
        if k in inf.unusable_keys:
            continue
        pos = inf.position.get(k, {})
        if len(pos) == len(wk):
            continue
        for v, w in wk.items():
            if v not in pos and txns[w].status is Status.OK:
                late.setdefault(k, set()).add(w)
    for k, ws in late.items():
        writers = inf.writers.get(k, [])
        if writers:
            last = writers[-1]
            if last >= 0 and txns[last].status is not Status.FAIL:
                for w in ws:
                    edges.add(EdgeType.WW, last, w)
    for tid, k, lst in external:
        ws = late.get(k, set())
        if ws and len(lst) == len(inf.versions.get(k, ())):
            for w in ws:
                edges.add(EdgeType.RW, tid, w)


__all__ = ["ListAppendInference", "infer"]
