"""Dropping operations that cannot change the verdict, decided on the full transition table.

Let ``R`` be every state reachable from the initial state by any sequence of the sub-history's
operation classes (a superset of the states of any linearization), and ``T[s][c]`` the table over
``R``. Definitions, for a class ``c``:

- *no-op*: for every ``s`` in ``R``, ``T[s][c]`` is ``s`` or illegal.
- *universal no-op*: for every ``s`` in ``R``, ``T[s][c] == s`` (legal everywhere, changes nothing;
  e.g. a Knossos ``nil`` read).
- *reset*: there is one ``u`` with ``T[s][c] == u`` for every ``s`` in ``R`` (legal everywhere, and
  the result does not depend on the state; e.g. a register write).

A state ``t`` is *invisible* when every class ``d`` present in the sub-history, applied at ``t``,
is: for a determinate ``d``: illegal, a universal no-op, or a reset; for an indeterminate ``d``:
illegal, a self-loop (``T[t][d] == t``), or a reset.

Rules (each keeps "linearizable" unchanged in both directions):

1. A universal no-op operation (determinate or not) is dropped. Removing it from a linearization
   leaves a linearization; conversely it can be inserted anywhere inside its real-time interval.
2. An indeterminate no-op (e.g. a crashed read) is dropped: in any linearization that includes it,
   it changed nothing, so removing it leaves a linearization; and "never" is allowed.
3. An indeterminate operation ``w`` is dropped if every state it can lead to from any ``s`` in
   ``R`` (``t = T[s][w]``, ``t != s``) is invisible. (A crashed write or cas whose value no
   operation observes: no read returns it and no cas expects it.) Proof: take a linearization
   ``A w B`` with ``s1 --w--> t``. Up to the first reset ``r`` in ``B``, every operation is applied
   at ``t`` and, by invisibility, is a self-loop there: a determinate one is a universal no-op
   (legal at ``s1`` too, kept in place), an indeterminate one is dropped ("never"). ``r`` is legal
   at ``s1`` and gives the same state as at ``t``; after it the two runs coincide. If there is no
   reset, ``B`` is all self-loops and the same argument applies. Real-time order is kept because
   only removals happen. The converse holds because ``w`` may never take effect.

Dropping several operations at once is sound: the conditions only get weaker as operations
disappear (fewer classes to check; ``R`` stays a superset), so the rules can be applied one at a
time. Only the table decides, so the rules hold for every model, including users' models.
"""

from __future__ import annotations

from collections.abc import Sequence

from checkers.linearizable._table import ILLEGAL, Transitions


def droppable(table: Transitions, cls: Sequence[int], det: Sequence[bool]) -> list[bool]:
    """For each operation (class ``cls[i]``, determinate ``det[i]``), whether it can be dropped.

    ``table`` must be fully enumerated (:meth:`Transitions.enumerate`).
    """
    rows = table.rows
    states = range(len(rows))
    present = sorted(set(cls))
    det_classes = {c for c, d in zip(cls, det, strict=True) if d}
    info_classes = {c for c, d in zip(cls, det, strict=True) if not d}

    universal: dict[int, bool] = {}
    reset: dict[int, bool] = {}
    for c in present:
        universal[c] = all(rows[s][c] == s for s in states)
        first = rows[0][c]
        reset[c] = first != ILLEGAL and all(rows[s][c] == first for s in states)

    invisible_memo: dict[int, bool] = {}

    def invisible(t: int) -> bool:
        known = invisible_memo.get(t)
        if known is not None:
            return known
        row = rows[t]
        ok = True
        for d in present:
            after = row[d]
            if after == ILLEGAL or reset[d]:
                continue
            if d in det_classes and not universal[d]:
                ok = False
                break
            if d in info_classes and after != t:
                ok = False
                break
        invisible_memo[t] = ok
        return ok

    verdict: dict[int, bool] = {}
    for c in present:
        if universal[c]:
            verdict[c] = True
            continue
        if c not in info_classes:
            continue
        moves = [(s, rows[s][c]) for s in states if rows[s][c] not in (ILLEGAL, s)]
        verdict[c] = all(invisible(t) for _, t in moves)
    out = []
    for c, d in zip(cls, det, strict=True):
        out.append(verdict.get(c, False) if not d else universal[c])
    return out


__all__ = ["droppable"]
