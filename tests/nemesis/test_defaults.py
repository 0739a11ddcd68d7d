from __future__ import annotations

from harness.config import TestConfig
from harness.protocols import NoopDB
from harness.run import plan
from harness.runtime.faults import Fault
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
