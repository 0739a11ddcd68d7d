"""``--nemesis-opt K=V`` for the built-in nemeses, validated into a frozen record.

Every key may be given for all nemeses (``targets=one,all``) or for one of them, which wins
(``kill.targets=majority``). Keys:

============== ======================================= =========================================
key            meaning                                 default
============== ======================================= =========================================
interval       seconds between fault starts and stops  5 (each wait jittered x0.5..1.5); the
                                                       mixed schedule: 3 (quiet x0.25..0.75,
                                                       held x0.5..1.5)
recovery       fault-free seconds after the final heal 5
targets        nodes hit (one,minority,majority,       kill/pause/clock: one,minority,majority,
               primaries,all: picked at random)        primaries,all; packet: all,majority,one
topologies     partition shapes (halves,               all of them
               random-halves,isolate-one,
               isolate-primary,majorities-ring,
               bridge,one-way)
grudge         an explicit partition, n1<n2,n3;n4<n5   (none; if given, the only partition)
               (n1 drops traffic from n2 and n3)
clock-faults   bump,strobe,rate                        all three
skew-ms        largest clock bump, in ms               30000
skew-min-ms    smallest clock bump, in ms              1
skew-direction back, forward or both                   both
packet-faults  loss,bandwidth,delay                    all three (``loss``, ``bandwidth`` and
                                                       ``delay`` nemeses: just that one)
loss           packet loss probability                 0.2
bandwidth      tbf rate                                1mbit
delay-ms       packet delay                            50
jitter-ms      delay jitter                            10
patterns       targeted patterns mixed into the        every pattern whose nemeses are all
               schedule (clock-back-isolate-primary,   requested; ``none`` = plain faults only
               isolate-primary-new-leader,
               kill-all, pause-primary)
pattern-share  chance that the next fault is a pattern 0.5
overlap        true: no mixed schedule; each nemesis   false
               keeps its own timeline (interval x0.5..
               1.5 waits), side by side, so faults of
               different kinds overlap (a partition
               while a node is paused); no patterns
============== ======================================= =========================================

Every composition of built-in nemeses runs one schedule (:mod:`nemesis.mixing`): a short quiet
time, then either one plain fault of a requested kind, held ~interval, or a targeted pattern
(:mod:`nemesis.patterns`); ``interval``, ``patterns``, ``pattern-share`` and ``overlap`` of that
schedule are read without a nemesis prefix.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from harness.kernel.config import TestConfig
from harness.kernel.option_reader import OptionReader
from nemesis.registry import NemesisOptionError
from nemesis.targets import Targets, parse_targets
from nemesis.topology import Topology

KEYS = frozenset({
    "interval", "recovery", "targets", "topologies", "grudge", "clock-faults", "skew-ms",
    "skew-min-ms", "skew-direction", "packet-faults", "loss", "bandwidth", "delay-ms", "jitter-ms",
    "patterns", "pattern-share", "overlap",
})
NAMES = frozenset({"partition", "kill", "pause", "clock", "packet", "loss", "bandwidth", "delay"})
CLOCK_FAULTS = ("bump", "strobe", "rate")
SKEW_DIRECTIONS = {"both": (-1.0, 1.0), "back": (-1.0,), "forward": (1.0,)}
PACKET_FAULTS = ("loss", "bandwidth", "delay")
KNOWN_TEXT = (f"{', '.join(sorted(KEYS))} (each may be prefixed by a nemesis name, e.g. "
              "kill.targets)")


class NemesisOptionReader(OptionReader):
    """The shared :class:`harness.kernel.option_reader.OptionReader` over ``--nemesis-opt``, as one
    nemesis (``name``) sees them: ``name.key`` wins over ``key``; errors name the key as the
    user gave it (``nemesis option kill.targets: ...``). ``name=None`` reads the unprefixed keys
    only (the mixed schedule's)."""

    def __init__(self, test: TestConfig, name: str | None) -> None:
        raw = dict(test.nemesis_options)
        known = KEYS | {f"{n}.{k}" for n in NAMES for k in KEYS}
        super().__init__("nemesis", raw, known, error=NemesisOptionError, known_text=KNOWN_TEXT)
        self.spelled = {k: f"{name}.{k}" if name is not None and f"{name}.{k}" in raw else k
                        for k in KEYS}
        self.options = {k: raw[spelled] for k, spelled in self.spelled.items() if spelled in raw}

    def error(self, key: str, message: str) -> NemesisOptionError:
        return NemesisOptionError(f"nemesis option {self.spelled.get(key, key)}: {message}")


@dataclass(frozen=True, kw_only=True, slots=True)
class NemesisOptions:
    name: str
    interval_s: float = 5.0
    recovery_s: float = 5.0
    targets: tuple[Targets, ...] = ()
    topologies: tuple[Topology, ...] = tuple(Topology)
    topologies_given: bool = False
    """Whether ``topologies`` was given (the default drops shapes the cluster cannot form)."""
    grudge: str | None = None
    clock_faults: tuple[str, ...] = CLOCK_FAULTS
    skew_ms: float = 30_000.0
    skew_min_ms: float = 1.0
    skew_signs: tuple[float, ...] = (-1.0, 1.0)
    packet_faults: tuple[str, ...] = PACKET_FAULTS
    loss: float = 0.2
    bandwidth: str = "1mbit"
    delay_ms: float = 50.0
    jitter_ms: float = 10.0


def default_targets(name: str) -> tuple[Targets, ...]:
    if name in ("packet", "loss", "bandwidth", "delay"):
        return (Targets.ALL, Targets.MAJORITY, Targets.ONE)
    return (Targets.ONE, Targets.MINORITY, Targets.MAJORITY, Targets.PRIMARIES, Targets.ALL)


def check_keys(test: TestConfig) -> None:
    """Reject option keys no built-in nemesis knows."""
    NemesisOptionReader(test, None)


def parse_options(test: TestConfig, name: str) -> NemesisOptions:
    """The options of the built-in nemesis ``name``; raises :class:`NemesisOptionError` naming
    the option."""
    r = NemesisOptionReader(test, name)
    packet_default = (name,) if name in PACKET_FAULTS else PACKET_FAULTS
    out = NemesisOptions(
        name=name,
        interval_s=r.number("interval", 5.0, 0.01, 3600.0),
        recovery_s=r.number("recovery", 5.0, 0.0, 3600.0),
        targets=r.parsed("targets", parse_targets, default_targets(name)),
        topologies=r.parsed("topologies", _topologies, tuple(Topology)),
        topologies_given="topologies" in r.options,
        grudge=r.options.get("grudge"),
        clock_faults=r.parsed("clock-faults", lambda v: _names(v, CLOCK_FAULTS), CLOCK_FAULTS),
        skew_ms=r.number("skew-ms", 30_000.0, 1.0, 7 * 24 * 3600_000.0),
        skew_min_ms=r.number("skew-min-ms", 1.0, 1.0, 7 * 24 * 3600_000.0),
        skew_signs=r.parsed("skew-direction", _direction, (-1.0, 1.0)),
        packet_faults=r.parsed("packet-faults", lambda v: _names(v, PACKET_FAULTS),
                               packet_default),
        loss=r.number("loss", 0.2, 0.001, 1.0),
        bandwidth=r.options.get("bandwidth") or "1mbit",
        delay_ms=r.number("delay-ms", 50.0, 0.1, 10_000.0),
        jitter_ms=r.number("jitter-ms", 10.0, 0.0, 10_000.0),
    )
    if out.skew_min_ms > out.skew_ms:
        raise r.error("skew-min-ms", f"{out.skew_min_ms:g} is above skew-ms={out.skew_ms:g}")
    return out


def _direction(text: str) -> tuple[float, ...]:
    if text not in SKEW_DIRECTIONS:
        raise ValueError(f"expected one of {', '.join(SKEW_DIRECTIONS)}")
    return SKEW_DIRECTIONS[text]


def _topologies(text: str) -> tuple[Topology, ...]:
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            out.append(Topology(part))
        except ValueError:
            raise ValueError(
                f"unknown {part!r} (known: {', '.join(e.value for e in Topology)})"
            ) from None
    if not out:
        raise ValueError("name at least one")
    return tuple(out)


def _names(text: str, known: Collection[str]) -> tuple[str, ...]:
    out = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in out if p not in known]
    if bad or not out:
        raise ValueError(f"expected some of {', '.join(known)}")
    return out


MIXED_INTERVAL_S = 3.0
"""The mixed schedule's default interval: quiet ~0.5 x interval, then a fault held ~interval."""


@dataclass(frozen=True, kw_only=True, slots=True)
class MixingOptions:
    interval_s: float = MIXED_INTERVAL_S
    patterns: tuple[str, ...] | None = None
    """None = every applicable pattern; () = none."""
    pattern_share: float = 0.5
    overlap: bool = False
    """True = no mixed schedule: every nemesis runs its own timeline, side by side."""


def mixing_options(test: TestConfig) -> MixingOptions:
    """The options of the mixed schedule (unprefixed keys only)."""
    from nemesis.patterns import PATTERN_NAMES  # here: patterns import the schedule module

    r = NemesisOptionReader(test, None)
    patterns = r.parsed("patterns", lambda v: () if v.strip() == "none"
                        else _names(v, PATTERN_NAMES), None)
    return MixingOptions(
        interval_s=r.number("interval", MIXED_INTERVAL_S, 0.01, 3600.0), patterns=patterns,
        pattern_share=r.number("pattern-share", 0.5, 0.0, 1.0),
        overlap=r.flag("overlap", False),
    )


__all__ = ["CLOCK_FAULTS", "KEYS", "NAMES", "PACKET_FAULTS", "MixingOptions", "NemesisOptionReader",
           "NemesisOptions", "mixing_options", "parse_options"]
