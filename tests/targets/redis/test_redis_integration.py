"""Redis with Sentinel end to end: real servers and Sentinels in namespaces, real partitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers.behaviour import Behaviour, BehaviourResult
from checkers.eventual import SetResult
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType
from harness.shell.run import run_test

NODES = ("n1", "n2", "n3", "n4", "n5")




@pytest.mark.integration
@pytest.mark.timeout(240)
def test_isolating_the_primary_loses_acknowledged_writes(tmp_path: Path) -> None:
    """The isolated old primary keeps acknowledging adds; Sentinel promotes a replica on the
    majority side; after the heal Sentinel turns the old primary into a replica (it waits ~8 s of
    wrong-role reports, at one INFO per 10 s: hence the long final wait) and it drops what it
    acknowledged. This seed's schedule isolates the primary from 4.1 s to 12.4 s, well over the
    ~3 s a failover takes (a loaded machine slows it down)."""
    test = TestConfig(
        name="it-redis", target="redis", workload="set", nemesis=("partition",), nodes=NODES,
        concurrency=10, time_limit=18.0, rate=150, seed=54, store=tmp_path / "store",
        nemesis_options=options({"topologies": "isolate-primary", "interval": "8",
                                 "recovery": "3"}),
        workload_options=options({"final-wait": "12"}), op_timeout=3.0,
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.INVALID, outcome.results
    found = outcome.results.checker("set")
    assert isinstance(found, SetResult) and found.lost, found
    history = read_jsonl(outcome.run_dir / "history.jsonl")
    partitions = [op for op in history.nemesis_ops() if op.f == "start-partition"]
    assert partitions
    finals = [op for op in history.operations() if op.f == "final-read" and op.type is OpType.OK]
    assert sorted(op.node or "" for op in finals) == list(NODES)
    behaviour = outcome.results.checker("behaviour")
    assert isinstance(behaviour, BehaviourResult), behaviour
    assert behaviour.behaviour is Behaviour.AP_LIKE, behaviour.summary
    for name in ("redis.log", "sentinel.log"):
        assert (outcome.run_dir / "nodes" / "n2" / name).stat().st_size > 0


@pytest.mark.integration
@pytest.mark.timeout(180)
def test_set_and_counter_without_faults_are_valid(tmp_path: Path) -> None:
    for workload in ("set", "counter"):
        test = TestConfig(
            name="it-redis", target="redis", workload=workload, nodes=NODES[:3], concurrency=6,
            time_limit=3.0, rate=150, seed=52, store=tmp_path / workload / "store",
        )
        outcome = run_test(test, state_dir=tmp_path / workload / "state")
        assert outcome.verdict is Verdict.VALID, outcome.results
