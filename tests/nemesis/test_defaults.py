from __future__ import annotations

from harness.kernel.config import TestConfig
from harness.kernel.protocols import NoopDB
from harness.shell.run import plan
from harness.shell.runtime.faults import Fault
from nemesis.defaults import DEFAULT, default_nemeses, expand


def test_the_default_is_every_fault_raftkv_can_take() -> None:
    the_plan = plan(TestConfig(name="t", target="raftkv", workload="register",
                               nemesis=(DEFAULT,)))
    assert the_plan.test.nemesis == ("partition", "kill", "pause", "clock")
    assert the_plan.nemesis.generator is not None


def test_the_default_leaves_out_what_the_db_or_the_runtime_cannot_do() -> None:
    everything = set(Fault)
    assert default_nemeses(NoopDB(), everything) == ("partition",)
    assert default_nemeses(NoopDB(), set()) == ("none",)
    assert expand(("partition", DEFAULT), NoopDB(), everything) == ("partition",)
    assert expand(("none",), NoopDB(), everything) == ("none",)


def test_a_one_node_cluster_gets_no_partition_by_default() -> None:
    everything = set(Fault)
    assert default_nemeses(NoopDB(), everything, nodes=1) == ("none",)
    the_plan = plan(TestConfig(name="t", target="raftkv", workload="register",
                               nemesis=(DEFAULT,), nodes=("n1",)))
    assert "partition" not in the_plan.test.nemesis


def test_a_two_node_cluster_runs_the_default_nemesis() -> None:
    # the default topologies include majorities-ring and bridge (3+ nodes): they are left out
    # on 2 nodes instead of refusing the run (it used to exit 254 on `--nodes 2`)
    the_plan = plan(TestConfig(name="t", target="raftkv", workload="register",
                               nemesis=(DEFAULT,), nodes=("n1", "n2")))
    assert the_plan.test.nemesis == ("partition", "kill", "pause", "clock")
    assert the_plan.nemesis.generator is not None


def test_a_fault_the_target_cannot_take_is_refused_before_anything_starts() -> None:
    import pytest

    from nemesis.defaults import refuse_unable
    from nemesis.operations import UnsupportedByTargetError

    refuse_unable(("partition", "none"), NoopDB(), "t")
    for name in ("kill", "pause", "clock"):
        with pytest.raises(UnsupportedByTargetError, match=f"cannot take {name} faults"):
            refuse_unable(("partition", name), NoopDB(), "t")
    # the example plugin target (installed by scripts/setup) has no libfaketime control
    with pytest.raises(UnsupportedByTargetError, match="cannot take clock faults"):
        plan(TestConfig(name="t", target="example-kv", workload="register",
                        nemesis=("clock",)))
