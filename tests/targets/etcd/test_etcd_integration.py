"""etcd end to end: real members in namespaces, real faults, the real checkers."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers.behaviour import Behaviour, BehaviourResult
from checkers.linearizable import LinearizabilityResult
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType
from harness.shell.primaries import PRIMARIES, read_primaries
from harness.shell.run import run_test

NODES = ("n1", "n2", "n3", "n4", "n5")


def _test(tmp_path: Path, *, workload: str, nemesis: tuple[str, ...], seed: int,
          time_limit: float, target: dict[str, str] | None = None,
          nemesis_opts: dict[str, str] | None = None,
          workload_opts: dict[str, str] | None = None) -> TestConfig:
    return TestConfig(
        name="it-etcd", target="etcd", workload=workload, nemesis=nemesis, nodes=NODES,
        concurrency=10, time_limit=time_limit, rate=150, seed=seed, store=tmp_path / "store",
        target_options=options({"data": "memory", **(target or {})}),
        nemesis_options=options(nemesis_opts or {}),
        workload_options=options(workload_opts or {}),
        op_timeout=4.0,
    )


@pytest.mark.integration
@pytest.mark.timeout(240)
def test_linearizable_reads_under_partitions_and_kills_are_valid(tmp_path: Path) -> None:
    # Kills of one node keep a quorum alive; a short client timeout lets the clients on a
    # minority side try often, which gives the behaviour classification data.
    test = _test(tmp_path, workload="register", nemesis=("partition", "kill"), seed=22,
                 time_limit=20.0, target={"op-timeout": "0.5"},
                 nemesis_opts={"partition.interval": "4", "kill.interval": "6",
                               "recovery": "2", "kill.targets": "one",
                               "topologies": "isolate-primary,halves"})
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.VALID, outcome.results
    history = read_jsonl(outcome.run_dir / "history.jsonl")
    faults = {op.f for op in history.nemesis_ops()}
    assert {"start-partition", "kill"} <= faults, faults
    # kills verify themselves (ReportsProcessState): the killed member was seen down
    kills = [op.value for op in history.nemesis_ops()
             if op.f == "kill" and isinstance(op.value, dict) and "nodes" in op.value]
    assert kills and all(k.get("verified") is True for k in kills), kills
    assert all(set(k["observed"].values()) == {"down"} for k in kills), kills  # type: ignore[union-attr]
    ok = [op for op in history.operations() if op.type is OpType.OK]
    assert len(ok) > 300
    assert (outcome.run_dir / "nodes" / "n1" / "etcd.log").stat().st_size > 0
    behaviour = outcome.results.checker("behaviour")
    assert isinstance(behaviour, BehaviourResult), behaviour
    assert behaviour.behaviour is Behaviour.CP_LIKE, behaviour.summary
    assert behaviour.minority.total >= 5, behaviour.summary


@pytest.mark.integration
@pytest.mark.timeout(180)
@pytest.mark.parametrize("seed", [31, 32])
def test_serializable_reads_under_partitions_are_stale(tmp_path: Path, seed: int) -> None:
    """Local reads on a member cut off from the majority miss the majority's newer writes.

    Many distinct values (so a stale value cannot be explained by an indeterminate write of the
    same value) and a short client timeout (so clients on the minority side, whose writes hang,
    get to read often) make every partition show it."""
    test = _test(tmp_path, workload="register", nemesis=("partition",), seed=seed,
                 time_limit=12.0, target={"reads": "serializable", "op-timeout": "0.5"},
                 workload_opts={"values": "1000"},
                 nemesis_opts={"interval": "3", "recovery": "1",
                               "topologies": "isolate-primary,halves"})
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.INVALID, outcome.results
    linear = outcome.results.checker("linearizable")
    assert isinstance(linear, LinearizabilityResult) and linear.verdict is Verdict.INVALID
    # The run polled etcd's leader; the report draws it beside the fault windows.
    changes, problems = read_primaries(outcome.run_dir / PRIMARIES)
    assert problems == [] and changes and len(changes[0].primaries) == 1
    assert '"leaders":[{' in (outcome.run_dir / "report.html").read_text()


@pytest.mark.integration
@pytest.mark.timeout(120)
def test_set_and_counter_without_faults_are_valid_and_converge(tmp_path: Path) -> None:
    for workload in ("set", "counter"):
        test = _test(tmp_path / workload, workload=workload, nemesis=(), seed=41,
                     time_limit=3.0)
        outcome = run_test(test, state_dir=tmp_path / workload / "state")
        assert outcome.verdict is Verdict.VALID, outcome.results
        history = read_jsonl(outcome.run_dir / "history.jsonl")
        finals = [op for op in history.operations()
                  if op.f == "final-read" and op.type is OpType.OK]
        assert sorted(op.node or "" for op in finals) == list(NODES)
