"""Fault schedules as generators: wait, start a random fault from the mix, wait, stop it, repeat.

The whole sequence is drawn up front from a seeded ``random.Random``, so the same seed gives the
same faults (which nodes a fault hits is drawn by the nemesis itself, from its own seed).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness import generators as g
from harness.generators import Invocation

MAX_CYCLES = 5_000


@dataclass(frozen=True, kw_only=True, slots=True)
class FaultChoice:
    """Draws one start op and the op that ends it."""

    draw: Callable[[random.Random], tuple[Invocation, Invocation]]


def cycles_needed(time_limit_s: float, interval_s: float, packages: int) -> int:
    """Enough start/stop cycles to fill ``time_limit_s`` even when ``packages`` schedules share
    the nemesis thread (each op of a mix comes from a random package)."""
    per_cycle = 2 * interval_s * 0.5  # the shortest jittered cycle
    return min(MAX_CYCLES, math.ceil(time_limit_s / per_cycle) * max(1, packages) + 1)


def fault_schedule(
    choices: Sequence[FaultChoice],
    *,
    interval_s: float,
    cycles: int,
    seed: int,
) -> g.Generator:
    """``cycles`` times: sleep ~interval, start a random fault, sleep ~interval, stop it.

    Each sleep is uniformly jittered in [0.5, 1.5] x ``interval_s``.
    """
    if not choices:
        return g.NOTHING
    rng = random.Random(seed)
    parts: list[g.Generator] = []
    for _ in range(cycles):
        start, stop = rng.choice(list(choices)).draw(rng)
        parts += [
            g.sleep(interval_s * rng.uniform(0.5, 1.5)),
            g.Once(start),
            g.sleep(interval_s * rng.uniform(0.5, 1.5)),
            g.Once(stop),
        ]
    return g.seq(*parts)


def final_heal(stops: Sequence[Invocation]) -> g.Generator:
    """Every healing op once, in order."""
    return g.seq(*(g.Once(stop) for stop in stops))


__all__ = ["MAX_CYCLES", "FaultChoice", "cycles_needed", "fault_schedule", "final_heal"]
