"""Generators: immutable values that say which operation comes next (after Jepsen).

``gen.op(ctx)`` -> ``(op, next_gen)`` | ``PENDING`` | ``None``; ``gen.update(ctx, event)`` -> gen.
Build them from leaves (:class:`Once`, :class:`Repeat`, :class:`Fn`, :class:`Sleep`) and
combinators (:func:`mix`, :class:`Limit`, :class:`TimeLimit`, :class:`Stagger`, :func:`rate`,
:func:`phases`, :class:`EachThread`, :func:`clients`, :func:`cycle`, :class:`UntilOk`, ...).
:func:`simulate` runs one without threads on a simulated clock.
"""

from harness.kernel.generators._combinators import (
    Any,
    Cycle,
    Delay,
    EachThread,
    Limit,
    Mix,
    OnThreads,
    Seq,
    Stagger,
    Synchronize,
    TimeLimit,
    UntilOk,
    clients,
    clients_only,
    cycle,
    is_client_thread,
    is_nemesis_thread,
    mix,
    nemesis_only,
    phases,
)
from harness.kernel.generators._core import (
    NS_PER_S,
    PENDING,
    Context,
    Generator,
    GenOp,
    Invocation,
    OpKind,
    Pending,
    Rng,
    Step,
    Thread,
    derive_seed,
    initial_context,
)
from harness.kernel.generators._leaves import NOTHING, Fn, Nothing, Once, Repeat, Sleep, emit
from harness.kernel.generators._simulate import (
    Response,
    Simulation,
    SimulationStuckError,
    ok_after,
    simulate,
)


def seconds(s: float) -> int:
    """Seconds as generator nanoseconds."""
    return int(s * NS_PER_S)


def rate(ops_per_second: float, gen: Generator, seed: int) -> Generator:
    """``gen`` at about ``ops_per_second`` in total (randomly staggered); 0 = unthrottled."""
    if ops_per_second <= 0:
        return gen
    return Stagger(int(NS_PER_S / ops_per_second), gen, seed)


def time_limit(seconds_: float, gen: Generator) -> Generator:
    return TimeLimit(seconds(seconds_), gen)


def sleep(seconds_: float) -> Generator:
    return Sleep(seconds(seconds_))


def seq(*gens: Generator) -> Generator:
    return Seq(tuple(gens))


def limit(n: int, gen: Generator) -> Generator:
    return Limit(n, gen)


def each_thread(gen: Generator) -> Generator:
    return EachThread(gen)


def until_ok(gen: Generator) -> Generator:
    return UntilOk(gen)


def any_of(*gens: Generator) -> Generator:
    return Any(tuple(gens))


__all__ = [
    "NOTHING",
    "NS_PER_S",
    "PENDING",
    "Any",
    "Context",
    "Cycle",
    "Delay",
    "EachThread",
    "Fn",
    "GenOp",
    "Generator",
    "Invocation",
    "Limit",
    "Mix",
    "Nothing",
    "OnThreads",
    "Once",
    "OpKind",
    "Pending",
    "Repeat",
    "Response",
    "Rng",
    "Seq",
    "Simulation",
    "SimulationStuckError",
    "Sleep",
    "Stagger",
    "Step",
    "Synchronize",
    "Thread",
    "TimeLimit",
    "UntilOk",
    "any_of",
    "clients",
    "clients_only",
    "cycle",
    "derive_seed",
    "each_thread",
    "emit",
    "initial_context",
    "is_client_thread",
    "is_nemesis_thread",
    "limit",
    "mix",
    "nemesis_only",
    "ok_after",
    "phases",
    "rate",
    "seconds",
    "seq",
    "simulate",
    "sleep",
    "time_limit",
    "until_ok",
]
