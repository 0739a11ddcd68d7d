from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.kernel import generators as g
from harness.kernel.config import TestConfig, options
from harness.kernel.ops import NEMESIS, Op, OpType
from nemesis import packages  # noqa: F401  (registers the built-in nemeses)
from nemesis.operations import F
from nemesis.options import parse_options
from nemesis.registry import NEMESES, NemesisOptionError, NemesisPackage, build
from nemesis.targets import Targets
from nemesis.topology import Topology

STARTS_TO_STOPS = {
    F.START_PARTITION: F.STOP_PARTITION, F.KILL: F.START, F.PAUSE: F.RESUME,
    F.BUMP_CLOCK: F.RESET_CLOCK, F.STROBE_CLOCK: F.RESET_CLOCK, F.RATE_CLOCK: F.RESET_CLOCK,
    F.START_LOSS: F.STOP_LOSS, F.START_BANDWIDTH: F.STOP_BANDWIDTH, F.START_DELAY: F.STOP_DELAY,
}


def config(nemesis: str, seed: int = 1, time_limit: float = 60.0, **opts: str) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="register",
                      nemesis=tuple(nemesis.split(",")), time_limit=time_limit, seed=seed,
                      nemesis_options=options(opts))


def nemesis_ops(package: NemesisPackage, time_limit: float) -> list[Op]:
    assert package.generator is not None and package.final_generator is not None
    gen = g.seq(g.time_limit(time_limit, package.generator), package.final_generator)
    sim = g.simulate(gen, concurrency=0)
    return [op for op in sim.history if op.process == NEMESIS and op.type is OpType.INFO]


def invocations(ops: list[Op]) -> list[Op]:
    # the simulator records the nemesis invocation and its completion; keep invocations
    seen: list[Op] = []
    pending = False
    for op in ops:
        if not pending:
            seen.append(op)
        pending = not pending
    return seen


def test_all_builtins_are_registered() -> None:
    assert {"partition", "kill", "pause", "clock", "packet", "loss", "bandwidth",
            "delay"} <= set(NEMESES)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=2**31),
       st.sampled_from(["partition", "kill", "pause", "clock", "packet",
                        "partition,kill,pause,clock,packet"]))
def test_every_start_is_stopped_and_the_run_ends_healed(seed: int, names: str) -> None:
    package = build(config(names, seed=seed, interval="2"))
    ops = invocations(nemesis_ops(package, 60.0))
    starts = [op for op in ops if op.f in STARTS_TO_STOPS]
    assert starts, "faults happen"
    open_faults: dict[str, int] = {}
    for op in ops:
        assert op.f in package.fs, f"{op.f} is routed to a nemesis"
        if op.f in STARTS_TO_STOPS:
            stop = STARTS_TO_STOPS[F(op.f)].value
            open_faults[stop] = open_faults.get(stop, 0) + 1
        else:
            open_faults.pop(op.f, None)
    assert open_faults == {}, "the final phase heals everything"


def test_same_seed_same_schedule_and_different_seed_differs() -> None:
    def schedule(seed: int) -> list[tuple[str, object]]:
        ops = invocations(nemesis_ops(build(config("partition,clock", seed=seed)), 120.0))
        return [(op.f, op.value) for op in ops]

    assert schedule(5) == schedule(5)
    assert schedule(5) != schedule(6)


def test_faults_are_spread_over_the_time_limit() -> None:
    package = build(config("kill", interval="5", time_limit=100.0))
    ops = invocations(nemesis_ops(package, 100.0))
    starts = [op for op in ops if op.f == F.KILL]
    assert 5 <= len(starts) <= 20
    assert max(op.time for op in starts) > 60 * g.NS_PER_S
    assert all(op.time < 100 * g.NS_PER_S for op in ops[:-1])
    assert ops[-1].f == F.START, "the final heal restarts what was killed"


def _overlaps(ops: list[Op]) -> bool:
    partitioned = clocked = overlapped = False
    for op in ops:
        if op.f == F.START_PARTITION:
            partitioned = True
        elif op.f == F.STOP_PARTITION:
            partitioned = False
        elif op.f in (F.BUMP_CLOCK, F.RATE_CLOCK, F.STROBE_CLOCK):
            clocked = True
        elif op.f == F.RESET_CLOCK:
            clocked = False
        overlapped |= partitioned and clocked
    return overlapped


def test_composed_packages_mix_plain_faults_and_targeted_patterns() -> None:
    ops = invocations(nemesis_ops(build(config("partition,clock", interval="3",
                                               time_limit=120.0)), 120.0))
    # the opening: each pattern once, the first two faults
    assert {op.f for op in ops[:3]} >= {F.BUMP_CLOCK, F.START_PARTITION}
    # the clock-back-isolate-primary pattern: the primary's clock set back, then it is isolated
    pairs = list(itertools.pairwise(ops))
    assert any(a.f == F.BUMP_CLOCK and isinstance(a.value, dict)
               and a.value.get("targets") == "primaries" and float(str(a.value["delta_ms"])) < 0
               and b.f == F.START_PARTITION and b.value == {"topology": "isolate-primary"}
               for a, b in pairs)
    assert _overlaps(ops)
    # plain faults too, of both kinds
    assert any(op.f == F.START_PARTITION and op.value != {"topology": "isolate-primary"}
               for op in ops)
    assert any(op.f in (F.RATE_CLOCK, F.STROBE_CLOCK) or (
        op.f == F.BUMP_CLOCK and isinstance(op.value, dict)
        and op.value.get("targets") != "primaries") for op in ops)
    plain = invocations(nemesis_ops(build(config("partition,clock", interval="3",
                                                 patterns="none", time_limit=120.0)), 120.0))
    assert not _overlaps(plain), "without patterns, one fault at a time"


def _in_force_together(ops: list[Op], a: tuple[F, F], b: tuple[F, F]) -> bool:
    on = {a: False, b: False}
    for op in ops:
        for pair in on:
            if op.f == pair[0]:
                on[pair] = True
            elif op.f == pair[1]:
                on[pair] = False
        if all(on.values()):
            return True
    return False


def test_overlap_runs_each_nemesis_on_its_own_timeline() -> None:
    faults = ((F.START_PARTITION, F.STOP_PARTITION), (F.PAUSE, F.RESUME))
    mixed = invocations(nemesis_ops(build(config("partition,pause", interval="1",
                                                 time_limit=120.0)), 120.0))
    assert not _in_force_together(mixed, *faults), "the mixed schedule: one fault at a time"
    ops = invocations(nemesis_ops(build(config("partition,pause", interval="1", overlap="true",
                                               time_limit=120.0)), 120.0))
    assert _in_force_together(ops, *faults)
    with pytest.raises(NemesisOptionError,
                       match="nemesis option overlap: expected true or false, got 'maybe'"):
        build(config("partition,pause", overlap="maybe"))


@pytest.mark.parametrize("names", ["kill", "partition,kill,pause,clock"])
def test_patterns_are_drawn_only_from_the_requested_nemeses(names: str) -> None:
    ops = invocations(nemesis_ops(build(config(names, interval="2", time_limit=200.0)), 200.0))
    requested = set(names.split(","))
    fs = {op.f for op in ops}
    if "partition" not in requested:
        assert F.START_PARTITION not in fs
    if "kill" in requested:
        assert {str(op.value) for op in ops if op.f == F.KILL} >= {"{'targets': 'all'}"}


def test_options_choose_targets_and_topologies() -> None:
    test = config("partition,kill", **{"topologies": "bridge", "kill.targets": "majority",
                                       "targets": "one", "patterns": "none"})
    assert parse_options(test, "kill").targets == (Targets.MAJORITY,)
    assert parse_options(test, "pause").targets == (Targets.ONE,)
    assert parse_options(test, "partition").topologies == (Topology.BRIDGE,)
    ops = invocations(nemesis_ops(build(test), 60.0))
    assert {str(op.value) for op in ops if op.f == F.KILL} == {"{'targets': 'majority'}"}
    assert {str(op.value) for op in ops if op.f == F.START_PARTITION} == {
        "{'topology': 'bridge'}"
    }


def test_skew_direction_back_only_bumps_backwards() -> None:
    test = config("clock", **{"clock-faults": "bump", "skew-direction": "back",
                              "skew-min-ms": "500", "skew-ms": "2000"})
    ops = invocations(nemesis_ops(build(test), 60.0))
    deltas = [op.value["delta_ms"] for op in ops
              if op.f == F.BUMP_CLOCK and isinstance(op.value, dict)]
    assert deltas and all(isinstance(d, float) and -2000 <= d <= -500 for d in deltas)


def test_explicit_grudge_is_the_only_partition() -> None:
    ops = invocations(nemesis_ops(build(config("partition", grudge="n1<n2,n3")), 30.0))
    values = {str(op.value) for op in ops if op.f == F.START_PARTITION}
    assert values == {"{'grudge': {'n1': ['n2', 'n3']}}"}


@pytest.mark.parametrize(
    ("names", "opts", "message"),
    [
        ("kill", {"speed": "3"}, r"unknown nemesis option\(s\) speed; known: .*kill.targets"),
        ("kill", {"kil.targets": "one"}, r"unknown nemesis option\(s\) kil.targets"),
        ("kill", {"targets": "most"}, "nemesis option targets: unknown targets 'most'"),
        ("kill", {"kill.targets": "most"}, "nemesis option kill.targets: unknown targets"),
        ("kill", {"interval": "soon"}, "nemesis option interval: expected a number, got 'soon'"),
        ("kill", {"kill.interval": "0"}, r"nemesis option kill.interval: 0 is not in \[0.01"),
        ("partition", {"topologies": "ring"}, "unknown 'ring'"),
        ("partition", {"grudge": "n1<n9"}, "unknown nodes"),
        ("clock", {"clock-faults": "bump,jump"}, "expected some of"),
        ("clock", {"skew-direction": "up"}, "expected one of both, back, forward"),
        ("clock", {"skew-min-ms": "10", "skew-ms": "5"}, "above skew-ms"),
        ("packet,loss", {}, "part of 'packet'"),
    ],
)
def test_bad_options_are_clear_errors(names: str, opts: dict[str, str], message: str) -> None:
    with pytest.raises(NemesisOptionError, match=message):
        build(config(names, **opts))


def test_too_few_nodes_for_a_topology_is_refused_early() -> None:
    test = TestConfig(name="t", target="raftkv", workload="register", nemesis=("partition",),
                      nodes=("n1", "n2"), nemesis_options=options({"topologies": "bridge"}))
    with pytest.raises(NemesisOptionError, match="bridge needs at least 3 nodes"):
        build(test)


def test_default_topologies_leave_out_shapes_two_nodes_cannot_form() -> None:
    test = TestConfig(name="t", target="raftkv", workload="register", nemesis=("partition",),
                      nodes=("n1", "n2"), time_limit=60.0, seed=3,
                      nemesis_options=options({"interval": "1"}))
    package = build(test)
    shapes = {op.value["topology"] for op in invocations(nemesis_ops(package, 60.0))
              if op.f == F.START_PARTITION.value and isinstance(op.value, dict)}
    assert len(shapes) >= 2
    assert not shapes & {Topology.MAJORITIES_RING.value, Topology.BRIDGE.value}


def test_a_partition_of_one_node_is_refused_clearly() -> None:
    test = TestConfig(name="t", target="raftkv", workload="register", nemesis=("partition",),
                      nodes=("n1",))
    with pytest.raises(NemesisOptionError, match="partition nemesis needs at least 2 nodes"):
        build(test)
