from __future__ import annotations

from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.interpreter import Stats
from harness.kernel.ops import NEMESIS
from harness.kernel.protocols import NoopNemesis
from harness.shell.progress import progress_line
from harness.shell.run import build_generator as make_generator
from nemesis.registry import NemesisPackage
from workloads.register import workload

S = 1_000_000_000


def test_schedule_faults_then_heal_then_fault_free_recovery() -> None:
    test = TestConfig(name="t", target="raftkv", workload="register", time_limit=10, rate=50,
                      seed=3)
    package = NemesisPackage(
        nemesis=NoopNemesis(),
        generator=g.cycle(g.seq(g.sleep(2), g.Once(g.Invocation(f="start")))),
        final_generator=g.Once(g.Invocation(f="heal")),
        recovery_s=5,
    )
    gen = make_generator(test, workload(test), package)
    sim = g.simulate(gen, concurrency=5)
    nemesis = [op for op in sim.history if op.process == NEMESIS][::2]
    starts = [op.time for op in nemesis if op.f == "start"]
    (heal,) = [op.time for op in nemesis if op.f == "heal"]
    assert len(starts) == 4 and max(starts) < 10 * S <= heal
    clients = [op.time for op in sim.invocations() if op.process != NEMESIS]
    assert max(clients) > heal + 4 * S  # clients keep going through the recovery phase
    assert max(clients) < 15 * S
    assert abs(len(clients) - 50 * 15) < 0.15 * 50 * 15


def test_without_faults_clients_run_for_the_time_limit_at_the_rate() -> None:
    test = TestConfig(name="t", target="raftkv", workload="register", time_limit=20, rate=100,
                      seed=4)
    gen = make_generator(test, workload(test), NemesisPackage(nemesis=NoopNemesis()))
    sim = g.simulate(gen, concurrency=10)
    invokes = sim.invocations()
    assert all(op.process != NEMESIS for op in sim.history)
    assert max(op.time for op in invokes) < 20 * S
    assert abs(len(invokes) - 2000) < 200


def test_progress_line_shows_counts_and_faults() -> None:
    stats = Stats(ok=7, fail=2, info=1)
    line = progress_line(3.5, 42.0, stats, ["partition halves", "kill n2"])
    assert "ok 7" in line and "fail 2" in line and "info 1" in line
    assert "42.0 ops/s" in line and "partition halves, kill n2" in line
    assert "faults: none" in progress_line(1, 1, stats, [])
