"""Random concurrent histories for the property tests and the benchmark.

A simulated object really exists: each operation takes effect at a random moment between its
invocation and its completion (or, if the process crashes, maybe never). Some completions are then
corrupted, so that both linearizable and non-linearizable histories come out.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.kernel.history import History, history_of
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import Op, OpType

State = object
Apply = Callable[[State, str, JSON], tuple[State, OpType, JSON]]
"""(state, f, value) -> (next state, ok or fail, completion value)."""


@dataclass(frozen=True, kw_only=True)
class Workload:
    """How to invoke, apply and corrupt the operations of one model."""

    init: Callable[[], State]
    invoke: Callable[[random.Random, Callable[[], int]], tuple[str, JSON, Scalar]]
    """(rng, fresh value) -> (f, value, key)."""
    apply: Apply
    corrupt: Callable[[random.Random, str, JSON, OpType, JSON], tuple[OpType, JSON]]


@dataclass
class _Pending:
    process: int
    f: str
    value: JSON
    key: Scalar
    outcome: tuple[OpType, JSON] | None = None


@dataclass
class _Sim:
    rng: random.Random
    workload: Workload
    events: list[Op] = field(default_factory=list)
    states: dict[Scalar, State] = field(default_factory=dict)

    def emit(self, process: int, type: OpType, f: str, value: JSON, key: Scalar) -> None:
        n = len(self.events)
        self.events.append(
            Op(index=n, time=n, type=type, process=process, f=f, value=value, key=key)
        )

    def take_effect(self, p: _Pending) -> None:
        state = self.states.get(p.key, self.workload.init())
        after, type, output = self.workload.apply(state, p.f, p.value)
        if type is OpType.OK:
            self.states[p.key] = after
        p.outcome = (type, output)


def simulate(
    workload: Workload,
    rng: random.Random,
    *,
    operations: int,
    processes: int,
    crash: float,
    corrupt: float,
    late: float = 0.0,
) -> History:
    """A history of ``operations`` operations by ``processes`` concurrent processes.

    ``crash``: chance that a completion is lost (the op is ``info``); ``corrupt``: chance that a
    completion's value is made up; ``late``: chance that a crashed operation which had not taken
    effect yet takes effect at a random later moment (as when a partition heals).
    """
    sim = _Sim(rng=rng, workload=workload)
    counter = iter(range(1, 10**9))
    slots: list[_Pending | None] = [None] * processes
    pids = list(range(processes))
    next_pid = processes
    started = 0
    limbo: list[_Pending] = []
    while started < operations or any(slots):
        if limbo and rng.random() < 0.05:
            sim.take_effect(limbo.pop(rng.randrange(len(limbo))))
            continue
        i = rng.randrange(processes)
        p = slots[i]
        if p is None:
            if started >= operations:
                continue
            f, value, key = workload.invoke(rng, lambda: next(counter))
            slots[i] = _Pending(process=pids[i], f=f, value=value, key=key)
            sim.emit(pids[i], OpType.INVOKE, f, value, key)
            started += 1
            continue
        if p.outcome is None and rng.random() < 0.5:
            sim.take_effect(p)
            continue
        if rng.random() < crash:
            if rng.random() < 0.5:
                sim.emit(p.process, OpType.INFO, p.f, p.value, p.key)
            # else: never completed; the history treats it as info.
            if p.outcome is None and rng.random() < late:
                limbo.append(p)
            slots[i] = None
            pids[i] = next_pid
            next_pid += 1
            continue
        if p.outcome is None:
            sim.take_effect(p)
        assert p.outcome is not None
        type, output = p.outcome
        if rng.random() < corrupt:
            type, output = workload.corrupt(rng, p.f, p.value, type, output)
        sim.emit(p.process, type, p.f, output, p.key)
        slots[i] = None
    return history_of(sim.events)


__all__ = ["Workload", "simulate"]
