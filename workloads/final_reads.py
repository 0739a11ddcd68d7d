"""A generator of final reads: one successful read on each of the first ``nodes`` client threads
(thread ``t`` talks to node ``t % nodes``, so that is every node).

A read that fails or is indeterminate is retried on the same thread after ``retry_s``, up to
``attempts`` times in all.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.kernel.config import TestConfig
from harness.kernel.generators import (
    NS_PER_S,
    PENDING,
    Context,
    Generator,
    GenOp,
    Step,
    Thread,
    phases,
    sleep,
)
from harness.kernel.ops import Op, OpType
from workloads.base import WorkloadOptionError

FINAL_READ = "final-read"


@dataclass(frozen=True, slots=True)
class FinalReads:
    nodes: int
    retry_s: float = 0.5
    attempts: int = 10
    next_at: tuple[tuple[Thread, int], ...] = ()
    """Earliest time of each thread's next attempt (after a failure)."""
    used: tuple[tuple[Thread, int], ...] = ()
    """Attempts each thread has made."""
    done: frozenset[Thread] = frozenset()

    def _remaining(self) -> list[Thread]:
        used = dict(self.used)
        return [t for t in range(self.nodes)
                if t not in self.done and used.get(t, 0) < self.attempts]

    def op(self, ctx: Context) -> Step:
        remaining = self._remaining()
        if not remaining:
            return None
        after = dict(self.next_at)
        best: tuple[int, Thread] | None = None
        for t in remaining:
            if t not in ctx.free:
                continue
            at = max(after.get(t, 0), ctx.time)
            if best is None or at < best[0]:
                best = (at, t)
        if best is None:
            return PENDING
        at, thread = best
        used = dict(self.used)
        used[thread] = used.get(thread, 0) + 1
        out = GenOp(process=ctx.workers[thread], f=FINAL_READ, time=at)
        return out, FinalReads(self.nodes, self.retry_s, self.attempts,
                               self.next_at, tuple(used.items()), self.done)

    def update(self, ctx: Context, event: Op) -> Generator:
        if event.f != FINAL_READ or event.type is OpType.INVOKE or not isinstance(
            event.process, int
        ):
            return self
        thread = ctx.thread_of(event.process)
        if event.type is OpType.OK:
            return FinalReads(self.nodes, self.retry_s, self.attempts,
                              self.next_at, self.used, self.done | {thread})
        after = dict(self.next_at)
        after[thread] = ctx.time + int(self.retry_s * NS_PER_S)
        return FinalReads(self.nodes, self.retry_s, self.attempts,
                          tuple(after.items()), self.used, self.done)


def final_phase(nodes: int, wait_s: float, attempts: int) -> Generator:
    """A quiet wait of ``wait_s`` seconds (none if 0), then a final read on every node."""
    reads = FinalReads(nodes, attempts=attempts)
    return phases(sleep(wait_s), reads) if wait_s > 0 else reads


def require_final_readers(workload: str, test: TestConfig) -> None:
    """Raises :class:`WorkloadOptionError` unless ``test`` has a client per node (the first
    ``nodes`` clients make the final reads)."""
    if test.concurrency < len(test.nodes):
        raise WorkloadOptionError(
            f"the {workload} workload needs --concurrency >= --nodes (final reads come from "
            f"every node); got concurrency {test.concurrency} for {len(test.nodes)} nodes"
        )


__all__ = ["FINAL_READ", "FinalReads", "final_phase", "require_final_readers"]
