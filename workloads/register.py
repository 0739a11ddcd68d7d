"""The register workload: read / write / cas on one key or on many independent keys.

Options (``--workload-opt K=V``): ``keys`` = ``single`` or ``multi`` (default multi: a few keys
active at once, each retired after ``ops-per-key`` operations, which keeps every key's history
small enough to check), ``active-keys`` (default 10), ``ops-per-key`` (default 200), ``values``
(writes and cas use values 0..values-1, default 10), ``reads`` (the fraction of operations that
are reads, the rest split evenly between write and cas; default: a third each),
``check-time-limit`` (seconds in (0, 86400], default 60).
Checked by the linearizability checker with the ``cas-register`` model, plus basic statistics.

A target supports this workload with a :class:`RegisterStore` per node (a key-value connection
with get / put / cas on strings); :class:`RegisterClient` turns it into a harness client. History
values are JSON scalars (the generator uses ints); on the wire they are strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from checkers.compose import Compose
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
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete
from workloads.base import Workload
from workloads.behaviour_check import WithBehaviour
from workloads.options_reader import WorkloadOptionReader
from workloads.store_client import StoreClient

if TYPE_CHECKING:
    from checkers.linearizable import LinearizabilityResult

FS = ("read", "write", "cas")
DEFAULT_KEY = "r"
"""The store key of single-key histories (ops without a ``key``)."""
_MAX = 1_000_000_000
"""The upper bound of the integer options (they used to be unbounded)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterOptions:
    multi_key: bool = True
    active_keys: int = 10
    ops_per_key: int = 200
    values: int = 10
    reads: float | None = None
    """The fraction of operations that are reads; None = read, write and cas a third each."""
    check_time_limit_s: float = 60.0

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> RegisterOptions:
        r = WorkloadOptionReader("register", options,
                                 {"keys", "active-keys", "ops-per-key", "values", "reads",
                                  "check-time-limit"})
        keys = options.get("keys", "multi")
        if keys not in ("single", "multi"):
            raise r.error("keys", f"expected single or multi, got {keys!r}")
        return cls(
            multi_key=keys == "multi",
            active_keys=r.integer("active-keys", 10, 1, _MAX),
            ops_per_key=r.integer("ops-per-key", 200, 1, _MAX),
            values=r.integer("values", 10, 1, _MAX),
            reads=r.number("reads", -1.0, 0.0, 1.0) if "reads" in options else None,
            check_time_limit_s=r.seconds("check-time-limit", 60.0, high=86_400.0),
        )


def random_op(rng: Rng, values: int, reads: float | None = None) -> Invocation:
    """A read, write or cas: a third each, or reads with probability ``reads`` and the rest
    split evenly between write and cas."""
    if reads is None:
        f = FS[rng.below(3)]
    else:
        f = "read" if rng.random() < reads else FS[1 + rng.below(2)]
    if f == "read":
        return Invocation(f="read")
    if f == "write":
        return Invocation(f="write", value=rng.below(values))
    return Invocation(f="cas", value=[rng.below(values), rng.below(values)])


@dataclass(frozen=True, slots=True)
class RegisterOps:
    """Endless register operations; with ``multi_key``, over a rolling set of keys."""

    options: RegisterOptions
    seed: int
    active: tuple[tuple[int, int], ...] = ()
    """(key, operations left) of the keys in use."""
    next_key: int = 0

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        rng = Rng(self.seed)
        inv = random_op(rng, self.options.values, self.options.reads)
        if not self.options.multi_key:
            out = emit(ctx, inv)
            assert out is not None
            return out, RegisterOps(self.options, rng.state)
        active, next_key = list(self.active), self.next_key
        while len(active) < self.options.active_keys:
            active.append((next_key, self.options.ops_per_key))
            next_key += 1
        slot = rng.below(len(active))
        key, left = active[slot]
        if left <= 1:
            active[slot] = (next_key, self.options.ops_per_key)
            next_key += 1
        else:
            active[slot] = (key, left - 1)
        out = emit(ctx, Invocation(f=inv.f, value=inv.value, key=key))
        assert out is not None
        return out, RegisterOps(self.options, rng.state, tuple(active), next_key)

    def update(self, ctx: Context, event: Op) -> Generator:
        # A failed operation certainly did nothing (and the checker drops it): it does not use up
        # its key. Otherwise an outage (every op failing fast, e.g. all nodes killed) retires the
        # keys in flight, and no later read of those keys can show what the fault lost.
        if event.type is not OpType.FAIL or not self.options.multi_key:
            return self
        for i, (key, left) in enumerate(self.active):
            if key == event.key:
                active = (*self.active[:i], (key, left + 1), *self.active[i + 1:])
                return RegisterOps(self.options, self.seed, active, self.next_key)
        return self


@dataclass(frozen=True, slots=True)
class LinearizableRegister:
    time_limit_s: float

    def check(self, test: TestConfig, history: History) -> LinearizabilityResult:
        # imported here: the checker's imports cost a noticeable part of `splitbrain run` startup
        from checkers.linearizable import check, get_model

        return check(history, get_model("cas-register"), time_limit=self.time_limit_s)


class RegisterStore(Protocol):
    """One connection to a node's key-value store; values are strings on the wire. Raises what
    the target's :class:`workloads.outcomes.Errors` classifies (else the op is ``info``)."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...

    def cas(self, key: str, expected: str | None, new: str) -> bool:
        """Set ``key`` to ``new`` if it holds ``expected`` (None: absent); True if it did."""
        ...

    def close(self) -> None: ...


StoreFactory = Callable[[RunContext, str], RegisterStore]


def encode(value: JSON) -> str:
    """History value -> wire string."""
    return str(value)


def decode(text: str | None) -> Scalar:
    """Wire string -> history value (ints stay ints; None: the key is absent)."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text


class RegisterClient(StoreClient[RegisterStore]):
    """A harness client for the register workload over a target's :class:`RegisterStore`:
    ``read``, ``write`` and ``cas`` (value ``[expected, new]``; a mismatch is ``fail``)."""

    def apply(self, store: RegisterStore, op: Op) -> Op:
        key = DEFAULT_KEY if op.key is None else str(op.key)
        if op.f == "read":
            return complete(op, OpType.OK, decode(store.get(key)), node=self._node)
        if op.f == "write":
            store.put(key, encode(op.value))
            return complete(op, OpType.OK, op.value, node=self._node)
        if op.f == "cas":
            if not (isinstance(op.value, list) and len(op.value) == 2):
                raise ValueError(f"cas needs [expected, new], got {op.value!r}")
            expected, new = op.value
            swapped = store.cas(key, None if expected is None else encode(expected), encode(new))
            return complete(op, OpType.OK if swapped else OpType.FAIL, op.value, node=self._node,
                            error=None if swapped else "cas mismatch")
        raise ValueError(f"the register workload has no operation {op.f!r}")


def workload(test: TestConfig) -> Workload:
    """Read / write / cas on registers, checked for linearizability."""
    options = RegisterOptions.parse(dict(test.workload_options))
    return Workload(
        name="register",
        generator=RegisterOps(options, derive_seed(test.seed, "register")),
        checker=WithBehaviour(Compose({
            "linearizable": LinearizableRegister(options.check_time_limit_s),
            "session": SessionChecker("register"),
            "stats": StatsChecker(),
        })),
    )


__all__ = ["DEFAULT_KEY", "LinearizableRegister", "RegisterClient", "RegisterOps",
           "RegisterOptions", "RegisterStore", "decode", "encode", "random_op", "workload"]
