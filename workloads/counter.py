"""The counter workload: increments and reads from every node, then, after the heal and the
recovery time, a quiet wait and a final read on every node.

Options (``--workload-opt K=V``): ``read-fraction`` (default 0.3), ``final-wait`` (seconds,
default 3), ``final-attempts`` (default 10). Needs ``--concurrency`` >= the number of nodes.
Checked by :func:`checkers.counter.check_counter`: every read between the acknowledged and the
attempted sums, and every node's final read equal.

A target supports this workload with a :class:`CounterStore` per node (see :class:`CounterClient`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from checkers.compose import Compose
from checkers.counter import CounterResult, check_counter
from checkers.stats import StatsChecker
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.generators import (
    PENDING,
    Context,
    Generator,
    Invocation,
    Rng,
    Step,
    derive_seed,
    emit,
)
from harness.kernel.history import History
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete
from workloads.base import Workload
from workloads.behaviour_check import WithBehaviour
from workloads.final_reads import FINAL_READ, final_phase, require_final_readers
from workloads.options_reader import WorkloadOptionReader
from workloads.store_client import StoreClient

ADD = "add"
READ = "read"


class CounterStore(Protocol):
    """An integer counter on the system under test, as seen from one node."""

    def add(self, delta: int) -> None: ...

    def read(self, *, final: bool) -> int:
        """The value (0 if never written); ``final`` asks for this node's own replica."""

    def close(self) -> None: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class CounterOptions:
    read_fraction: float = 0.3
    final_wait_s: float = 3.0
    final_attempts: int = 10

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> CounterOptions:
        r = WorkloadOptionReader("counter", options,
                                 {"read-fraction", "final-wait", "final-attempts"})
        return cls(
            read_fraction=r.number("read-fraction", 0.3, 0.0, 1.0),
            final_wait_s=r.number("final-wait", 3.0, 0.0, 3600.0),
            final_attempts=r.integer("final-attempts", 10, 1, 1000),
        )


@dataclass(frozen=True, slots=True)
class CounterOps:
    """Endless increments (``add`` 1) mixed with reads."""

    read_fraction: float
    seed: int

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        rng = Rng(self.seed)
        inv = (Invocation(f=READ) if rng.random() < self.read_fraction
               else Invocation(f=ADD, value=1))
        out = emit(ctx, inv)
        assert out is not None
        return out, CounterOps(self.read_fraction, rng.state)

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


class CounterChecker:
    def check(self, test: TestConfig, history: History) -> CounterResult:
        return check_counter(history)


def workload(test: TestConfig) -> Workload:
    """Increments and reads on every node, then final reads; checked against the sums."""
    options = CounterOptions.parse(dict(test.workload_options))
    require_final_readers("counter", test)
    return Workload(
        name="counter",
        generator=CounterOps(options.read_fraction, derive_seed(test.seed, "counter")),
        checker=WithBehaviour(Compose({"counter": CounterChecker(), "stats": StatsChecker()})),
        final_generator=final_phase(len(test.nodes), options.final_wait_s,
                                    options.final_attempts),
    )


StoreFactory = Callable[[RunContext, str], CounterStore]


class CounterClient(StoreClient[CounterStore]):
    """A harness client for the counter workload over a target's :class:`CounterStore`."""

    def apply(self, store: CounterStore, op: Op) -> Op:
        if op.f == ADD:
            if not isinstance(op.value, int) or isinstance(op.value, bool):
                raise ValueError(f"add needs an int delta, got {op.value!r}")
            store.add(op.value)
            return complete(op, OpType.OK, op.value, node=self._node)
        if op.f in (READ, FINAL_READ):
            return complete(op, OpType.OK, store.read(final=op.f == FINAL_READ),
                            node=self._node)
        raise ValueError(f"the counter workload has no operation {op.f!r}")


__all__ = ["CounterChecker", "CounterClient", "CounterOps", "CounterOptions", "CounterStore",
           "workload"]
