"""Generators that produce operations themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.kernel.generators._core import (
    PENDING,
    Context,
    Generator,
    GenOp,
    Invocation,
    OpKind,
    Rng,
    Step,
)
from harness.kernel.ops import Op


def emit(ctx: Context, inv: Invocation) -> GenOp | None:
    """``inv`` for the first free thread in scope, now; None if no thread is free."""
    free = ctx.free
    if not free:
        return None
    return GenOp(ctx.workers[free[0]], inv.f, inv.value, inv.key, ctx.time)  # positional: faster


@dataclass(frozen=True, slots=True)
class Nothing:
    """Exhausted from the start."""

    def op(self, ctx: Context) -> Step:
        return None

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


NOTHING = Nothing()


@dataclass(frozen=True, slots=True)
class Once:
    """One operation."""

    inv: Invocation

    def op(self, ctx: Context) -> Step:
        out = emit(ctx, self.inv)
        return PENDING if out is None else (out, NOTHING)

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


@dataclass(frozen=True, slots=True)
class Repeat:
    """The same operation forever."""

    inv: Invocation

    def op(self, ctx: Context) -> Step:
        out = emit(ctx, self.inv)
        return PENDING if out is None else (out, self)

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


@dataclass(frozen=True, slots=True)
class Fn:
    """Operations made by ``fn(rng)`` until it returns None; ``rng`` is seeded from ``seed``."""

    fn: Callable[[Rng], Invocation | None]
    seed: int

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        rng = Rng(self.seed)
        inv = self.fn(rng)
        if inv is None:
            return None
        out = emit(ctx, inv)
        assert out is not None
        return out, Fn(self.fn, rng.state)

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


@dataclass(frozen=True, slots=True)
class Sleep:
    """Keeps one worker busy for ``ns`` nanoseconds (within phases: a pause between them)."""

    ns: int

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        thread = ctx.free[0]
        out = GenOp(
            process=ctx.workers[thread], f="sleep", value=self.ns, time=ctx.time,
            kind=OpKind.SLEEP,
        )
        return out, NOTHING

    def update(self, ctx: Context, event: Op) -> Generator:
        return self


__all__ = ["NOTHING", "Fn", "Nothing", "Once", "Repeat", "Sleep", "emit"]
