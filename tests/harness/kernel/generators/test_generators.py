from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.kernel import generators as g
from harness.kernel.ops import NEMESIS, Op, OpType

READ = g.Invocation(f="read")
WRITE = g.Invocation(f="write", value=1)
MS = 1_000_000


def _values(rng: g.Rng) -> g.Invocation:
    if rng.random() < 0.5:
        return g.Invocation(f="read")
    return g.Invocation(f="write", value=rng.randint(0, 1000), key=rng.below(3))


def _workload(seed: int, rate: float, seconds: float) -> g.Generator:
    client = g.rate(rate, g.mix([g.Fn(_values, seed), g.Repeat(READ)], seed), seed + 1)
    nemesis = g.cycle(g.seq(g.sleep(1), g.Once(g.Invocation(f="start")), g.sleep(1),
                            g.Once(g.Invocation(f="stop"))))
    return g.time_limit(seconds, g.clients(client, nemesis))


@given(n=st.integers(0, 300), concurrency=st.integers(1, 12))
def test_limit_emits_exactly_n(n: int, concurrency: int) -> None:
    sim = g.simulate(g.clients(g.limit(n, g.Repeat(READ))), concurrency=concurrency)
    assert len(sim.invocations()) == n
    assert all(op.type is not OpType.INVOKE or op.f == "read" for op in sim.history)


@settings(deadline=None, max_examples=30)
@given(rate=st.floats(5, 400), seed=st.integers(0, 2**32))
def test_rate_is_respected_on_average(rate: float, seed: int) -> None:
    seconds = 10.0
    gen = g.time_limit(seconds, g.clients(g.rate(rate, g.Repeat(READ), seed)))
    sim = g.simulate(gen, concurrency=10, respond=g.ok_after(MS))
    count = len(sim.invocations())
    expected = rate * seconds
    assert abs(count - expected) <= 0.15 * expected + 10


@settings(deadline=None, max_examples=30)
@given(limit_ms=st.integers(1, 1000), latency_ms=st.integers(2, 50))
def test_time_limit_stops_invoking_at_the_deadline(limit_ms: int, latency_ms: int) -> None:
    gen = g.TimeLimit(limit_ms * MS, g.clients(g.Repeat(READ)))
    sim = g.simulate(gen, concurrency=3, respond=g.ok_after(latency_ms * MS))
    invokes = sim.invocations()
    assert invokes
    assert max(op.time for op in invokes) < invokes[0].time + limit_ms * MS
    # and it does keep going until close to the deadline
    assert max(op.time for op in invokes) >= limit_ms * MS - latency_ms * MS


@given(n1=st.integers(1, 40), n2=st.integers(1, 40), concurrency=st.integers(1, 8),
       latency_ms=st.integers(1, 30))
def test_phases_do_not_overlap(n1: int, n2: int, concurrency: int, latency_ms: int) -> None:
    gen = g.clients(g.phases(g.limit(n1, g.Repeat(READ)), g.limit(n2, g.Repeat(WRITE))))
    sim = g.simulate(gen, concurrency=concurrency, respond=g.ok_after(latency_ms * MS))
    fs = [op.f for op in sim.invocations()]
    assert fs == ["read"] * n1 + ["write"] * n2
    last_read_done = max(i for i, op in enumerate(sim.history) if op.f == "read")
    first_write = min(i for i, op in enumerate(sim.history) if op.f == "write")
    assert last_read_done < first_write


@settings(deadline=None, max_examples=25)
@given(seed=st.integers(0, 2**32), concurrency=st.integers(1, 10))
def test_nemesis_and_clients_are_split(seed: int, concurrency: int) -> None:
    sim = g.simulate(_workload(seed, 100, 5), concurrency=concurrency)
    nemesis_fs = {"start", "stop"}
    assert any(op.process == NEMESIS for op in sim.history)
    for op in sim.history:
        if op.process == NEMESIS:
            assert op.f in nemesis_fs and op.type is OpType.INFO
        else:
            assert isinstance(op.process, int) and op.f in {"read", "write"}
    # the nemesis alternates start and stop, a second apart
    nemesis = [op for op in sim.invocations() if op.process == NEMESIS]
    assert [op.f for op in nemesis] == ["start", "stop"] * (len(nemesis) // 2) + (
        ["start"] if len(nemesis) % 2 else []
    )
    assert all(b.time - a.time >= g.seconds(1) for a, b in itertools.pairwise(nemesis))


@settings(deadline=None, max_examples=20)
@given(seed=st.integers(0, 2**32), concurrency=st.integers(1, 10))
def test_same_seed_same_operations(seed: int, concurrency: int) -> None:
    def run(latency: int) -> list[tuple[object, ...]]:
        sim = g.simulate(_workload(seed, 200, 3), concurrency=concurrency,
                         respond=g.ok_after(latency))
        return [(op.f, op.value, op.key) for op in sim.invocations() if op.is_client]

    first, again = run(MS), run(MS)
    assert first == again
    # the sequence of generated values does not depend on timing, only its length does
    slower = run(7 * MS)
    prefix = min(len(first), len(slower))
    assert first[:prefix] == slower[:prefix]


def test_different_seeds_give_different_operations() -> None:
    def ops(seed: int) -> list[object]:
        sim = g.simulate(_workload(seed, 200, 2), concurrency=4)
        return [op.value for op in sim.invocations()]

    assert ops(1) != ops(2)


@given(concurrency=st.integers(1, 10))
def test_each_thread_runs_its_own_copy(concurrency: int) -> None:
    sim = g.simulate(g.clients(g.each_thread(g.limit(2, g.Repeat(READ)))),
                     concurrency=concurrency)
    processes = [op.process for op in sim.invocations()]
    assert sorted(processes) == sorted(list(range(concurrency)) * 2)


@given(failures=st.integers(0, 20))
def test_until_ok_stops_after_the_first_ok(failures: int) -> None:
    calls = iter(range(10_000))

    def respond(op: Op) -> g.Response:
        return g.Response(latency_ns=MS, type=OpType.FAIL if next(calls) < failures
                          else OpType.OK)

    sim = g.simulate(g.clients(g.until_ok(g.Repeat(READ))), concurrency=1, respond=respond)
    assert len(sim.invocations()) == failures + 1


@given(n=st.integers(1, 5), times=st.integers(1, 5))
def test_cycle_repeats(n: int, times: int) -> None:
    sim = g.simulate(g.clients(g.cycle(g.limit(n, g.Repeat(READ)), times)), concurrency=2)
    assert len(sim.invocations()) == n * times


@given(seed=st.integers(0, 2**32))
def test_mix_uses_every_generator(seed: int) -> None:
    gen = g.clients(g.limit(400, g.mix([g.Repeat(READ), g.Repeat(WRITE)], seed)))
    fs = [op.f for op in g.simulate(gen, concurrency=3).invocations()]
    assert 100 < fs.count("read") < 300


def test_info_retires_the_process() -> None:
    def respond(op: Op) -> g.Response:
        return g.Response(latency_ns=MS, type=OpType.INFO)

    sim = g.simulate(g.clients(g.limit(7, g.Repeat(READ))), concurrency=2, respond=respond)
    assert [op.process for op in sim.invocations()] == [0, 1, 2, 3, 4, 5, 6]


def test_sleep_delays_the_next_phase() -> None:
    gen = g.clients(g.phases(g.sleep(2.5), g.Once(READ)))
    (invoke,) = g.simulate(gen, concurrency=2).invocations()
    assert invoke.time >= g.seconds(2.5)
