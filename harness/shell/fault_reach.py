"""Before a run: does its time limit let the nemesis apply every requested kind of fault?

A run whose schedule never applies a requested fault kind ends ``unknown`` ("fault never
applied", :mod:`checkers.coverage`), which a user with a short ``--time-limit`` meets first. The
schedule is drawn from the seed up front (:mod:`nemesis.schedule`), and a longer time limit only
extends it, so the nemesis generator can be simulated ahead of the run to see when each kind is
first due.
"""

from __future__ import annotations

import dataclasses
import math

from checkers.coverage import FAULT_KINDS, START_KIND
from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.ops import NEMESIS
from nemesis.registry import build

LOOKAHEAD_S = 600.0
"""How far ahead the schedule is simulated (seconds)."""
MARGIN_S = 1.0
"""A fault due this close to the time limit may not be applied before the workload ends."""


def first_due(test: TestConfig) -> dict[str, float]:
    """Requested nemesis name -> seconds from the start of the run to its first fault in the
    schedule of ``test`` (its seed and options), for names :data:`FAULT_KINDS` knows; a name
    whose faults are not due within :data:`LOOKAHEAD_S` (or the time limit, if longer) is
    absent. Raises what :func:`nemesis.registry.build` raises on bad options."""
    ahead = dataclasses.replace(test, time_limit=max(LOOKAHEAD_S, test.time_limit))
    package = build(ahead)
    if package.generator is None:
        return {}
    sim = g.simulate(g.time_limit(ahead.time_limit, package.generator), concurrency=0,
                     max_time_ns=g.seconds(ahead.time_limit + 1.0))
    kinds: dict[str, float] = {}
    for op in sim.history:
        kind = START_KIND.get(op.f) if op.process == NEMESIS else None
        if kind is not None and kind not in kinds:  # nemesis invocations are recorded as info
            kinds[kind] = op.time / 1e9
    out: dict[str, float] = {}
    for name in test.nemesis:
        due = [kinds[k] for k in FAULT_KINDS.get(name, ()) if k in kinds]
        if due:
            out[name] = min(due)
    return out


def short_time_limit_warning(test: TestConfig) -> str | None:
    """A warning when ``test``'s time limit ends before its schedule applies every requested
    fault kind (the run would then end ``unknown``), naming the kinds and a time limit that is
    enough for this seed; None when it is long enough."""
    due = first_due(test)
    late = sorted(n for n, t in due.items() if t > test.time_limit - MARGIN_S)
    if not late:
        return None
    enough = math.ceil(max(due.values()) + MARGIN_S)
    when = " and ".join(f"no {n} fault before {due[n]:.1f} s" for n in late)
    return (
        f"--time-limit {test.time_limit:g} s is too short for the requested faults to be "
        f"applied and verified: the schedule of seed {test.seed} has {when}, so the run will "
        f"likely end unknown (a requested fault never applied). --time-limit {enough} or more "
        f"applies every requested kind with this seed (or request fewer with --nemesis)."
    )


__all__ = ["LOOKAHEAD_S", "MARGIN_S", "first_due", "short_time_limit_warning"]
