"""Targeted fault patterns: faults composed in the order that exposes a known class of bugs.

A random mix of independent faults rarely lines them up the way a bug needs (a leader isolated
*while* its clock is behind, a majority killed *while* acknowledged writes are still in memory).
A :class:`Pattern` is such a line-up, generic over the target: it names nodes only through the
nemesis target sets (``primaries``, ``majority``, ...) and ends with everything healed.

Patterns and the plain faults of the requested nemeses are drawn at random, one after another, by
:func:`mixed_schedule` (the schedule of every composition of built-in nemeses). The classes of
bugs each pattern aims at are the ones Jepsen analyses keep finding (https://jepsen.io/analyses):

- ``clock-back-isolate-primary``: set the primary's clock back, then isolate it. A primary that
  trusts its clock for leases keeps serving reads after a new primary took over: stale reads.
- ``isolate-primary-new-leader``: isolate the primary long enough for the majority to elect a new
  one, then heal. Deposed primaries that still answer, and writes acknowledged before a majority
  had them: stale reads and lost updates.
- ``kill-all``: kill every node at once while writes stream in (a power loss), then restart
  them. Writes acknowledged before they were durable (in a buffer, not yet synced) are lost: lost
  updates. (A live minority would keep such writes in memory and hand them back; killing a
  majority is left to the plain kill fault.)
- ``pause-primary``: pause the primary long enough for a new election, then resume it. A primary
  that wakes up still believing it leads: stale reads, split brain.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from harness.kernel import generators as g
from harness.kernel.generators import Invocation
from harness.kernel.jsontypes import JSON
from nemesis.operations import F
from nemesis.schedule import FaultChoice, Timeline

Steps = list[tuple[float, Invocation]]
"""(seconds after the pattern starts, operation), in order."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Pattern:
    name: str
    needs: frozenset[str]
    """The nemeses whose operations the pattern uses (all must be in the test)."""
    draw: Callable[[random.Random, float], Steps]
    """``draw(rng, interval_s)``: the steps, ending with every fault healed."""
    aims_at: str


def _inv(f: F, value: dict[str, JSON] | None = None) -> Invocation:
    return Invocation(f=f.value, value=value)


def _clock_back_isolate_primary(rng: random.Random, interval_s: float) -> Steps:
    # set back further than the isolation lasts, and isolate long enough for the clients of the
    # old primary (often blocked on writes it cannot commit) to read from it under the new one
    back_ms = -round(rng.uniform(10_000.0, 20_000.0), 3)
    isolate_at = rng.uniform(0.3, 1.0)
    heal_at = isolate_at + min(interval_s * rng.uniform(1.5, 3.0), 9.0)
    return [
        (0.0, _inv(F.BUMP_CLOCK, {"targets": "primaries", "delta_ms": back_ms})),
        (isolate_at, _inv(F.START_PARTITION, {"topology": "isolate-primary"})),
        (heal_at, _inv(F.STOP_PARTITION)),
        (heal_at + 0.5, _inv(F.RESET_CLOCK)),
    ]


def _isolate_primary_new_leader(rng: random.Random, interval_s: float) -> Steps:
    return [
        (0.0, _inv(F.START_PARTITION, {"topology": "isolate-primary"})),
        (interval_s * rng.uniform(1.0, 2.0), _inv(F.STOP_PARTITION)),
    ]


def _kill_all(rng: random.Random, interval_s: float) -> Steps:
    return [
        (0.0, _inv(F.KILL, {"targets": "all"})),
        (interval_s * rng.uniform(0.3, 0.8), _inv(F.START)),
    ]


def _pause_primary(rng: random.Random, interval_s: float) -> Steps:
    return [
        (0.0, _inv(F.PAUSE, {"targets": "primaries"})),
        (interval_s * rng.uniform(0.5, 1.5), _inv(F.RESUME)),
    ]


PATTERNS: tuple[Pattern, ...] = (
    Pattern(name="clock-back-isolate-primary", needs=frozenset({"clock", "partition"}),
            draw=_clock_back_isolate_primary,
            aims_at="leases judged by a clock that was set back: stale reads"),
    Pattern(name="isolate-primary-new-leader", needs=frozenset({"partition"}),
            draw=_isolate_primary_new_leader,
            aims_at="deposed primaries, acks before replication: stale reads, lost updates"),
    Pattern(name="kill-all", needs=frozenset({"kill"}), draw=_kill_all,
            aims_at="acks before durability (a power loss): lost updates"),
    Pattern(name="pause-primary", needs=frozenset({"pause"}), draw=_pause_primary,
            aims_at="a primary that wakes up still leading: stale reads, split brain"),
)
"""Every pattern, by name (``--nemesis-opt patterns=...`` picks among them)."""

PATTERN_NAMES = tuple(p.name for p in PATTERNS)


def applicable(names: Sequence[str], chosen: Sequence[str] | None = None) -> list[Pattern]:
    """The patterns whose nemeses are all among ``names`` (and, if given, named in ``chosen``)."""
    have = set(names)
    return [p for p in PATTERNS if p.needs <= have and (chosen is None or p.name in chosen)]


def mixed_schedule(
    choices: Mapping[str, Sequence[FaultChoice]],
    patterns: Sequence[Pattern],
    *,
    interval_s: float,
    time_limit_s: float,
    seed: int,
    pattern_share: float = 0.5,
) -> Timeline:
    """Until ``time_limit_s``: a short quiet time (interval x0.25..0.75; x0.25..0.5 in the
    opening), then either a pattern
    (with probability ``pattern_share``, when there are any) or one plain fault of a nemesis named
    in ``choices``, held interval x0.5..1.5; repeat.

    The schedule opens with every pattern once, in random order (each lines up a different class
    of bug, so a short run meets them all), then one plain fault of each nemesis no pattern used
    yet (a short run still applies every requested kind), then draws at random. Steps due after
    the time limit are dropped (the final heal undoes what they would have).
    """
    rng = random.Random(seed)
    ops: list[tuple[int, Invocation]] = []
    opening = list(patterns)
    rng.shuffle(opening)
    uncovered = {name for name, cs in choices.items() if cs}
    t = 0.0
    while uncovered or any(choices.values()) or patterns:
        # shorter quiet times in the opening: every pattern is met early in a short run
        t += interval_s * rng.uniform(0.25, 0.5 if opening else 0.75)
        plain = [name for name, cs in sorted(choices.items())
                 if cs and (not uncovered or name in uncovered)]
        if opening:
            pattern: Pattern | None = opening.pop()
        elif patterns and (not plain or (not uncovered and rng.random() < pattern_share)):
            pattern = rng.choice(list(patterns))
        else:
            pattern = None
        if pattern is not None:
            steps = pattern.draw(rng, interval_s)
            uncovered -= pattern.needs
        else:
            name = rng.choice(plain)
            start, stop = rng.choice(list(choices[name])).draw(rng)
            steps = [(0.0, start), (interval_s * rng.uniform(0.5, 1.5), stop)]
            uncovered.discard(name)
        for offset, inv in steps:
            if t + offset < time_limit_s:
                ops.append((g.seconds(t + offset), inv))
        t += steps[-1][0]
        if t >= time_limit_s:
            break
    return Timeline(tuple(ops))


__all__ = ["PATTERNS", "PATTERN_NAMES", "Pattern", "Steps", "applicable", "mixed_schedule"]
