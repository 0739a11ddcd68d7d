"""Orchestration: split a history into independent sub-histories, check them (in parallel when it
pays), and merge the verdicts. The search itself knows nothing of this layer."""

from __future__ import annotations

import gc
import os
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from enum import StrEnum
from multiprocessing import get_context
from typing import Protocol, TypeVar, cast

from checkers.evidence import lack_of_evidence
from checkers.linearizable._key import Budget, KeySteps, check_sub, check_sub_steps
from checkers.linearizable._model import Model
from checkers.linearizable._result import KeyResult, LinearizabilityResult, UnknownReason
from checkers.linearizable._subhistory import SubHistory
from checkers.verdict import Verdict, merge
from harness.kernel.history import History, Operation
from harness.kernel.ops import OpType
from harness.kernel.values import Frozen, freeze

DEFAULT_MAX_CONFIGURATIONS = 10_000_000
"""Per sub-history cap on stored search configurations."""
DEFAULT_MAX_MEMORY = 1 << 30
"""Per sub-history cap on the estimated bytes of stored search configurations (each worker
process searches one sub-history at a time)."""
PARALLEL_MIN_OPERATIONS = 20_000
"""Below this many operations, worker processes cost more than they save."""

S = TypeVar("S", bound=Hashable)

Progress = Callable[[int, int], None]
"""Called with (sub-histories done, sub-histories in all)."""


class Schedule(StrEnum):
    """How one process shares the time budget between sub-histories (keys).

    Each key's search is paused and resumed, never restarted, so no schedule loses work; they
    differ in how long a key runs before the next one gets its turn (``bench/kv_bench.py``
    measures them)."""

    ROUND_ROBIN = "round-robin"
    """Equal slices (``SLICE_STEPS`` search steps) in turn: an easy key finishes within a few
    rounds whatever the hard keys do."""
    DEEPENING = "deepening"
    """Slices double after every round: the easy keys first, then ever longer runs of the hard
    ones (fewer switches)."""
    SEQUENTIAL = "sequential"
    """One key after another: a hard key can spend the whole budget and starve the rest."""


SLICE_STEPS = 2
"""Search steps (each ``CHECK_EVERY`` iterations, a few milliseconds) in one slice."""


def check(
    history: History | Sequence[Operation],
    model: Model[S],
    *,
    time_limit: float | None = 30.0,
    max_configurations: int = DEFAULT_MAX_CONFIGURATIONS,
    max_memory: int = DEFAULT_MAX_MEMORY,
    workers: int | None = None,
    prune: bool | None = None,
    stop_on_invalid: bool = False,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    schedule: Schedule = Schedule.ROUND_ROBIN,
) -> LinearizabilityResult:
    """Is ``history`` linearizable with respect to ``model``?

    ``fail`` operations did not happen and are left out; ``info`` ones may have taken effect at any
    time after their invocation, or never. Keys (the op ``key`` field, then the model's partition)
    are checked independently.

    Budget: ``time_limit`` (seconds for the whole check, ``None`` = no limit), and
    ``max_configurations`` and ``max_memory`` (estimated bytes) per key. A key that exceeds them
    is ``unknown``, and every other key keeps its verdict.

    ``workers``: processes to use (``None`` = every core when the history is big enough to pay for
    forking; 1 = in this process). ``prune``: drop operations that cannot change the verdict
    (``None`` = when the model's transition table is cheap to enumerate, or when a quick search
    does not decide; ``True`` = always try; ``False`` = never). ``stop_on_invalid``: stop at
    the first invalid key (the verdict is then known); keys not decided by then are ``unknown``
    (reason ``interrupted``, or ``stopped`` if never started: status not-reached).
    ``progress(done, total)`` is called after each key. ``clock`` is injectable for tests.
    ``schedule``: how keys share the budget in one process (:class:`Schedule`); by default in
    round-robin slices, so that one hard key cannot starve the others.

    A history with no client operation, or none that completed ``ok``, is ``unknown``, never
    ``valid``: nothing was checked (``reason`` says so; :mod:`checkers.evidence`).

    Raises only for bad input: ``HistoryFormatError`` when a ``History`` cannot be paired into
    operations, ``TypeError`` for a list that holds something other than ``Operation``. Model
    errors, budgets and dying workers become ``unknown`` keys with a reason.
    """
    erased = cast(Model[Hashable], model)
    started = clock()
    deadline = None if time_limit is None else started + time_limit
    operations = _operations(history)
    subs = split(operations, erased, history_index=_history_index(history, operations))
    budget = Budget(
        deadline=deadline,
        max_configurations=max_configurations,
        max_memory=max_memory,
        prune=prune,
        clock=clock,
    )
    count = workers if workers is not None else _auto_workers(subs)
    # The search allocates many short-lived objects and no reference cycles: the cycle collector
    # would only rescan the caller's (possibly large) heap over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if count > 1 and len(subs) > 1:
            results = _parallel(
                subs, erased, budget, count, stop_on_invalid=stop_on_invalid, progress=progress
            )
        else:
            results = _scheduled(subs, erased, budget, stop_on_invalid, progress, schedule)
    finally:
        if collecting:
            gc.enable()
    # valid needs evidence (DESIGN.md): none without an operation that completed ok.
    verdict = merge(r.verdict for r in results)
    reason = lack_of_evidence(operations)
    if reason is not None and verdict is Verdict.VALID:
        verdict = Verdict.UNKNOWN
    return LinearizabilityResult(
        verdict=verdict,
        model=model.name,
        operations=len(operations),
        keys=tuple(results),
        seconds=clock() - started,
        reason=reason if verdict is Verdict.UNKNOWN else None,
    )


def _operations(history: History | Sequence[Operation]) -> list[Operation]:
    if isinstance(history, History):
        return history.operations()
    items = list(history)
    for item in items:
        if not isinstance(item, Operation):
            raise TypeError(f"check() needs a History or a list of Operation, got an item {item!r}")
    return items


def _history_index(history: History | Sequence[Operation], operations: Sequence[Operation]
                   ) -> list[int] | None:
    """Each operation's history index (that of its invocation), when ``history`` has them."""
    if not isinstance(history, History):
        return None
    ops = history.ops
    return [ops[o.call].index if 0 <= o.call < len(ops) else o.call for o in operations]


def split(operations: Sequence[Operation], model: Model[Hashable], *,
          history_index: Sequence[int] | None = None) -> list[SubHistory]:
    """Independent sub-histories: by the op ``key`` field, then by the model's partition.
    ``fail`` operations are dropped; each operation keeps its index in ``operations`` (and its
    ``history_index``, if given: one per operation)."""

    def numbered(indices: Sequence[int]) -> tuple[int, ...]:
        return () if history_index is None else tuple(history_index[i] for i in indices)

    # Keys follow the value rule of harness.kernel.values: the keys 1, true and 1.0 are three keys.
    by_key: dict[Frozen, list[int]] = {}
    for index, op in enumerate(operations):
        if op.type is not OpType.FAIL:
            by_key.setdefault(freeze(op.key), []).append(index)
    subs = []
    for indices in by_key.values():
        ops = [operations[i] for i in indices]
        key = ops[0].key
        if model.partition is None:
            subs.append(
                SubHistory(key=key, group=None, indices=tuple(indices), operations=tuple(ops),
                           history_index=numbered(indices))
            )
            continue
        position = {id(op): i for op, i in zip(ops, indices, strict=True)}
        try:
            groups = dict(model.partition(ops))
        except Exception:  # a user's partition bug: check the key whole (the model will judge)
            groups = {"-": ops}
        for group, members in groups.items():
            subs.append(
                SubHistory(
                    key=key,
                    group=group,
                    indices=tuple(position[id(op)] for op in members),
                    operations=tuple(members),
                    history_index=numbered([position[id(op)] for op in members]),
                )
            )
    return subs


def _auto_workers(subs: Sequence[SubHistory]) -> int:
    total = sum(len(s.operations) for s in subs)
    if total < PARALLEL_MIN_OPERATIONS:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def _stopped(sub: SubHistory) -> KeyResult:
    return KeyResult(
        key=sub.key,
        group=sub.group,
        verdict=Verdict.UNKNOWN,
        operations=len(sub.operations),
        pruned=0,
        configurations=0,
        seconds=0.0,
        reason=UnknownReason.STOPPED,
    )


def _failed(sub: SubHistory, error: Exception) -> KeyResult:
    return KeyResult(
        key=sub.key,
        group=sub.group,
        verdict=Verdict.UNKNOWN,
        operations=len(sub.operations),
        pruned=0,
        configurations=0,
        seconds=0.0,
        reason=UnknownReason.WORKER_FAILED,
        detail=f"worker process failed: {error!r}",
    )


def _sequential(
    subs: Sequence[SubHistory],
    model: Model[Hashable],
    budget: Budget,
    stop_on_invalid: bool,
    progress: Progress | None,
) -> list[KeyResult]:
    results: list[KeyResult] = []
    invalid = False
    for sub in subs:
        if invalid and stop_on_invalid:
            results.append(_stopped(sub))
        else:
            results.append(check_sub(sub, model, budget))
            invalid = invalid or results[-1].verdict is Verdict.INVALID
        if progress is not None:
            progress(len(results), len(subs))
    return results


def _undecided(sub: SubHistory, seconds: float, reason: UnknownReason, detail: str) -> KeyResult:
    """The result of a key whose search was stopped before it decided."""
    return KeyResult(key=sub.key, group=sub.group, verdict=Verdict.UNKNOWN,
                     operations=len(sub.operations), pruned=0, configurations=0,
                     seconds=seconds, reason=reason, detail=detail)


def _interrupted(sub: SubHistory, seconds: float) -> KeyResult:
    return _undecided(sub, seconds, UnknownReason.INTERRUPTED,
                    "another key was found invalid first; this one was not decided")


def _memory_stopped(sub: SubHistory, seconds: float) -> KeyResult:
    return _undecided(sub, seconds, UnknownReason.MEMORY_LIMIT,
                    "the keys searched side by side held more than the memory budget; this one, "
                    "holding the most, was stopped")


def _scheduled(  # noqa: PLR0917
    subs: Sequence[SubHistory],
    model: Model[Hashable],
    budget: Budget,
    stop_on_invalid: bool,
    progress: Progress | None,
    schedule: Schedule,
    should_stop: Callable[[], bool] | None = None,
) -> list[KeyResult]:
    """Every key's check as a paused search, run in turns (see :class:`Schedule`).
    ``should_stop``: asked between turns (another process found an invalid key)."""
    if schedule is Schedule.SEQUENTIAL:
        return _sequential(subs, model, budget, stop_on_invalid, progress)
    results: list[KeyResult | None] = [None] * len(subs)
    running: dict[int, tuple[KeySteps, float]] = {}
    held: dict[int, int] = {}  # estimated bytes each running search holds
    turns: deque[int] = deque(range(len(subs)))
    length = SLICE_STEPS
    round_left = len(turns)
    done = 0
    while turns:
        if should_stop is not None and should_stop():
            break
        i = turns.popleft()
        entry = running.get(i)
        if entry is None:
            entry = running[i] = (check_sub_steps(subs[i], model, budget), budget.clock())
        steps = entry[0]
        try:
            for _ in range(length):
                held[i] = next(steps)
            turns.append(i)
        except StopIteration as stop:
            del running[i]
            held.pop(i, None)
            results[i] = stop.value
            done += 1
            if progress is not None:
                progress(done, len(subs))
            if stop_on_invalid and stop.value.verdict is Verdict.INVALID:
                break
        if len(held) > 1 and sum(held.values()) > budget.max_memory:
            # Searches running side by side share one memory budget (as one after another
            # would): the one holding the most gives up.
            largest = max(held, key=held.__getitem__)
            largest_steps, began = running.pop(largest)
            largest_steps.close()
            del held[largest]
            turns.remove(largest)
            results[largest] = _memory_stopped(subs[largest], budget.clock() - began)
            done += 1
            if progress is not None:
                progress(done, len(subs))
        round_left -= 1
        if round_left <= 0:
            round_left = len(turns)
            if schedule is Schedule.DEEPENING:
                length *= 2
    now = budget.clock()
    for i, (steps, began) in running.items():
        steps.close()
        results[i] = _interrupted(subs[i], now - began)
    return [r if r is not None else _stopped(subs[i]) for i, r in enumerate(results)]


# Worker processes are forked, so they inherit the work (models may be closures, which do not
# pickle); only chunk numbers go to the workers and only KeyResults come back.
_WORK: dict[int, tuple[Sequence[Sequence[SubHistory]], Model[Hashable], Budget, Stop, bool]] = {}
CHUNKS_PER_WORKER = 4
"""Sub-histories are sent in about this many chunks per worker (equal operation counts), so that
per-task overhead stays small and one big key does not hold back the rest."""


class Stop(Protocol):
    """A flag shared with the worker processes (a ``multiprocessing`` event)."""

    def is_set(self) -> bool: ...

    def set(self) -> None: ...


def _work_on(token: int, number: int) -> list[KeyResult]:
    chunks, model, budget, stop, stop_on_invalid = _WORK[token]
    return _scheduled(
        chunks[number], model, budget, stop_on_invalid, None, Schedule.ROUND_ROBIN, stop.is_set
    )


def _chunks(subs: Sequence[SubHistory], count: int) -> list[list[int]]:
    """Sub-history numbers grouped into chunks of similar size, biggest first."""
    order = sorted(range(len(subs)), key=lambda i: -len(subs[i].operations))
    wanted = max(1, count * CHUNKS_PER_WORKER)
    size = max(1, sum(len(s.operations) for s in subs) // wanted)
    chunks: list[list[int]] = []
    current: list[int] = []
    weight = 0
    for i in order:
        current.append(i)
        weight += len(subs[i].operations)
        if weight >= size:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def _parallel(
    subs: Sequence[SubHistory],
    model: Model[Hashable],
    budget: Budget,
    count: int,
    *,
    stop_on_invalid: bool,
    progress: Progress | None,
) -> list[KeyResult]:
    chunks = _chunks(subs, count)
    results: dict[int, KeyResult] = {}
    token = id(chunks)  # unique while this call runs, even if other threads check concurrently
    context = get_context("fork")
    stop = context.Event()
    _WORK[token] = (
        [[subs[i] for i in chunk] for chunk in chunks], model, budget, stop, stop_on_invalid
    )
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            futures = {pool.submit(_work_on, token, n): chunk for n, chunk in enumerate(chunks)}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    chunk = futures[future]
                    try:
                        for i, result in zip(chunk, future.result(), strict=True):
                            results[i] = result
                    except Exception as e:  # a worker died (killed, out of memory): not a crash
                        for i in chunk:
                            results[i] = _failed(subs[i], e)
                    if progress is not None:
                        progress(len(results), len(subs))
                if stop_on_invalid and any(r.verdict is Verdict.INVALID for r in results.values()):
                    stop.set()  # running workers return their keys undecided at the next turn
                    for future in pending:
                        future.cancel()
    finally:
        del _WORK[token]
    return [results[i] if i in results else _stopped(subs[i]) for i in range(len(subs))]


__all__ = [
    "DEFAULT_MAX_CONFIGURATIONS",
    "DEFAULT_MAX_MEMORY",
    "SLICE_STEPS",
    "Progress",
    "Schedule",
    "check",
    "split",
]
