"""Fault schedules as generators: wait, start a random fault from the mix, wait, stop it, repeat.

A schedule is a :class:`Timeline`: operations at fixed times (from the start of the test), drawn
up front from a seeded ``random.Random``, so the same seed gives the same faults (which nodes a
fault hits is drawn by the nemesis itself, from its own seed). Because the waits are due times
rather than sleeps, several packages composed with ``any_of`` keep their own timelines and their
faults overlap, as they would in the wild.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.kernel import generators as g
from harness.kernel.generators import PENDING, Context, GenOp, Invocation, Step
from harness.kernel.ops import Op


@dataclass(frozen=True, kw_only=True, slots=True)
class FaultChoice:
    """Draws one start op and the op that ends it."""

    draw: Callable[[random.Random], tuple[Invocation, Invocation]]


@dataclass(frozen=True, slots=True)
class Timeline:
    """``ops`` at their times (ns since the test started), each on a free thread in scope."""

    ops: tuple[tuple[int, Invocation], ...]

    def op(self, ctx: Context) -> Step:
        if not self.ops:
            return None
        if not ctx.free:
            return PENDING
        due, inv = self.ops[0]
        out = GenOp(process=ctx.workers[ctx.free[0]], f=inv.f, value=inv.value, key=inv.key,
                    time=max(due, ctx.time))
        return out, Timeline(self.ops[1:])

    def update(self, ctx: Context, event: Op) -> g.Generator:
        return self


def fault_schedule(
    choices: Sequence[FaultChoice],
    *,
    interval_s: float,
    time_limit_s: float,
    seed: int,
) -> Timeline:
    """Until ``time_limit_s``: wait ~interval, start a random fault, wait ~interval, stop it.

    Each wait is uniformly jittered in [0.5, 1.5] x ``interval_s``. A fault still running at
    the time limit is left to the final heal.
    """
    rng = random.Random(seed)
    ops: list[tuple[int, Invocation]] = []
    t = 0.0
    while choices:
        start, stop = rng.choice(list(choices)).draw(rng)
        t += interval_s * rng.uniform(0.5, 1.5)
        if t >= time_limit_s:
            break
        ops.append((g.seconds(t), start))
        t += interval_s * rng.uniform(0.5, 1.5)
        if t >= time_limit_s:
            break
        ops.append((g.seconds(t), stop))
    return Timeline(tuple(ops))


def final_heal(stops: Sequence[Invocation]) -> g.Generator:
    """Every healing op once, in order."""
    return g.seq(*(g.Once(stop) for stop in stops))


__all__ = ["FaultChoice", "Timeline", "fault_schedule", "final_heal"]
