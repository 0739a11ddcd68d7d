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

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from harness.config import TestConfig
from nemesis.registry import NemesisOptionError
from nemesis.targets import Targets, TargetsError, parse_targets
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
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}

T = TypeVar("T")


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
    for key, _ in test.nemesis_options:
        prefix, dot, base = key.rpartition(".")
        if base not in KEYS or (dot and prefix not in NAMES):
            raise NemesisOptionError(
                f"unknown nemesis option {key!r}; known: {', '.join(sorted(KEYS))} "
                f"(each may be prefixed by a nemesis name, e.g. kill.targets)"
            )


def parse_options(test: TestConfig, name: str) -> NemesisOptions:
    check_keys(test)
    raw = dict(test.nemesis_options)

    def get(key: str) -> str | None:
        return raw.get(f"{name}.{key}", raw.get(key))

    def parsed(key: str, parse: Callable[[str], T], default: T) -> T:
        value = get(key)
        if value is None:
            return default
        try:
            return parse(value)
        except (ValueError, TargetsError) as e:
            raise NemesisOptionError(f"nemesis option {key}={value!r}: {e}") from None

    packet_default = (name,) if name in PACKET_FAULTS else PACKET_FAULTS
    out = NemesisOptions(
        name=name,
        interval_s=parsed("interval", lambda v: _number(v, 0.01, 3600.0), 5.0),
        recovery_s=parsed("recovery", lambda v: _number(v, 0.0, 3600.0), 5.0),
        targets=parsed("targets", parse_targets, default_targets(name)),
        topologies=parsed("topologies", lambda v: _choices(v, Topology), tuple(Topology)),
        topologies_given=get("topologies") is not None,
        grudge=get("grudge"),
        clock_faults=parsed("clock-faults", lambda v: _names(v, CLOCK_FAULTS), CLOCK_FAULTS),
        skew_ms=parsed("skew-ms", lambda v: _number(v, 1.0, 7 * 24 * 3600_000.0), 30_000.0),
        skew_min_ms=parsed("skew-min-ms", lambda v: _number(v, 1.0, 7 * 24 * 3600_000.0), 1.0),
        skew_signs=parsed("skew-direction", _direction, (-1.0, 1.0)),
        packet_faults=parsed("packet-faults", lambda v: _names(v, PACKET_FAULTS),
                             packet_default),
        loss=parsed("loss", lambda v: _number(v, 0.001, 1.0), 0.2),
        bandwidth=get("bandwidth") or "1mbit",
        delay_ms=parsed("delay-ms", lambda v: _number(v, 0.1, 10_000.0), 50.0),
        jitter_ms=parsed("jitter-ms", lambda v: _number(v, 0.0, 10_000.0), 10.0),
    )
    if out.skew_min_ms > out.skew_ms:
        raise NemesisOptionError(
            f"nemesis option skew-min-ms={out.skew_min_ms:g} is above skew-ms={out.skew_ms:g}"
        )
    return out


def _number(text: str, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("expected a number") from None
    if not low <= value <= high:
        raise ValueError(f"must be in [{low:g}, {high:g}]")
    return value


def _direction(text: str) -> tuple[float, ...]:
    if text not in SKEW_DIRECTIONS:
        raise ValueError(f"expected one of {', '.join(SKEW_DIRECTIONS)}")
    return SKEW_DIRECTIONS[text]


def _choices(text: str, enum: type[Topology]) -> tuple[Topology, ...]:
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            out.append(enum(part))
        except ValueError:
            raise ValueError(
                f"unknown {part!r} (known: {', '.join(e.value for e in enum)})"
            ) from None
    if not out:
        raise ValueError("name at least one")
    return tuple(out)


def _names(text: str, known: Collection[str]) -> tuple[str, ...]:
    out = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in out if p not in known]
    if bad or not out:
        raise ValueError(f"expected some of {', '.join(known)}, got {text!r}")
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

    check_keys(test)
    raw = dict(test.nemesis_options)

    def number(key: str, low: float, high: float, default: float) -> float:
        value = raw.get(key)
        if value is None:
            return default
        try:
            return _number(value, low, high)
        except ValueError as e:
            raise NemesisOptionError(f"nemesis option {key}={value!r}: {e}") from None

    patterns: tuple[str, ...] | None = None
    text = raw.get("patterns")
    if text is not None:
        if text.strip() == "none":
            patterns = ()
        else:
            try:
                patterns = _names(text, PATTERN_NAMES)
            except ValueError as e:
                raise NemesisOptionError(f"nemesis option patterns={text!r}: {e}") from None
    overlap_text = raw.get("overlap", "false").strip().lower()
    if overlap_text not in BOOLEANS:
        raise NemesisOptionError(
            f"nemesis option overlap={raw.get('overlap')!r}: expected true or false")
    return MixingOptions(
        interval_s=number("interval", 0.01, 3600.0, MIXED_INTERVAL_S), patterns=patterns,
        pattern_share=number("pattern-share", 0.0, 1.0, 0.5), overlap=BOOLEANS[overlap_text],
    )


__all__ = ["CLOCK_FAULTS", "KEYS", "NAMES", "PACKET_FAULTS", "MixingOptions", "NemesisOptions",
           "mixing_options", "parse_options"]
