"""Brute-force (strict) serializability of small list-append transaction sets, for tests."""

from __future__ import annotations

from itertools import permutations

from checkers.elle import Status, Txn


def _replays(order: tuple[Txn, ...]) -> bool:
    state: dict[object, list[object]] = {}
    for t in order:
        own: dict[object, list[object]] = {}
        for m in t.mops:
            if m.f == "append":
                own.setdefault(m.key, []).append(m.value)
            elif (m.value or []) != state.get(m.key, []) + own.get(m.key, []):
                return False
        for k, vs in own.items():
            state.setdefault(k, []).extend(vs)
    return True


def serializable(txns: list[Txn], *, realtime: bool = False) -> bool:
    """True if some order of the committed transactions explains every read; with
    ``realtime`` the order must also respect real time (completion before invocation)."""
    ok = [t for t in txns if t.status is Status.OK]
    if any(t.status is Status.INFO for t in txns):
        raise ValueError("brute force handles committed and failed transactions only")
    for order in permutations(ok):
        if realtime and any(b.ret is not None and b.ret < a.call
                            for i, a in enumerate(order) for b in order[i + 1:]):
            continue
        if _replays(order):
            return True
    return False


def _replays_registers(order: tuple[Txn, ...]) -> bool:
    state: dict[object, object] = {}
    for t in order:
        own: dict[object, object] = {}
        for m in t.mops:
            if m.f == "w":
                own[m.key] = m.value
            elif m.value != own.get(m.key, state.get(m.key)):
                return False
        state.update(own)
    return True


def register_serializable(txns: list[Txn], *, realtime: bool = False) -> bool:
    """Brute force for rw-register transactions (committed and failed only)."""
    ok = [t for t in txns if t.status is Status.OK]
    for order in permutations(ok):
        if realtime and any(b.ret is not None and b.ret < a.call
                            for i, a in enumerate(order) for b in order[i + 1:]):
            continue
        if _replays_registers(order):
            return True
    return False
