"""The set workload: unique adds from every client, reads from every node during the test, and,
after the heal and the recovery time, a quiet wait and a final read on every node.

Options (``--workload-opt K=V``): ``read-fraction`` (share of reads among the ops, default 0.2),
``final-wait`` (quiet seconds before the final reads, default 3), ``final-attempts`` (tries per
node, default 10). Needs ``--concurrency`` >= the number of nodes (client ``t`` talks to node
``t % nodes``, so the first ``nodes`` clients make the final reads). Checked by
:func:`checkers.eventual.check_set`: lost, unexpected and recovered elements, convergence,
stale reads and time to visibility.

A target supports this workload with a :class:`SetStore` per node; :class:`SetClient` turns it into
a harness client. A read's result is recorded compactly (:mod:`harness.kernel.intranges`): as sorted
ranges, or as the difference from the same client's previous successful read, so that the
history grows with the number of operations, not with operations times the set's size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from checkers.compose import Compose
from checkers.eventual import SetResult, check_set
from checkers.session import SessionChecker
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
from harness.kernel.intranges import encode_read
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete
from workloads.base import Workload
from workloads.behaviour_check import WithBehaviour
from workloads.final_reads import FINAL_READ, final_phase, require_final_readers
from workloads.options_reader import WorkloadOptionReader
from workloads.outcomes import Errors
from workloads.store_client import StoreClient

ADD = "add"
READ = "read"


class SetStore(Protocol):
    """A grow-only set of ints on the system under test, as seen from one node."""

    def add(self, element: int) -> None: ...

    def read(self, *, final: bool) -> list[int]:
        """The elements; ``final`` asks for this node's own replica where the system has one."""

    def close(self) -> None: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class SetOptions:
    read_fraction: float = 0.2
    final_wait_s: float = 3.0
    final_attempts: int = 10

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> SetOptions:
        r = WorkloadOptionReader("set", options,
                                 {"read-fraction", "final-wait", "final-attempts"})
        return cls(
            read_fraction=r.number("read-fraction", 0.2, 0.0, 1.0),
            final_wait_s=r.number("final-wait", 3.0, 0.0, 3600.0),
            final_attempts=r.integer("final-attempts", 10, 1, 1000),
        )


@dataclass(frozen=True, slots=True)
class SetOps:
    """Endless adds of 0, 1, 2, ... (each once) mixed with reads."""

    read_fraction: float
    seed: int
    next_element: int = 0

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        rng = Rng(self.seed)
        if rng.random() < self.read_fraction:
            out = emit(ctx, Invocation(f=READ))
            assert out is not None
            return out, SetOps(self.read_fraction, rng.state, self.next_element)
        out = emit(ctx, Invocation(f=ADD, value=self.next_element))
        assert out is not None
        return out, SetOps(self.read_fraction, rng.state, self.next_element + 1)

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


class SetChecker:
    def check(self, test: TestConfig, history: History) -> SetResult:
        return check_set(history)


def workload(test: TestConfig) -> Workload:
    """Unique adds and reads on every node, then final reads; checked for lost elements."""
    options = SetOptions.parse(dict(test.workload_options))
    require_final_readers("set", test)
    return Workload(
        name="set",
        generator=SetOps(options.read_fraction, derive_seed(test.seed, "set")),
        checker=WithBehaviour(Compose({"set": SetChecker(), "session": SessionChecker("set"),
                                       "stats": StatsChecker()})),
        final_generator=final_phase(len(test.nodes), options.final_wait_s,
                                    options.final_attempts),
    )


StoreFactory = Callable[[RunContext, str], SetStore]


class SetClient(StoreClient[SetStore]):
    """A harness client for the set workload over a target's :class:`SetStore`."""

    def __init__(self, connect: StoreFactory, errors: Errors, *, store: SetStore | None = None,
                 node: str | None = None) -> None:
        super().__init__(connect, errors, store=store, node=node)
        self._last: tuple[int, frozenset[int]] | None = None
        """The invocation index and elements of this client's last successful read: the next
        read is recorded relative to it (:func:`harness.kernel.intranges.encode_read`)."""

    def apply(self, store: SetStore, op: Op) -> Op:
        if op.f == ADD:
            if not isinstance(op.value, int):
                raise ValueError(f"add needs an int element, got {op.value!r}")
            store.add(op.value)
            return complete(op, OpType.OK, op.value, node=self._node)
        if op.f in (READ, FINAL_READ):
            elements = frozenset(store.read(final=op.f == FINAL_READ))
            value = encode_read(elements, self._last)
            self._last = (op.index, elements)
            return complete(op, OpType.OK, value, node=self._node)
        raise ValueError(f"the set workload has no operation {op.f!r}")

    def failed(self, op: Op, completion: Op) -> Op:
        if op.f == ADD:  # keep the element in the record: the checker needs it
            return complete(op, completion.type, op.value, error=completion.error,
                            node=self._node)
        return completion


__all__ = ["SetChecker", "SetClient", "SetOps", "SetOptions", "SetStore", "final_phase",
           "workload"]
