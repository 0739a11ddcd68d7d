"""What the transactional workloads (``list-append``, ``rw-register``) share: the generator of
transactions, the harness client over a target's :class:`TxnStore`, and the checker.

Transactions follow Elle's generators (Kingsbury and Alvaro, VLDB 2020): 1 to ``max-txn-length``
micro-ops over ``active-keys`` keys; each key takes at most ``max-writes-per-key`` writes and is
then replaced by a fresh key (so reads stay short); written values are unique (one counter).
Options (``--workload-opt``): ``active-keys`` (default 3), ``max-txn-length`` (4),
``max-writes-per-key`` (32), ``read-fraction`` (0.5), ``check-time-limit`` (seconds, 60),
``consistency-model`` (the model the run must keep, default strict-serializable).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from checkers.consistency import TRANSACTIONAL
from harness.kernel.context import RunContext
from harness.kernel.generators import PENDING, Context, Invocation, Rng, Step, emit
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import CheckResult, complete
from workloads.options_reader import WorkloadOptionReader
from workloads.outcomes import Errors

TXN = "txn"


@dataclass(frozen=True, kw_only=True, slots=True)
class TxnOptions:
    active_keys: int = 3
    max_txn_length: int = 4
    max_writes_per_key: int = 32
    read_fraction: float = 0.5
    check_time_limit_s: float = 60.0
    consistency_model: str = "strict-serializable"

    @classmethod
    def parse(cls, workload: str, options: Mapping[str, str]) -> TxnOptions:
        """Raises :class:`WorkloadOptionError` naming the option."""
        known = {"active-keys", "max-txn-length", "max-writes-per-key", "read-fraction",
                 "check-time-limit", "consistency-model"}
        r = WorkloadOptionReader(workload, options, known)
        model = r.parsed("consistency-model", _transactional_model, "strict-serializable")
        return cls(active_keys=r.integer("active-keys", 3, 1, 1000),
                   max_txn_length=r.integer("max-txn-length", 4, 1, 100),
                   max_writes_per_key=r.integer("max-writes-per-key", 32, 1, 10_000),
                   read_fraction=r.number("read-fraction", 0.5, 0.0, 1.0),
                   check_time_limit_s=r.number("check-time-limit", 60.0, 0.001, 86_400),
                   consistency_model=model)


def _transactional_model(name: str) -> str:
    if name not in TRANSACTIONAL:
        raise ValueError(f"expected one of {', '.join(TRANSACTIONAL)}")
    return name


@dataclass(frozen=True, slots=True)
class TxnOps:
    """Endless transactions; ``write`` is ``"append"`` or ``"w"``. Immutable: each step returns
    the next generator."""

    options: TxnOptions
    write: str
    seed: int
    active: tuple[tuple[int, int], ...] = ()
    """(key, writes left) of the keys in use."""
    next_key: int = 0
    next_value: int = 1

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        rng = Rng(self.seed)
        active, next_key, value = list(self.active), self.next_key, self.next_value
        while len(active) < self.options.active_keys:
            active.append((next_key, self.options.max_writes_per_key))
            next_key += 1
        mops: list[JSON] = []
        for _ in range(rng.randint(1, self.options.max_txn_length)):
            slot = rng.below(len(active))
            key, left = active[slot]
            if rng.random() < self.options.read_fraction:
                mops.append(["r", key, None])
                continue
            mops.append([self.write, key, value])
            value += 1
            if left <= 1:
                active[slot] = (next_key, self.options.max_writes_per_key)
                next_key += 1
            else:
                active[slot] = (key, left - 1)
        out = emit(ctx, Invocation(f=TXN, value=mops))
        assert out is not None
        return out, TxnOps(self.options, self.write, rng.state, tuple(active), next_key, value)

    def update(self, ctx: Context, event: Op) -> TxnOps:
        return self


class TxnStore(Protocol):
    """A target's transactions: ``txn`` applies the micro-ops atomically (or raises one of the
    client's ``Errors``) and returns them with reads filled in."""

    def txn(self, mops: list[list[JSON]]) -> list[list[JSON]]: ...

    def close(self) -> None: ...


StoreFactory = Callable[[RunContext, str], TxnStore]


class TxnClient:
    """A harness client for the transactional workloads over a :class:`TxnStore`."""

    def __init__(self, connect: StoreFactory, errors: Errors, *, store: TxnStore | None = None,
                 node: str | None = None) -> None:
        self._connect = connect
        self._errors = errors
        self._store = store
        self._node = node

    def open(self, ctx: RunContext, node: str) -> TxnClient:
        return TxnClient(self._connect, self._errors, store=self._connect(ctx, node), node=node)

    def setup(self, ctx: RunContext) -> None:
        pass

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        store = self._store
        assert store is not None, "client not opened"
        try:
            if op.f != TXN or not isinstance(op.value, list):
                raise ValueError(f"the transactional workloads have no operation {op.f!r}")
            mops = [list(m) for m in op.value if isinstance(m, list)]
            result = store.txn(mops)
            return complete(op, OpType.OK, result, node=self._node)  # type: ignore[arg-type]
        except Exception as e:
            completion = self._errors.completion(op, e, self._node)
            if completion is None:
                raise
            return completion

    def teardown(self, ctx: RunContext) -> None:
        pass

    def close(self, ctx: RunContext) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@dataclass(frozen=True, slots=True)
class TxnChecker:
    """Elle-style check of the run's transactions against ``model``."""

    workload: str
    model: str
    time_limit_s: float

    def check(self, test: object, history: History) -> CheckResult:
        from checkers.elle import check_history

        return check_history(history, self.workload, model=self.model,
                             time_limit=self.time_limit_s)


__all__ = ["TXN", "StoreFactory", "TxnChecker", "TxnClient", "TxnOps", "TxnOptions",
           "TxnStore"]
