"""The built-in nemesis packages, registered by name in :data:`nemesis.registry.NEMESES`.

``--nemesis partition,kill,pause,clock,packet`` (or ``loss``, ``bandwidth``, ``delay`` alone);
options are described in :mod:`nemesis.options`. Each package is a nemesis, a schedule (wait, start
a random fault of its kind, wait, stop it, repeat), a final heal and a recovery time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from harness.kernel.config import TestConfig
from harness.kernel.generators import Invocation, derive_seed
from harness.kernel.jsontypes import JSON
from nemesis import topology
from nemesis.clock import ClockNemesis
from nemesis.operations import F
from nemesis.options import NemesisOptions, parse_options
from nemesis.packet import PacketFault, PacketNemesis
from nemesis.partition import PartitionNemesis
from nemesis.process import ProcessFault, ProcessNemesis
from nemesis.registry import NEMESES, NemesisOptionError, NemesisPackage
from nemesis.schedule import FaultChoice, fault_schedule, final_heal
from nemesis.topology import Topology, TopologyError

CLOCK_RATES = (0.25, 0.5, 2.0, 4.0)


def fixed(start: Invocation, stop: Invocation) -> FaultChoice:
    return FaultChoice(draw=lambda rng: (start, stop))


def package(test: TestConfig, opts: NemesisOptions, nemesis: PartitionNemesis | ProcessNemesis
            | ClockNemesis | PacketNemesis, choices: Sequence[FaultChoice],
            stops: Sequence[Invocation]) -> NemesisPackage:
    schedule = fault_schedule(
        choices,
        interval_s=opts.interval_s,
        time_limit_s=test.time_limit,
        seed=derive_seed(test.seed, f"nemesis-schedule-{opts.name}"),
    )
    return NemesisPackage(nemesis=nemesis, generator=schedule, final_generator=final_heal(stops),
                          recovery_s=opts.recovery_s, fs=frozenset(nemesis.fs),
                          choices=tuple(choices))


def seed_for(test: TestConfig, name: str) -> int:
    return derive_seed(test.seed, f"nemesis-{name}")


def partition_package(test: TestConfig) -> NemesisPackage:
    """Network partitions between nodes (iptables), from the topologies option."""
    opts = parse_options(test, "partition")
    stop = Invocation(f=F.STOP_PARTITION.value)
    if opts.grudge is not None:
        try:
            grudge = topology.parse_grudge(opts.grudge, test.nodes)
        except TopologyError as e:
            raise NemesisOptionError(f"nemesis option grudge: {e}") from None
        value: dict[str, JSON] = {n: list[JSON](s) for n, s in topology.to_json(grudge).items()}
        choices = [fixed(Invocation(f=F.START_PARTITION.value, value={"grudge": value}), stop)]
    else:
        shapes = _feasible_topologies(test, opts)
        choices = [
            fixed(Invocation(f=F.START_PARTITION.value, value={"topology": shape.value}), stop)
            for shape in shapes
        ]
    return package(test, opts, PartitionNemesis(seed=seed_for(test, "partition")), choices,
                   [stop])


def _feasible_topologies(test: TestConfig, opts: NemesisOptions) -> tuple[Topology, ...]:
    """The topologies to draw from: all of those asked for with ``topologies=`` (each must be
    possible on ``test.nodes``, else :class:`NemesisOptionError`), or, when the option is not
    given, the default ones that ``test.nodes`` can form (a 2-node cluster has no majorities
    ring). Raises :class:`NemesisOptionError` when no partition is possible at all (1 node)."""
    if len(test.nodes) < 2:
        raise NemesisOptionError(
            f"the partition nemesis needs at least 2 nodes, got {len(test.nodes)}; "
            f"use more --nodes or leave partition out of --nemesis"
        )
    explicit = opts.topologies_given
    shapes: list[Topology] = []
    for shape in opts.topologies:
        if shape is Topology.ISOLATE_PRIMARY:
            shapes.append(shape)
            continue
        try:
            topology.build(shape, test.nodes, random.Random(0))
        except TopologyError as e:
            if explicit:
                raise NemesisOptionError(f"nemesis option topologies: {e}") from None
            continue
        shapes.append(shape)
    return tuple(shapes)


def _process_package(test: TestConfig, fault: ProcessFault) -> NemesisPackage:
    opts = parse_options(test, fault.value)
    nemesis = ProcessNemesis(fault, seed=seed_for(test, fault.value))
    start_f, stop_f = (F.KILL, F.START) if fault is ProcessFault.KILL else (F.PAUSE, F.RESUME)
    stop = Invocation(f=stop_f.value)
    choices = [fixed(Invocation(f=start_f.value, value={"targets": t.value}), stop)
               for t in opts.targets]
    return package(test, opts, nemesis, choices, [stop])


def kill_package(test: TestConfig) -> NemesisPackage:
    """SIGKILL the target on some nodes, then restart it (the DB must be Killable)."""
    return _process_package(test, ProcessFault.KILL)


def pause_package(test: TestConfig) -> NemesisPackage:
    """SIGSTOP the target on some nodes, then SIGCONT (the DB must be Pausable)."""
    return _process_package(test, ProcessFault.PAUSE)


def skew(rng: random.Random, opts: NemesisOptions) -> float:
    """A random clock offset: a sign from the options, magnitude log-uniform in
    [skew-min-ms, skew-ms]."""
    low, high = math.log(max(opts.skew_min_ms, 1.0)), math.log(max(opts.skew_ms, 1.0))
    return round(rng.choice(opts.skew_signs) * math.exp(rng.uniform(low, high)), 3)


def clock_package(test: TestConfig) -> NemesisPackage:
    """Clock skew, bumps and strobes through libfaketime (the DB must be HasFakeTime)."""
    opts = parse_options(test, "clock")
    reset = Invocation(f=F.RESET_CLOCK.value)
    targets = [t.value for t in opts.targets]

    def bump(rng: random.Random) -> tuple[Invocation, Invocation]:
        value: dict[str, JSON] = {"targets": rng.choice(targets),
                                  "delta_ms": skew(rng, opts)}
        return Invocation(f=F.BUMP_CLOCK.value, value=value), reset

    def strobe(rng: random.Random) -> tuple[Invocation, Invocation]:
        value: dict[str, JSON] = {
            "targets": rng.choice(targets), "delta_ms": skew(rng, opts),
            "period_ms": float(rng.choice((10, 50, 200))),
            "duration_ms": float(min(10_000, max(200, int(opts.interval_s * 1000)))),
        }
        return Invocation(f=F.STROBE_CLOCK.value, value=value), reset

    def rate(rng: random.Random) -> tuple[Invocation, Invocation]:
        value: dict[str, JSON] = {"targets": rng.choice(targets), "rate": rng.choice(CLOCK_RATES)}
        return Invocation(f=F.RATE_CLOCK.value, value=value), reset

    draws = {"bump": bump, "strobe": strobe, "rate": rate}
    choices = [FaultChoice(draw=draws[name]) for name in opts.clock_faults]
    return package(test, opts, ClockNemesis(seed=seed_for(test, "clock")), choices, [reset])


PACKET_OPS = {
    PacketFault.LOSS: (F.START_LOSS, F.STOP_LOSS),
    PacketFault.BANDWIDTH: (F.START_BANDWIDTH, F.STOP_BANDWIDTH),
    PacketFault.DELAY: (F.START_DELAY, F.STOP_DELAY),
}


def _packet_package(test: TestConfig, name: str) -> NemesisPackage:
    opts = parse_options(test, name)
    kinds = tuple(PacketFault(k) for k in opts.packet_faults)
    if name != "packet" and "packet" in test.nemesis:
        raise NemesisOptionError(f"nemesis {name!r} is part of 'packet': give one or the other")
    targets = [t.value for t in opts.targets]
    arguments: dict[PacketFault, dict[str, JSON]] = {
        PacketFault.LOSS: {"probability": opts.loss},
        PacketFault.BANDWIDTH: {"rate": opts.bandwidth},
        PacketFault.DELAY: {"delay_ms": opts.delay_ms, "jitter_ms": opts.jitter_ms},
    }

    def choice(kind: PacketFault) -> FaultChoice:
        start_f, stop_f = PACKET_OPS[kind]

        def draw(rng: random.Random) -> tuple[Invocation, Invocation]:
            value: dict[str, JSON] = {"targets": rng.choice(targets), **arguments[kind]}
            return Invocation(f=start_f.value, value=value), Invocation(f=stop_f.value)

        return FaultChoice(draw=draw)

    nemesis = PacketNemesis(seed=seed_for(test, name), kinds=frozenset(kinds))
    stops = [Invocation(f=PACKET_OPS[k][1].value) for k in kinds]
    return package(test, opts, nemesis, [choice(k) for k in kinds], stops)


def packet_package(test: TestConfig) -> NemesisPackage:
    """Packet loss, delay or a bandwidth limit on some nodes (one picked per fault)."""
    return _packet_package(test, "packet")


def loss_package(test: TestConfig) -> NemesisPackage:
    """Packet loss on some nodes."""
    return _packet_package(test, "loss")


def bandwidth_package(test: TestConfig) -> NemesisPackage:
    """A bandwidth limit on some nodes."""
    return _packet_package(test, "bandwidth")


def delay_package(test: TestConfig) -> NemesisPackage:
    """Packet delay on some nodes."""
    return _packet_package(test, "delay")


NEMESES.update(
    partition=partition_package,
    kill=kill_package,
    pause=pause_package,
    clock=clock_package,
    packet=packet_package,
    loss=loss_package,
    bandwidth=bandwidth_package,
    delay=delay_package,
)

__all__ = [
    "bandwidth_package",
    "clock_package",
    "delay_package",
    "kill_package",
    "loss_package",
    "packet_package",
    "partition_package",
    "pause_package",
]
