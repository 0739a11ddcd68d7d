"""The schedule of a composition of built-in nemeses: their plain faults and the targeted
patterns (:mod:`nemesis.patterns`) that they make possible, drawn one after another.

Options: ``interval`` (as for every nemesis), ``patterns`` (a comma-separated subset of
:data:`~nemesis.patterns.PATTERN_NAMES`, or ``none``; default all that apply) and
``pattern-share`` (the probability that the next fault is a pattern, default 0.5).
``overlap=true`` turns the mixed schedule off (each nemesis keeps its own timeline).
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.generators import derive_seed
from nemesis.options import mixing_options, parse_options
from nemesis.patterns import Pattern, applicable, mixed_schedule
from nemesis.registry import NemesisPackage
from nemesis.targets import Targets
from nemesis.topology import Topology


def allowed(pattern: Pattern, test: TestConfig) -> bool:
    """Whether the options of the pattern's nemeses permit what it does (a pattern never goes
    beyond what the user allowed: an explicit grudge, a topology or target set excluded)."""
    for name in pattern.needs:
        opts = parse_options(test, name)
        if name == "partition" and (opts.grudge is not None
                                    or Topology.ISOLATE_PRIMARY not in opts.topologies):
            return False
        if name == "clock" and (Targets.PRIMARIES not in opts.targets
                                or -1.0 not in opts.skew_signs
                                or "bump" not in opts.clock_faults):
            return False
        if name == "kill" and Targets.ALL not in opts.targets:
            return False
        if name == "pause" and Targets.PRIMARIES not in opts.targets:
            return False
    return True


def mixed_generator(
    test: TestConfig, names: Sequence[str], packages: Sequence[NemesisPackage]
) -> g.Generator:
    """One timeline of every package's plain faults and the applicable patterns."""
    opts = mixing_options(test)
    return mixed_schedule(
        {name: p.choices for name, p in zip(names, packages, strict=True)},
        [p for p in applicable(names, opts.patterns) if allowed(p, test)],
        interval_s=opts.interval_s,
        time_limit_s=test.time_limit,
        seed=derive_seed(test.seed, "nemesis-mixed-schedule"),
        pattern_share=opts.pattern_share,
    )


__all__ = ["mixed_generator"]
