"""The generator model: immutable values asked ``op(ctx)`` for the next operation.

``op(ctx)`` returns ``(op, next_generator)``, :data:`PENDING` (nothing yet: ask again after the
next completion or a short wait), or ``None`` (exhausted). ``update(ctx, event)`` returns the
generator after seeing an invocation or completion (most generators ignore events).
Randomness comes from :class:`Rng` states carried *inside* the generators, so asking the same
generator twice gives the same answer and the same seed gives the same operations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple, Protocol, TypeAlias, TypeVar

from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import NEMESIS, Op, Process

Thread: TypeAlias = int | str
"""A worker: ``0 .. concurrency-1`` for clients, ``"nemesis"`` for the nemesis."""

NS_PER_S = 1_000_000_000


class Pending(Enum):
    PENDING = "pending"


PENDING = Pending.PENDING


class OpKind(Enum):
    """What a worker does with a generated op."""

    INVOKE = "invoke"  # call the client (or nemesis) and record the op in the history
    SLEEP = "sleep"  # keep the worker busy for ``value`` nanoseconds; recorded nowhere


@dataclass(frozen=True, kw_only=True, slots=True)
class Invocation:
    """What a leaf generator asks for; the process and time are filled in on emission."""

    f: str
    value: JSON = None
    key: Scalar = None


class GenOp(NamedTuple):
    """A generated operation: invoke ``f`` on ``process`` no earlier than ``time`` (ns).

    A named tuple rather than a dataclass: one is made per operation, and this is cheaper."""

    process: Process
    f: str
    value: JSON = None
    key: Scalar = None
    time: int = 0
    kind: OpKind = OpKind.INVOKE


class Context(NamedTuple):
    """What a generator may look at: the time, the threads in scope, which are free.

    A named tuple rather than a dataclass: the interpreter makes a few per operation."""

    time: int
    threads: tuple[Thread, ...]
    free: tuple[Thread, ...]
    workers: Mapping[Thread, Process]
    concurrency: int

    def thread_of(self, process: Process) -> Thread:
        if isinstance(process, int):
            return process % self.concurrency
        return process

    def restrict(self, keep: Callable[[Thread], bool]) -> Context:
        return Context(
            self.time,
            tuple(t for t in self.threads if keep(t)),
            tuple(t for t in self.free if keep(t)),
            self.workers,
            self.concurrency,
        )

    def clients(self) -> Context:
        """Only the client threads (they come first; the nemesis, if any, is last)."""
        threads, free = self.threads, self.free
        if not threads or type(threads[-1]) is int:
            return self  # no nemesis in scope
        threads = threads[:-1]
        if free and type(free[-1]) is not int:
            free = free[:-1]
        return Context(self.time, threads, free, self.workers, self.concurrency)

    def nemesis(self) -> Context:
        """Only the nemesis thread (if in scope)."""
        threads, free = self.threads, self.free
        threads = threads[-1:] if threads and not isinstance(threads[-1], int) else ()
        free = free[-1:] if free and not isinstance(free[-1], int) else ()
        return Context(self.time, threads, free, self.workers, self.concurrency)

    def only(self, thread: Thread) -> Context:
        return Context(
            self.time,
            (thread,),
            (thread,) if thread in self.free else (),
            self.workers,
            self.concurrency,
        )

    @property
    def all_free(self) -> bool:
        return len(self.free) == len(self.threads)


def initial_context(concurrency: int, *, nemesis: bool = True, time: int = 0) -> Context:
    """All threads free, each running its initial process."""
    threads: tuple[Thread, ...] = tuple(range(concurrency))
    if nemesis:
        threads = (*threads, NEMESIS)
    return Context(time, threads, threads, {t: t for t in threads}, concurrency)


Step: TypeAlias = "tuple[GenOp, Generator] | Pending | None"


class Generator(Protocol):
    def op(self, ctx: Context) -> Step: ...

    def update(self, ctx: Context, event: Op) -> Generator: ...


_MASK = (1 << 64) - 1
T = TypeVar("T")


def splitmix64(state: int) -> tuple[int, int]:
    """One step of splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
    generators", OOPSLA 2014): ``(next state, 64 random bits)``; what :class:`Rng` does, without
    an object (for the hot paths of combinators)."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


class Rng:
    """A small splitmix64 generator whose whole state is one int (cheap to store in a record)."""

    __slots__ = ("state",)

    def __init__(self, state: int) -> None:
        self.state = state & _MASK

    def next64(self) -> int:
        self.state, z = splitmix64(self.state)
        return z

    def random(self) -> float:
        """Uniform in [0, 1)."""
        return (self.next64() >> 11) * (1.0 / (1 << 53))

    def below(self, n: int) -> int:
        """Uniform in [0, n)."""
        return self.next64() % n

    def randint(self, a: int, b: int) -> int:
        """Uniform in [a, b]."""
        return a + self.below(b - a + 1)

    def choice(self, seq: tuple[T, ...] | list[T]) -> T:
        return seq[self.below(len(seq))]


def derive_seed(seed: int, label: str) -> int:
    """An independent seed for a named part of the test."""
    rng = Rng(seed)
    for ch in label.encode():
        rng.state ^= ch
        rng.next64()
    return rng.next64()


__all__ = [
    "NS_PER_S",
    "PENDING",
    "Context",
    "GenOp",
    "Generator",
    "Invocation",
    "OpKind",
    "Pending",
    "Rng",
    "Step",
    "Thread",
    "derive_seed",
    "initial_context",
    "splitmix64",
]
