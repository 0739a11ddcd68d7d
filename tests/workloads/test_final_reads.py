from __future__ import annotations

from harness.kernel import generators as g
from harness.kernel.ops import Op, OpType
from workloads.final_reads import FinalReads


def test_retries_a_failed_final_read_on_the_same_thread_then_stops() -> None:
    failures = {"left": 2}

    def respond(op: Op) -> g.Response:
        if op.process % 4 == 1 and failures["left"] > 0:
            failures["left"] -= 1
            return g.Response(latency_ns=1_000_000, type=OpType.FAIL)
        return g.Response(latency_ns=1_000_000, value=[])

    sim = g.simulate(g.clients(FinalReads(3, retry_s=0.5)), concurrency=4, respond=respond)
    invokes = sim.invocations()
    assert sorted(op.process for op in invokes) == [0, 1, 1, 1, 2]
    retries = [op.time for op in invokes if op.process == 1]
    assert retries[1] - retries[0] >= g.NS_PER_S // 2


def test_gives_up_after_the_attempts() -> None:
    sim = g.simulate(g.clients(FinalReads(2, retry_s=0.01, attempts=3)), concurrency=2,
                     respond=lambda op: g.Response(latency_ns=1000, type=OpType.INFO))
    assert len(sim.invocations()) == 6
