"""Combinators: frozen records wrapping other generators."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.kernel.generators._core import (
    PENDING,
    Context,
    Generator,
    GenOp,
    Pending,
    Rng,
    Step,
    Thread,
    splitmix64,
)
from harness.kernel.generators._leaves import NOTHING
from harness.kernel.ops import NEMESIS, Op, OpType


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``remaining`` operations of ``gen``."""

    remaining: int
    gen: Generator

    def op(self, ctx: Context) -> Step:
        if self.remaining <= 0:
            return None
        step = self.gen.op(ctx)
        if step is None or step is PENDING:
            return step
        out, nxt = step
        return out, Limit(self.remaining - 1, nxt)

    def update(self, ctx: Context, event: Op) -> Generator:
        gen = self.gen.update(ctx, event)
        return self if gen is self.gen else Limit(self.remaining, gen)


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """Operations of ``gen`` until ``limit_ns`` after the first one is due."""

    limit_ns: int
    gen: Generator
    deadline: int | None = None

    def op(self, ctx: Context) -> Step:
        if self.deadline is not None and ctx.time >= self.deadline:
            return None
        step = self.gen.op(ctx)
        if step is None or step is PENDING:
            return step
        out, nxt = step
        deadline = self.deadline if self.deadline is not None else out.time + self.limit_ns
        if out.time >= deadline:
            return None
        return out, TimeLimit(self.limit_ns, nxt, deadline)

    def update(self, ctx: Context, event: Op) -> Generator:
        gen = self.gen.update(ctx, event)
        return self if gen is self.gen else TimeLimit(self.limit_ns, gen, self.deadline)


MAX_LAG_NS = 1_000_000_000
"""How far behind schedule :class:`Stagger` may fall before it stops catching up."""


@dataclass(frozen=True, slots=True)
class Stagger:
    """Spaces operations by uniformly random gaps in [0, 2*mean_ns): on average 1/mean_ns."""

    mean_ns: int
    gen: Generator
    seed: int
    next_time: int | None = None

    def op(self, ctx: Context) -> Step:
        step = self.gen.op(ctx)
        if step is None or step is PENDING:
            return step
        out, nxt = step
        # Schedule from the previous op's due time (not from now), so that the time it takes
        # to notice an op is due does not slow the long-run rate; after a long stall (more than
        # MAX_LAG_NS behind), start afresh rather than burst to catch up.
        due = ctx.time if self.next_time is None else max(self.next_time, ctx.time - MAX_LAG_NS)
        if out.time > ctx.time:
            due = max(due, out.time)
        if due != out.time:
            out = out._replace(time=due)
        rng = Rng(self.seed)
        gap = int(rng.random() * 2 * self.mean_ns)
        return out, Stagger(self.mean_ns, nxt, rng.state, due + gap)

    def update(self, ctx: Context, event: Op) -> Generator:
        gen = self.gen.update(ctx, event)
        if gen is self.gen:
            return self
        return Stagger(self.mean_ns, gen, self.seed, self.next_time)


@dataclass(frozen=True, slots=True)
class Delay:
    """Operations exactly ``interval_ns`` apart (or later, when no thread is free)."""

    interval_ns: int
    gen: Generator
    next_time: int | None = None

    def op(self, ctx: Context) -> Step:
        step = self.gen.op(ctx)
        if step is None or step is PENDING:
            return step
        out, nxt = step
        due = max(out.time, ctx.time if self.next_time is None else self.next_time)
        if due != out.time:
            out = out._replace(time=due)
        return out, Delay(self.interval_ns, nxt, due + self.interval_ns)

    def update(self, ctx: Context, event: Op) -> Generator:
        gen = self.gen.update(ctx, event)
        return self if gen is self.gen else Delay(self.interval_ns, gen, self.next_time)


@dataclass(frozen=True, slots=True)
class Mix:
    """A random choice among ``gens`` for each operation; exhausted ones drop out."""

    gens: tuple[Generator, ...]
    seed: int
    current: int = 0

    def op(self, ctx: Context) -> Step:
        gens, current = self.gens, self.current
        while gens:
            step = gens[current].op(ctx)
            if step is PENDING:
                return PENDING
            if step is None:
                gens = gens[:current] + gens[current + 1 :]
                if not gens:
                    return None
                rng = Rng(self.seed)
                current = rng.below(len(gens))
                continue
            out, nxt = step
            if nxt is not gens[current]:
                gens = (*gens[:current], nxt, *gens[current + 1 :])
            state, drawn = splitmix64(self.seed)
            return out, Mix(gens, state, drawn % len(gens))
        return None

    def update(self, ctx: Context, event: Op) -> Generator:
        gens = _update_all(self.gens, ctx, event)
        return self if gens is self.gens else Mix(gens, self.seed, self.current)


def _update_all(
    gens: tuple[Generator, ...], ctx: Context, event: Op
) -> tuple[Generator, ...]:
    """Every generator updated; the same tuple if none changed."""
    i = 0
    for gen in gens:
        new = gen.update(ctx, event)
        if new is not gen:  # the first change: the rest are updated into a new tuple
            return (*gens[:i], new, *[g.update(ctx, event) for g in gens[i + 1 :]])
        i += 1  # noqa: SIM113 - enumerate costs a third more here (called twice per op)
    return gens


def mix(gens: Sequence[Generator], seed: int) -> Generator:
    """:class:`Mix` starting at a random generator."""
    if not gens:
        return NOTHING
    return Mix(tuple(gens), seed, Rng(seed ^ 0x5EED).below(len(gens)))


@dataclass(frozen=True, slots=True)
class Seq:
    """``gens`` one after the other (no synchronisation between them)."""

    gens: tuple[Generator, ...]

    def op(self, ctx: Context) -> Step:
        gens = self.gens
        while gens:
            step = gens[0].op(ctx)
            if step is None:
                gens = gens[1:]
                continue
            if step is PENDING:
                return PENDING
            out, nxt = step
            return out, Seq((nxt, *gens[1:]))
        return None

    def update(self, ctx: Context, event: Op) -> Generator:
        if not self.gens:
            return self
        first = self.gens[0].update(ctx, event)
        return self if first is self.gens[0] else Seq((first, *self.gens[1:]))


@dataclass(frozen=True, slots=True)
class Synchronize:
    """Waits until every thread in scope is free, then behaves like ``gen``."""

    gen: Generator

    def op(self, ctx: Context) -> Step:
        if not ctx.all_free:
            return PENDING
        return self.gen.op(ctx)

    def update(self, ctx: Context, event: Op) -> Generator:
        return self  # events before the barrier belong to the previous phase


def phases(*gens: Generator) -> Generator:
    """Each generator in turn; each begins once every thread has finished the previous one."""
    return Seq(tuple(Synchronize(g) for g in gens))


@dataclass(frozen=True, slots=True)
class Cycle:
    """``gen`` again and again (``times`` in all, or forever)."""

    original: Generator
    current: Generator
    times: int | None = None

    def op(self, ctx: Context) -> Step:
        current, times = self.current, self.times
        for _ in range(2):
            step = current.op(ctx)
            if step is PENDING:
                return PENDING
            if step is not None:
                out, nxt = step
                return out, Cycle(self.original, nxt, times)
            if times is not None:
                times -= 1
                if times <= 0:
                    return None
            current = self.original
        return None  # the original is empty

    def update(self, ctx: Context, event: Op) -> Generator:
        current = self.current.update(ctx, event)
        return self if current is self.current else Cycle(self.original, current, self.times)


def cycle(gen: Generator, times: int | None = None) -> Generator:
    return Cycle(gen, gen, times)


@dataclass(frozen=True, slots=True)
class OnThreads:
    """``gen`` sees (and emits for) only the threads that ``keep`` accepts."""

    keep: Callable[[Thread], bool]
    gen: Generator

    def op(self, ctx: Context) -> Step:
        step = self.gen.op(ctx.restrict(self.keep))
        if step is None or step is PENDING:
            return step
        out, nxt = step
        return out, OnThreads(self.keep, nxt)

    def update(self, ctx: Context, event: Op) -> Generator:
        if not self.keep(ctx.thread_of(event.process)):
            return self
        gen = self.gen.update(ctx.restrict(self.keep), event)
        return self if gen is self.gen else OnThreads(self.keep, gen)


def is_client_thread(thread: Thread) -> bool:
    return isinstance(thread, int)


def is_nemesis_thread(thread: Thread) -> bool:
    return thread == NEMESIS


@dataclass(frozen=True, slots=True)
class ClientsOnly:
    """``gen`` sees (and emits for) only the client threads."""

    gen: Generator

    def op(self, ctx: Context) -> Step:
        step = self.gen.op(ctx.clients())
        if step is None or step is PENDING:
            return step
        out, nxt = step
        return out, ClientsOnly(nxt)

    def update(self, ctx: Context, event: Op) -> Generator:
        if not isinstance(event.process, int):
            return self
        gen = self.gen.update(ctx, event)  # the event is a client's: no need to restrict
        return self if gen is self.gen else ClientsOnly(gen)


@dataclass(frozen=True, slots=True)
class NemesisOnly:
    """``gen`` sees (and emits for) only the nemesis thread."""

    gen: Generator

    def op(self, ctx: Context) -> Step:
        step = self.gen.op(ctx.nemesis())
        if step is None or step is PENDING:
            return step
        out, nxt = step
        return out, NemesisOnly(nxt)

    def update(self, ctx: Context, event: Op) -> Generator:
        if event.process != NEMESIS:
            return self
        gen = self.gen.update(ctx, event)  # the event is the nemesis': no need to restrict
        return self if gen is self.gen else NemesisOnly(gen)


def clients_only(gen: Generator) -> Generator:
    return ClientsOnly(gen)


def nemesis_only(gen: Generator) -> Generator:
    return NemesisOnly(gen)


@dataclass(frozen=True, slots=True)
class Any:
    """All of ``gens`` at once: the soonest operation wins; exhausted when all are."""

    gens: tuple[Generator, ...]

    def op(self, ctx: Context) -> Step:
        best: tuple[int, GenOp, Generator] | None = None
        pending = False
        alive: list[int] = []
        for i, gen in enumerate(self.gens):
            step = gen.op(ctx)
            if step is None:
                continue
            alive.append(i)
            if step is PENDING:
                pending = True
                continue
            out, nxt = step
            if best is None or out.time < best[1].time:
                best = (i, out, nxt)
        if best is None:
            return PENDING if pending else None
        i, out, nxt = best
        gens = tuple(nxt if j == i else self.gens[j] for j in alive)
        return out, Any(gens)

    def update(self, ctx: Context, event: Op) -> Generator:
        gens = _update_all(self.gens, ctx, event)
        return self if gens is self.gens else Any(gens)


def clients(client_gen: Generator, nemesis_gen: Generator | None = None) -> Generator:
    """Client operations from ``client_gen`` and, alongside, nemesis operations."""
    if nemesis_gen is None:
        return clients_only(client_gen)
    return Any((clients_only(client_gen), nemesis_only(nemesis_gen)))


@dataclass(frozen=True, slots=True)
class EachThread:
    """Every thread in scope runs its own copy of ``gen``."""

    template: Generator
    own: tuple[tuple[Thread, Generator], ...] = ()

    def _gen_of(self, thread: Thread) -> Generator:
        for t, g in self.own:
            if t == thread:
                return g
        return self.template

    def op(self, ctx: Context) -> Step:
        best: tuple[Thread, GenOp, Generator] | None = None
        pending = False
        for thread in ctx.free:
            step = self._gen_of(thread).op(ctx.only(thread))
            if step is None:
                continue
            if step is PENDING:
                pending = True
                continue
            out, nxt = step
            if best is None or out.time < best[1].time:
                best = (thread, out, nxt)
        if best is None:
            # busy threads may still have operations left
            return PENDING if pending or not ctx.all_free else None
        thread, out, nxt = best
        return out, self._with(thread, nxt)

    def _with(self, thread: Thread, gen: Generator) -> EachThread:
        own = (*tuple((t, g) for t, g in self.own if t != thread), (thread, gen))
        return EachThread(self.template, own)

    def update(self, ctx: Context, event: Op) -> Generator:
        thread = ctx.thread_of(event.process)
        if thread not in ctx.threads:
            return self
        return self._with(thread, self._gen_of(thread).update(ctx.only(thread), event))


@dataclass(frozen=True, slots=True)
class UntilOk:
    """Operations of ``gen`` until one of them completes ``ok``."""

    gen: Generator
    processes: frozenset[object] = frozenset()
    done: bool = False

    def op(self, ctx: Context) -> Step:
        if self.done:
            return None
        step = self.gen.op(ctx)
        if step is None or step is PENDING:
            return step
        out, nxt = step
        return out, UntilOk(nxt, self.processes | {out.process}, False)

    def update(self, ctx: Context, event: Op) -> Generator:
        done = self.done or (event.type is OpType.OK and event.process in self.processes)
        return UntilOk(self.gen.update(ctx, event), self.processes, done)


def is_pending(step: Step) -> bool:
    return isinstance(step, Pending)


__all__ = [
    "Any",
    "ClientsOnly",
    "Cycle",
    "Delay",
    "EachThread",
    "Limit",
    "Mix",
    "NemesisOnly",
    "OnThreads",
    "Seq",
    "Stagger",
    "Synchronize",
    "TimeLimit",
    "UntilOk",
    "clients",
    "clients_only",
    "cycle",
    "is_client_thread",
    "is_nemesis_thread",
    "is_pending",
    "mix",
    "nemesis_only",
    "phases",
]
