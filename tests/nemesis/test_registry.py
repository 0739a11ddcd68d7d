from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from harness.kernel import generators as g
from harness.kernel.clock import ManualClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.ops import NEMESIS, Op, OpType
from harness.kernel.protocols import NoopDB, NoopNemesis, complete
from harness.shell.runtime.static import StaticRuntime
from nemesis import registry
from nemesis.registry import NemesisOptionError, NemesisPackage, build


class Recorder(NoopNemesis):
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    def setup(self, ctx: RunContext) -> Recorder:
        self.log.append(f"setup {self.name}")
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        self.log.append(f"{self.name} {op.f}")
        return complete(op, OpType.INFO, self.name)

    def teardown(self, ctx: RunContext) -> None:
        self.log.append(f"teardown {self.name}")

    def active_faults(self) -> Sequence[str]:
        return [self.name]


def _ctx(tmp_path: Path, nemesis: tuple[str, ...]) -> RunContext:
    return RunContext(
        test=TestConfig(name="t", target="x", workload="y", nemesis=nemesis),
        runtime=StaticRuntime({"n1": "127.0.0.1"}), db=NoopDB(), run_dir=tmp_path,
        clock=ManualClock(), rng=random.Random(0), log=logging.getLogger("t"),
    )


def test_none_and_unknown_names() -> None:
    assert isinstance(build(TestConfig(name="t", target="x", workload="y",
                                       nemesis=("none",))).nemesis, NoopNemesis)
    with pytest.raises(NemesisOptionError, match="unknown nemesis meteor"):
        build(TestConfig(name="t", target="x", workload="y", nemesis=("meteor",)))


def test_composed_packages_route_by_f_and_tear_everything_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []

    def factory(name: str) -> registry.NemesisFactory:
        def make(test: TestConfig) -> NemesisPackage:
            start = g.Once(g.Invocation(f=f"start-{name}"))
            stop = g.Once(g.Invocation(f=f"stop-{name}"))
            return NemesisPackage(nemesis=Recorder(name, log), generator=start,
                                  final_generator=stop, recovery_s=2.0,
                                  fs=frozenset({f"start-{name}", f"stop-{name}"}))
        return make

    monkeypatch.setitem(registry.NEMESES, "a", factory("a"))
    monkeypatch.setitem(registry.NEMESES, "b", factory("b"))
    test = TestConfig(name="t", target="x", workload="y", nemesis=("a", "b"))
    package = build(test)
    assert package.recovery_s == 2.0
    ctx = _ctx(tmp_path, ("a", "b"))
    nemesis = package.nemesis.setup(ctx)
    assert package.generator is not None and package.final_generator is not None
    sim = g.simulate(g.clients(g.Nothing(), g.seq(package.generator, package.final_generator)),
                     concurrency=1)
    fs = [op.f for op in sim.history if op.process == NEMESIS][::2]  # start, end, start, ..
    assert sorted(fs[:2]) == ["start-a", "start-b"] and fs[2:] == ["stop-a", "stop-b"]
    for f in fs:
        op = Op(index=0, time=0, type=OpType.INFO, process=NEMESIS, f=f)
        assert nemesis.invoke(ctx, op).value == f.split("-")[1]
    assert isinstance(nemesis, registry.ComposedNemesis)
    assert list(nemesis.active_faults()) == ["a", "b"]
    nemesis.teardown(ctx)
    assert log[:2] == ["setup a", "setup b"] and log[-2:] == ["teardown a", "teardown b"]
