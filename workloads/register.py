"""The register workload: read / write / cas on one key or on many independent keys.

Options (``--workload-opt K=V``): ``keys`` = ``single`` or ``multi`` (default multi: a few keys
active at once, each retired after ``ops-per-key`` operations, which keeps every key's history
small enough to check), ``active-keys`` (default 10), ``ops-per-key`` (default 200), ``values``
(writes and cas use values 0..values-1, default 10), ``check-time-limit`` (seconds in
(0, 86400], default 60).
Checked by the linearizability checker with the ``cas-register`` model, plus basic statistics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checkers.session import SessionChecker
from harness.config import TestConfig
from harness.generators import (
    PENDING,
    Context,
    Generator,
    Invocation,
    Rng,
    Step,
    derive_seed,
    emit,
)
from harness.history import History
from harness.ops import Op, OpType
from workloads.base import Compose, StatsChecker, Workload
from workloads.behaviour_check import WithBehaviour
from workloads.options_reader import WorkloadOptionReader

if TYPE_CHECKING:
    from checkers.linearizable import LinearizabilityResult

FS = ("read", "write", "cas")
_MAX = 1_000_000_000
"""The upper bound of the integer options (they used to be unbounded)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterOptions:
    multi_key: bool = True
    active_keys: int = 10
    ops_per_key: int = 200
    values: int = 10
    check_time_limit_s: float = 60.0

    @classmethod
    def parse(cls, options: Mapping[str, str]) -> RegisterOptions:
        r = WorkloadOptionReader("register", options,
                                 {"keys", "active-keys", "ops-per-key", "values",
                                  "check-time-limit"})
        keys = options.get("keys", "multi")
        if keys not in ("single", "multi"):
            raise r.error("keys", f"expected single or multi, got {keys!r}")
        return cls(
            multi_key=keys == "multi",
            active_keys=r.integer("active-keys", 10, 1, _MAX),
            ops_per_key=r.integer("ops-per-key", 200, 1, _MAX),
            values=r.integer("values", 10, 1, _MAX),
            check_time_limit_s=r.seconds("check-time-limit", 60.0, high=86_400.0),
        )


def random_op(rng: Rng, values: int) -> Invocation:
    f = FS[rng.below(3)]
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
        inv = random_op(rng, self.options.values)
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


__all__ = ["LinearizableRegister", "RegisterOps", "RegisterOptions", "random_op", "workload"]
