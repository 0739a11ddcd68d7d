"""The shared harness client of the set and counter workloads: one connection to a target's
per-node store (a :class:`workloads.set.SetStore` or :class:`workloads.counter.CounterStore`),
opened per client and node; an exception the target's :class:`workloads.outcomes.Errors` knows
becomes a ``fail`` or ``info`` completion, any other propagates (a harness bug)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, Self, TypeVar

from harness.kernel.context import RunContext
from harness.kernel.ops import Op
from workloads.outcomes import Errors


class Closable(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=Closable)


class StoreClient(Generic[S]):
    """A harness client over a store ``S`` made by ``connect(ctx, node)``.

    Subclasses implement :meth:`apply` (the op on the store) and may override :meth:`failed`
    (the completion recorded when the store raises a known error)."""

    def __init__(self, connect: Callable[[RunContext, str], S], errors: Errors, *,
                 store: S | None = None, node: str | None = None) -> None:
        self._connect = connect
        self._errors = errors
        self._store = store
        self._node = node

    def open(self, ctx: RunContext, node: str) -> Self:
        return type(self)(self._connect, self._errors, store=self._connect(ctx, node), node=node)

    def setup(self, ctx: RunContext) -> None:
        pass

    def apply(self, store: S, op: Op) -> Op:
        """The completion of ``op`` run on ``store``; raises what the store raises, and
        ValueError for an op the workload does not have."""
        raise NotImplementedError

    def failed(self, op: Op, completion: Op) -> Op:
        """The completion to record when ``op`` raised a known error (``completion``)."""
        return completion

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        store = self._store
        assert store is not None, "client not opened"
        try:
            return self.apply(store, op)
        except Exception as e:
            completion = self._errors.completion(op, e, self._node)
            if completion is None:
                raise
            return self.failed(op, completion)

    def teardown(self, ctx: RunContext) -> None:
        pass

    def close(self, ctx: RunContext) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


__all__ = ["Closable", "StoreClient"]
