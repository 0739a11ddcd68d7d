"""A deterministic simulation of the interpreter: no threads, a simulated clock.

Each invoked op completes after the latency and with the outcome that ``respond`` returns; a
completion that is due before the next operation is applied first, as the real interpreter would.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

from harness.kernel.generators._core import PENDING, Context, Generator, GenOp, OpKind, Thread
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import NEMESIS, Op, OpType, Process


@dataclass(frozen=True, kw_only=True, slots=True)
class Response:
    latency_ns: int
    type: OpType = OpType.OK
    value: JSON = None


def ok_after(latency_ns: int) -> Callable[[Op], Response]:
    """Every op completes ``ok`` (with its own value) after ``latency_ns``."""
    return lambda op: Response(latency_ns=latency_ns, value=op.value)


@dataclass(frozen=True, kw_only=True, slots=True)
class Simulation:
    history: tuple[Op, ...]
    end_time: int

    def invocations(self) -> list[Op]:
        return [op for op in self.history if op.type is OpType.INVOKE]


class SimulationStuckError(RuntimeError):
    """The generator stayed pending with nothing in flight for too long."""


def simulate(
    gen: Generator,
    *,
    concurrency: int,
    respond: Callable[[Op], Response] | None = None,
    nemesis: bool = True,
    max_ops: int = 100_000,
    max_time_ns: int = 3_600 * 1_000_000_000,
    poll_ns: int = 1_000_000,
) -> Simulation:
    """Run ``gen`` to exhaustion (or ``max_ops`` invocations / ``max_time_ns``).

    ``respond`` defaults to: every op completes ``ok`` after 1 ms.
    """
    if respond is None:
        respond = ok_after(1_000_000)
    threads: tuple[Thread, ...] = tuple(range(concurrency))
    if nemesis:
        threads = (*threads, NEMESIS)
    workers: dict[Thread, Process] = {t: t for t in threads}
    busy: set[Thread] = set()
    inflight: list[tuple[int, int, Thread, Op | None, Response | None]] = []
    history: list[Op] = []
    time = 0
    seq = 0
    invoked = 0
    idle_polls = 0

    def context() -> Context:
        free = tuple(t for t in threads if t not in busy)
        return Context(time, threads, free, dict(workers), concurrency)

    def finish_next() -> None:
        nonlocal time, gen
        done, _, thread, invocation, response = heapq.heappop(inflight)
        time = max(time, done)
        busy.discard(thread)
        if invocation is None or response is None:
            return  # a sleep
        kind = response.type if invocation.is_client else OpType.INFO
        completion = Op(
            index=len(history), time=time, type=kind, process=invocation.process,
            f=invocation.f, value=response.value, key=invocation.key,
        )
        history.append(completion)
        gen = gen.update(context(), completion)
        if kind is OpType.INFO and invocation.is_client:
            assert isinstance(invocation.process, int)
            workers[thread] = invocation.process + concurrency

    while invoked < max_ops and time <= max_time_ns:
        step = gen.op(context())
        if step is None:
            break
        if step is PENDING:
            if inflight:
                finish_next()
                idle_polls = 0
                continue
            idle_polls += 1
            if idle_polls * poll_ns > max_time_ns:
                raise SimulationStuckError("generator pending with nothing in flight")
            time += poll_ns
            continue
        idle_polls = 0
        assert not isinstance(step, type(PENDING))
        out, nxt = step
        if inflight and inflight[0][0] <= out.time:
            finish_next()
            continue
        time = max(time, out.time)
        if time > max_time_ns:
            break
        thread = _thread_of(out, concurrency)
        if thread in busy or workers.get(thread) != out.process:
            raise AssertionError(f"generator emitted {out} for a busy or unknown process")
        gen = nxt
        busy.add(thread)
        seq += 1
        if out.kind is OpKind.SLEEP:
            assert isinstance(out.value, int)
            heapq.heappush(inflight, (time + out.value, seq, thread, None, None))
            continue
        invocation = Op(
            index=len(history), time=time, type=OpType.INVOKE if thread != NEMESIS
            else OpType.INFO, process=out.process, f=out.f, value=out.value, key=out.key,
        )
        history.append(invocation)
        invoked += 1
        gen = gen.update(context(), invocation)
        response = respond(invocation)
        heapq.heappush(
            inflight, (time + response.latency_ns, seq, thread, invocation, response)
        )
    while inflight:
        finish_next()
    return Simulation(history=tuple(history), end_time=time)


def _thread_of(out: GenOp, concurrency: int) -> Thread:
    return out.process % concurrency if isinstance(out.process, int) else out.process


__all__ = ["Response", "Simulation", "SimulationStuckError", "ok_after", "simulate"]
