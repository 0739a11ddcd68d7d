"""Which operations the timeline shows, so that a report stays bounded for any history size.

Operations are taken in tiers until the budget is spent; a tier that does not fit whole is thinned
evenly (every k-th operation in time order), so the choice is deterministic:

1. the operations the checkers name (counterexamples, evidence);
2. the operations nearest in time to those and to each fault boundary;
3. failed and indeterminate operations (leaving :data:`OK_SHARE` of the rest of the budget to 4);
4. all the others.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.history import Operation
from harness.ops import OpType

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
    order = sorted(range(n), key=lambda i: operations[i].call_time)
    calls = [operations[i].call_time for i in order]
    by_position: dict[int, int] = {}
    for i, o in enumerate(operations):
        by_position[o.call] = i
        if o.ret is not None:
            by_position[o.ret] = i
    named = sorted({by_position[p] for p in focus if p in by_position},
                   key=lambda i: operations[i].call_time)
    points = [operations[i].call_time for i in named] + list(boundaries)
    radius = max(1, min(NEIGHBOURS, budget // (4 * max(1, len(points)))))
    near: set[int] = set()
    for t in points:
        at = bisect.bisect_left(calls, t)
        near.update(order[max(0, at - radius): at + radius])
    named_set = set(named)
    near_list = [i for i in order if i in near and i not in named_set]
    taken = named_set | set(near_list)
    odd = [i for i in order if i not in taken and operations[i].type is not OpType.OK]
    rest = [i for i in order if i not in taken and operations[i].type is OpType.OK]

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
