"""Future read: a transaction reads a value that it writes only later.

After Elle (Kingsbury and Alvaro, VLDB 2020; ``elle.list-append/op-future-read-case``): a
committed transaction that reads key ``k`` and sees value ``v`` (a list-append read containing
element ``v``, or a register read of ``v``), and afterwards itself appends (writes) ``v`` to
``k``, observed its own future. Dependency graphs have no self-edges, so this trivial cycle
``T -wr-> T`` is reported on its own. Elle files it under ``G1c`` (circular information flow);
Cerone et al. call it a violation of EXT. Elle checks it for list-append; the same reading
applies to rw-register, where values are unique per key too.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkers.elle._findings import Finding
from checkers.elle._txn import Status, Txn
from harness.kernel.values import Frozen, freeze
from harness.kernel.valuetext import show, show_key


def future_reads(txns: Sequence[Txn], *, write: str, list_reads: bool) -> list[Finding]:
    """One ``future-read`` finding per committed transaction that read a value it wrote (micro-op
    ``write``) later on the same key. ``list_reads``: reads return lists (list-append), whose
    elements each count as seen; else a read returns one value (rw-register)."""
    findings = []
    for t in txns:
        if t.status is not Status.OK:
            continue
        seen: dict[Frozen, set[Frozen]] = {}
        for m in t.mops:
            k = freeze(m.key)
            if m.f == write:
                if freeze(m.value) in seen.get(k, ()):
                    findings.append(Finding(
                        name="future-read", txns=(t.id,),
                        description=f"T{t.id} read {show(m.value)} from key {show_key(m.key)} "
                                    f"before it {'appended' if list_reads else 'wrote'} that "
                                    "value itself"))
                    break
                continue
            values = m.value if list_reads and isinstance(m.value, list) else \
                [] if list_reads else [m.value]
            seen.setdefault(k, set()).update(freeze(v) for v in values if v is not None)
    return findings


__all__ = ["future_reads"]
