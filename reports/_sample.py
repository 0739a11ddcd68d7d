"""Which operations the timeline shows, so that a report stays bounded for any history size.

Operations are taken in tiers until the budget is spent; a tier that does not fit whole is thinned
evenly (every k-th operation in time order), so the choice is deterministic:

1. the operations the checkers name (counterexamples, evidence);
2. the operations nearest in time to those and to each fault boundary;
3. failed and indeterminate operations (leaving :data:`OK_SHARE` of the rest of the budget to 4);
4. all the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from harness.kernel.history import Operation
from harness.kernel.ops import OpType

DEFAULT_BUDGET = 15_000
NEIGHBOURS = 60
"""Operations kept on each side of a point of interest (fewer when the budget is small)."""
OK_SHARE = 0.3
"""Share of the budget left after tiers 1 and 2 that is kept for tier 4 (if it has that many)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Tier:
    """How much of one tier the timeline shows."""

    name: str
    total: int
    shown: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Selection:
    """Positions (in ``operations`` order) of the operations to show, and what was elided."""

    shown: tuple[int, ...]
    total: int
    tiers: tuple[Tier, ...]

    @property
    def elided(self) -> int:
        return self.total - len(self.shown)

    def describe(self) -> str:
        if not self.elided:
            return f"The timeline shows all {self.total} operations."
        parts = [f"{t.shown} of {t.total} {t.name}" for t in self.tiers if t.total]
        return (f"The timeline shows {len(self.shown)} of {self.total} operations "
                f"({self.elided} elided): " + "; ".join(parts) + ". Thinned tiers keep every "
                "k-th operation in time order. The latency and throughput plots aggregate all "
                "operations.")


def _thin(candidates: Sequence[int], room: int) -> list[int]:
    if room <= 0:
        return []
    if len(candidates) <= room:
        return list(candidates)
    step = len(candidates) / room
    return [candidates[int(i * step)] for i in range(room)]


def _named(operations: Sequence[Operation], focus: Iterable[int]) -> set[int]:
    """The operations whose invocation or completion is at one of the history positions
    ``focus`` (a position claimed twice counts for the later operation)."""
    wanted = list(focus)
    if not wanted:
        return set()
    n = len(operations)
    calls = np.fromiter((o.call for o in operations), dtype=np.int64, count=n)
    rets = np.fromiter((-1 if o.ret is None else o.ret for o in operations), dtype=np.int64,
                       count=n)
    has_ret = rets >= 0
    at = np.arange(n, dtype=np.int64)
    positions = np.concatenate([calls, rets[has_ret]])
    owner = np.concatenate([at, at[has_ret]])
    claim = np.concatenate([2 * at, 2 * at[has_ret] + 1])  # the order claims were made in
    by = np.lexsort((claim, positions))
    positions, owner = positions[by], owner[by]
    found: set[int] = set()
    for p in wanted:
        j = int(np.searchsorted(positions, p, side="right")) - 1
        if j >= 0 and positions[j] == p:
            found.add(int(owner[j]))
    return found


def select(
    operations: Sequence[Operation],
    *,
    focus: Iterable[int] = (),
    boundaries: Iterable[int] = (),
    budget: int = DEFAULT_BUDGET,
) -> Selection:
    """Choose at most ``budget`` operations.

    ``focus`` are history positions (an operation's ``call`` or ``ret``) the checkers named;
    ``boundaries`` are times (ns) where faults begin or end.
    """
    n = len(operations)
    if n <= budget:
        return Selection(shown=tuple(range(n)), total=n,
                         tiers=(Tier(name="operations", total=n, shown=n),))
    call_times = np.fromiter((o.call_time for o in operations), dtype=np.int64, count=n)
    order = np.argsort(call_times, kind="stable")
    calls = call_times[order]
    named = sorted(_named(operations, focus), key=lambda i: operations[i].call_time)
    points = [operations[i].call_time for i in named] + list(boundaries)
    radius = max(1, min(NEIGHBOURS, budget // (4 * max(1, len(points)))))
    named_mask = np.zeros(n, dtype=bool)
    named_mask[named] = True
    near_mask = np.zeros(n, dtype=bool)
    for t in points:
        at = int(np.searchsorted(calls, t, side="left"))
        near_mask[order[max(0, at - radius): at + radius]] = True
    near_mask &= ~named_mask
    ok = np.fromiter((o.type is OpType.OK for o in operations), dtype=bool, count=n)
    free = ~(named_mask | near_mask)
    near_list: list[int] = order[near_mask[order]].tolist()
    odd: list[int] = order[(free & ~ok)[order]].tolist()
    rest: list[int] = order[(free & ok)[order]].tolist()

    chosen: list[int] = []
    tiers: list[Tier] = []
    for name, candidates in (("operations named by checkers", named),
                             ("operations near failures and fault boundaries", near_list),
                             ("failed or indeterminate operations", odd),
                             ("other operations", rest)):
        room = budget - len(chosen)
        if candidates is odd:  # leave the ok operations a share, so the picture stays true
            room -= min(len(rest), int(room * OK_SHARE))
        picked = _thin(candidates, room)
        chosen.extend(picked)
        tiers.append(Tier(name=name, total=len(candidates), shown=len(picked)))
    return Selection(shown=tuple(sorted(chosen)), total=n, tiers=tuple(tiers))


__all__ = ["DEFAULT_BUDGET", "Selection", "Tier", "select"]
