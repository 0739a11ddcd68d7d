"""Lost update: committed transactions that read the same version of a key and then wrote it.

Adya defines lost update only by its example history ``H_lu``: ``r1(x0) r2(x0) w2(x2) c2
w1(x1) c1``. Two transactions read the same version ``x0`` and both wrote ``x``, each presumably
computed from ``x0``, so one of the updates is lost whatever the version order of their writes.
Elle (Kingsbury and Alvaro, VLDB 2020; ``elle.txn/lost-update-cases``) detects it directly in
linear time, without needing the version order, which rw-register histories mostly lack: among
committed (``ok``) transactions, group those that read key ``k`` before writing it by the value
they read; a group of two or more is a ``lost-update``. A read of ``nil`` (the initial state)
counts as reading that version too.

Only a transaction's external read counts: its first micro-op on ``k`` must be a read (a read of
its own write does not show which version it built on), and it must then write ``k``.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkers.elle._findings import Finding
from checkers.elle._txn import Status, Txn
from harness.kernel.jsontypes import JSON
from harness.kernel.values import Frozen, freeze
from harness.kernel.valuetext import show, show_key


def lost_updates(txns: Sequence[Txn], *, write: str) -> list[Finding]:
    """One ``lost-update`` finding per (key, version read) that two or more committed
    transactions read and then wrote with micro-op ``write`` (``"w"`` or ``"append"``).

    Findings are in order of the first transaction of each group; each names every transaction of
    its group (ids), in history order. Keys and values compare by :mod:`harness.kernel.values`'s
    rule.
    """
    groups: dict[tuple[Frozen, Frozen], list[int]] = {}
    shown: dict[tuple[Frozen, Frozen], tuple[JSON, JSON]] = {}
    for t in txns:
        if t.status is not Status.OK:
            continue
        first_read: dict[Frozen, tuple[Frozen, JSON]] = {}
        wrote: set[Frozen] = set()
        for m in t.mops:
            k = freeze(m.key)
            if m.f != write:
                if k not in wrote and k not in first_read:
                    first_read[k] = (freeze(m.value), m.value)
                continue
            if k in first_read and k not in wrote:
                frozen, value = first_read[k]
                groups.setdefault((k, frozen), []).append(t.id)
                shown.setdefault((k, frozen), (m.key, value))
            wrote.add(k)
    findings = []
    for group, ids in groups.items():
        if len(ids) < 2:
            continue
        key, value = shown[group]
        names = " and ".join(f"T{i}" for i in ids) if len(ids) == 2 else \
            ", ".join(f"T{i}" for i in ids[:-1]) + f" and T{ids[-1]}"
        findings.append(Finding(
            name="lost-update", txns=tuple(ids),
            description=f"{names} {'both' if len(ids) == 2 else 'all'} read key {show_key(key)} "
                        f"= {show(value)} (the same version) and then wrote it: all but one of "
                        "their updates are lost"))
    return findings


__all__ = ["lost_updates"]
