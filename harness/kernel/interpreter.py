"""The interpreter: runs a generator with one worker thread per logical process, plus the nemesis.

The calling thread owns the generator, the clock and the history: it asks the generator for the
next operation, stamps and records the invocation, hands it to the worker of that thread, and
records completions as workers (:mod:`harness.kernel.workers`) report them, in the order observed.
A client exception (of any type) or a timeout is recorded as ``info``; the process is then
retired and its thread continues as process ``p + concurrency`` with a freshly opened client. A
worker stuck past the timeout is abandoned (daemon thread) and replaced by a new one.
The history is flushed before any invocation is handed to a worker, so the file on disk is always
a correct prefix.

A :class:`Watchdog` ends a run that stops making progress: nothing dispatched or completed for
``stall_s`` while a client thread is free and no nemesis operation is in flight, or the whole run
past ``deadline_s``. :meth:`Interpreter.run` then raises :class:`StallError`, with what every
thread was doing in its ``diagnosis``; the history written so far stays a correct prefix.
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress
from typing import Protocol

from harness.kernel.clock import ManualClock
from harness.kernel.context import RunContext
from harness.kernel.generators import PENDING, Context, Generator, GenOp, OpKind, Thread
from harness.kernel.ops import NEMESIS, Op, OpType, Process
from harness.kernel.protocols import Client, Nemesis
from harness.kernel.workers import (
    ClientSession,
    Done,
    NemesisSession,
    Performer,
    ThreadWorker,
    Worker,
    describe,
)

_POLL_NS = 10_000_000  # re-ask a pending generator at least this often
_TIMEOUT_CHECK_NS = 20_000_000  # look for timed-out operations this often


class HistorySink(Protocol):
    def write(self, op: Op) -> None:
        """Record ``op`` (may buffer)."""

    def flush(self) -> None:
        """Make every recorded op durable against a crash of this process."""


@dataclass(kw_only=True, slots=True)
class Stats:
    """Counters for the progress display (written by the interpreter thread only)."""

    invoked: int = 0
    ok: int = 0
    fail: int = 0
    info: int = 0
    nemesis: int = 0
    last_nemesis: str | None = None
    by_f: dict[str, int] = field(default_factory=dict)

    @property
    def completed(self) -> int:
        return self.ok + self.fail + self.info


@dataclass(frozen=True, kw_only=True, slots=True)
class Watchdog:
    """When the interpreter gives up on a run (seconds; None = never)."""

    stall_s: float | None = None
    """Nothing dispatched or completed for this long while a client thread is free and the
    nemesis is idle."""
    deadline_s: float | None = None
    """The whole run (from :meth:`Interpreter.run`) takes at most this long."""
    check_every_s: float = 0.25


class StallKind(StrEnum):
    STALL = "stall"
    DEADLINE = "deadline"


class StallError(RuntimeError):
    """The watchdog ended the run. ``kind``, ``at_ns`` (run clock), ``diagnosis`` (text)."""

    def __init__(self, kind: StallKind, reason: str, *, at_ns: int, diagnosis: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.at_ns = at_ns
        self.diagnosis = diagnosis


class Interpreter:
    """Runs ``generator`` to exhaustion against ``client`` and ``nemesis``.

    With a :class:`~harness.kernel.clock.ManualClock` the run happens in virtual time (tests): when
    nothing is in flight, the clock jumps to the next due time instead of sleeping; while
    operations are in flight it stands still (so operation timeouts never fire).
    """

    def __init__(
        self,
        *,
        ctx: RunContext,
        client: Client,
        nemesis: Nemesis,
        generator: Generator,
        sink: HistorySink,
        concurrency: int,
        op_timeout_s: float = 5.0,
        on_event: Callable[[Op], None] | None = None,
        keep_history: bool = True,
        watchdog: Watchdog | None = None,
    ) -> None:
        """``keep_history=False`` keeps only the count in memory (long runs: the sink has it)."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._ctx = ctx
        self._client = client
        self._nemesis = nemesis
        self._gen = generator
        self._sink = sink
        self._concurrency = concurrency
        self._timeout_ns = int(op_timeout_s * 1e9)
        self._on_event = on_event
        self._clock = ctx.clock
        self._virtual = ctx.clock if isinstance(ctx.clock, ManualClock) else None
        self._completions: queue.SimpleQueue[Done | None] = queue.SimpleQueue()  # None: wake
        self._nodes = tuple(ctx.nodes) or ("local",)
        self.stats = Stats()
        self.history: list[Op] = []
        self._keep = keep_history
        self._count = 0
        self._threads: tuple[Thread, ...] = (*range(concurrency), NEMESIS)
        self._node_of: dict[Thread, str | None] = {
            t: (self._nodes[t % len(self._nodes)] if isinstance(t, int) else None)
            for t in self._threads
        }
        self._workers_of: dict[Thread, Process] = {t: t for t in self._threads}
        self._busy: dict[Thread, tuple[Op, int]] = {}  # invocation, deadline (ns)
        self._sleeping: dict[Thread, int] = {}  # wake time (ns)
        self._free: tuple[Thread, ...] | None = None  # cached; None when busy/sleeping changed
        self._free_mask = [True] * len(self._threads)  # neither busy nor sleeping
        self._position = {t: i for i, t in enumerate(self._threads)}
        self._workers: dict[Thread, Worker] = {}
        self._thread_of: dict[Worker, Thread] = {}  # current workers only
        self._abandoned: list[Worker] = []
        self._outbox: list[tuple[Worker, Op]] = []  # invocations recorded, not yet handed over
        self._next_timeout_check = 0
        self._watchdog = watchdog if watchdog is not None else Watchdog()
        self._activity_ns = 0  # last dispatch or completion (run clock)
        self._stall: StallError | None = None  # set by the watchdog thread
        self._finished = threading.Event()

    def node_of(self, thread: Thread) -> str:
        """The node a client thread talks to (round robin)."""
        node = self._node_of[thread]
        assert node is not None, "the nemesis talks to no node"
        return node

    # --- the loop ----------------------------------------------------------------------------

    def run(self) -> list[Op]:
        """Run until the generator is exhausted and every operation has completed; returns the
        history (empty when not kept)."""
        watcher = self._start_watchdog()
        try:
            for thread in self._threads:
                self._spawn(thread)
            self._loop()
            while self._busy or self._sleeping:
                self._wait(None)
                self._drain()
        except BaseException as e:
            stall = self._stall
            if stall is not None and not isinstance(e, StallError):
                raise stall from e  # the watchdog interrupted a blocked main thread
            raise
        finally:
            self._finished.set()
            self._sink.flush()
            self._shutdown()
            if watcher is not None:
                watcher.join(timeout=1.0)
        return self.history

    def _spawn(self, thread: Thread) -> None:
        performer: Performer
        if thread == NEMESIS:
            performer = NemesisSession(self._nemesis, self._ctx)
        else:
            performer = ClientSession(self._client, self._ctx, self.node_of(thread))
        worker = ThreadWorker(name=f"worker-{thread}", performer=performer,
                              report=self._completions.put, log=self._ctx.log)
        self._workers[thread] = worker
        self._thread_of[worker] = thread

    def _loop(self) -> None:
        now_ns = self._clock.now_ns
        empty = self._completions.empty
        threads, workers_of, concurrency = self._threads, self._workers_of, self._concurrency
        while True:
            if not empty():
                self._take_all()
            if self._stall is not None:
                raise self._stall
            now = now_ns()  # after the completions: no record is older than the one before
            if self._sleeping or (self._busy and now >= self._next_timeout_check):
                self._housekeeping(now)
            free = self._free
            if free is None:
                free = self._free = tuple(compress(threads, self._free_mask))
            step = self._gen.op(Context(now, threads, free, workers_of, concurrency))
            if step is None:
                self._release()
                return
            if step is PENDING:
                self._wait(now + _POLL_NS)
                continue
            out, nxt = step
            if out.time > now:
                self._wait(out.time)
                continue  # re-ask: a completion may have changed the answer
            self._gen = nxt
            self._dispatch(out, now)

    def _dispatch(self, out: GenOp, now: int) -> None:
        process = out.process
        thread: Thread = process % self._concurrency if type(process) is int else process
        position = self._position.get(thread)
        if position is None or not self._free_mask[position] or (
            self._workers_of[thread] != process
        ):
            raise RuntimeError(f"generator emitted {out} for a busy or unknown process")
        self._free_mask[position] = False
        self._free = None
        if out.kind is OpKind.SLEEP:
            assert isinstance(out.value, int)
            self._sleeping[thread] = now + out.value
            return
        is_nemesis = thread == NEMESIS
        invocation = Op(
            index=self._count, time=now, type=OpType.INFO if is_nemesis else OpType.INVOKE,
            process=process, f=out.f, value=out.value, key=out.key, node=self._node_of[thread],
        )
        self._count += 1
        if self._keep:
            self.history.append(invocation)
        self._sink.write(invocation)
        if self._on_event is not None:
            self._on_event(invocation)
        stats = self.stats
        if is_nemesis:
            stats.nemesis += 1
            stats.last_nemesis = f"{out.f} {out.value}" if out.value is not None else out.f
            deadline = 1 << 62
        else:
            stats.invoked += 1
            deadline = now + self._timeout_ns
        self._busy[thread] = (invocation, deadline)
        self._activity_ns = now
        free = self._free = tuple(compress(self._threads, self._free_mask))
        self._gen = self._gen.update(
            Context(now, self._threads, free, self._workers_of, self._concurrency), invocation)
        self._outbox.append((self._workers[thread], invocation))

    def _release(self) -> None:
        """Flush the history, then hand the recorded invocations to their workers."""
        self._sink.flush()
        outbox = self._outbox
        if outbox:
            for worker, invocation in outbox:
                worker.submit(invocation)
            outbox.clear()

    def _wait(self, until: int | None) -> None:
        """Block until a completion arrives, ``until`` passes, or a deadline/wake-up is due (the
        caller then drains)."""
        self._release()
        completions = self._completions
        if not completions.empty():
            return
        now = self._clock.now_ns()
        wake = until if until is not None else now + _POLL_NS
        if self._busy:
            wake = min(wake, self._next_timeout_check)
        if self._sleeping:
            wake = min(wake, *self._sleeping.values())
        if self._virtual is not None:  # virtual time: jump when nothing is in flight
            if not self._busy:
                self._virtual.set(wake)
                return
            timeout_s = _POLL_NS / 1e9  # real time: the virtual clock stands meanwhile
        elif wake <= now:
            return
        else:
            timeout_s = (wake - now) / 1e9
        try:
            done = completions.get(timeout=timeout_s)
        except queue.Empty:
            return
        if done is None:
            if self._stall is not None:
                raise self._stall
            return
        self._complete(done, self._clock.now_ns())

    def _drain(self) -> None:
        """Record the completions that have arrived; wake sleepers; time out overdue operations."""
        if not self._completions.empty():
            self._take_all()
        if self._stall is not None:
            raise self._stall
        if self._sleeping or self._busy:
            self._housekeeping(self._clock.now_ns())

    def _take_all(self) -> None:
        """Record every completion that has arrived (observed together, at one time)."""
        completions = self._completions
        now = self._clock.now_ns()
        get, empty, complete_ = completions.get_nowait, completions.empty, self._complete
        while not empty():  # only this thread takes from the queue
            done = get()
            if done is not None:  # None: the watchdog's wake-up (the loop checks for a stall)
                complete_(done, now)

    def _housekeeping(self, now: int) -> None:
        """Wake sleepers that are due; time out overdue operations (a few times a second)."""
        if self._sleeping:
            for thread, wake in list(self._sleeping.items()):
                if wake <= now:
                    del self._sleeping[thread]
                    self._set_free(thread)
        if now >= self._next_timeout_check:
            self._next_timeout_check = now + _TIMEOUT_CHECK_NS
            for thread, (invocation, deadline) in list(self._busy.items()):
                if deadline <= now:
                    self._time_out(thread, invocation, now)

    def _set_free(self, thread: Thread) -> None:
        self._free_mask[self._position[thread]] = True
        self._free = None

    def _complete(self, done: Done, now: int) -> None:
        """Record one reported outcome at ``now``."""
        worker, completion, error = done
        thread = self._thread_of.get(worker)
        if thread is None:
            return  # from an abandoned worker: already recorded as timed out
        busy = self._busy.pop(thread, None)
        if busy is None:
            self._ctx.log.warning("the worker of thread %s reported twice; ignored", thread)
            return
        invocation = busy[0]
        self._free_mask[self._position[thread]] = True
        self._free = None
        if completion is None:  # performing raised: the outcome is unknown
            recorded = Op(index=self._count, time=now, type=OpType.INFO,
                          process=invocation.process, f=invocation.f, value=None,
                          key=invocation.key, node=invocation.node, error=error)
        else:
            recorded = Op(index=self._count, time=now,
                          type=OpType.INFO if thread == NEMESIS else completion.type,
                          process=completion.process, f=completion.f, value=completion.value,
                          key=completion.key, node=completion.node, error=completion.error)
        self._record_completion(thread, invocation, recorded)

    def _time_out(self, thread: Thread, invocation: Op, now: int) -> None:
        del self._busy[thread]
        self._set_free(thread)
        worker = self._workers.pop(thread)
        del self._thread_of[worker]
        worker.stop()
        self._abandoned.append(worker)
        self._spawn(thread)
        self._ctx.log.warning(
            "process %s %s timed out after %.1f s", invocation.process, invocation.f,
            self._timeout_ns / 1e9,
        )
        recorded = Op(index=self._count, time=now, type=OpType.INFO, process=invocation.process,
                      f=invocation.f, value=None, key=invocation.key, node=invocation.node,
                      error="timeout")
        self._record_completion(thread, invocation, recorded)

    def _record_completion(self, thread: Thread, invocation: Op, recorded: Op) -> None:
        """Record ``recorded`` (stamped already), tell the generator; after ``info`` the client
        thread goes on as a new process."""
        self._count += 1
        if self._keep:
            self.history.append(recorded)
        self._sink.write(recorded)
        if self._on_event is not None:
            self._on_event(recorded)
        now = recorded.time
        self._activity_ns = now
        kind = recorded.type
        if thread != NEMESIS:
            stats = self.stats
            if kind is OpType.OK:
                stats.ok += 1
            elif kind is OpType.FAIL:
                stats.fail += 1
            else:
                stats.info += 1
            by_f = stats.by_f
            by_f[recorded.f] = by_f.get(recorded.f, 0) + 1
        free = self._free = tuple(compress(self._threads, self._free_mask))
        self._gen = self._gen.update(
            Context(now, self._threads, free, self._workers_of, self._concurrency), recorded)
        if kind is OpType.INFO and thread != NEMESIS:
            assert isinstance(invocation.process, int)
            self._workers_of[thread] = invocation.process + self._concurrency

    # --- the watchdog (its own thread) --------------------------------------------------------

    def _start_watchdog(self) -> threading.Thread | None:
        dog = self._watchdog
        if dog.stall_s is None and dog.deadline_s is None:
            return None
        main = threading.get_ident()
        watcher = threading.Thread(target=self._watch, args=(main,), name="watchdog",
                                   daemon=True)
        watcher.start()
        return watcher

    def _watch(self, main: int) -> None:
        """Fire when the run stalls or overruns; wake (and, if need be, interrupt) the loop."""
        dog = self._watchdog
        started = self._clock.now_ns()
        stall_ns = None if dog.stall_s is None else int(dog.stall_s * 1e9)
        deadline = None if dog.deadline_s is None else started + int(dog.deadline_s * 1e9)
        while not self._finished.wait(dog.check_every_s):
            now = self._clock.now_ns()
            found = self._stalled(now, stall_ns, deadline, started)
            if found is None:
                continue
            kind, reason = found
            self._stall = StallError(kind, reason, at_ns=now, diagnosis=self.diagnose())
            self._ctx.log.error("watchdog: %s; ending the run\n%s", reason,
                                self._stall.diagnosis)
            self._completions.put(None)
            # a main thread blocked elsewhere than in _wait: interrupt it (main thread only)
            if not self._finished.wait(5.0) and main == threading.main_thread().ident:
                self._ctx.log.error("watchdog: the interpreter did not stop; interrupting it")
                signal.pthread_kill(main, signal.SIGINT)
            return

    def _stalled(
        self, now: int, stall_ns: int | None, deadline: int | None, started: int
    ) -> tuple[StallKind, str] | None:
        if deadline is not None and now >= deadline:
            return StallKind.DEADLINE, (
                f"the run passed its deadline of {(deadline - started) / 1e9:.1f} s "
                f"(time limit + recovery + grace)")
        if stall_ns is None:
            return None
        idle = now - max(self._activity_ns, started)
        clients_free = any(self._free_mask[: self._concurrency])
        if idle >= stall_ns and clients_free and NEMESIS not in self._busy:
            return StallKind.STALL, (
                f"nothing dispatched or completed for {idle / 1e9:.1f} s while client threads "
                "were free (a stalled run)")
        return None

    def diagnose(self) -> str:
        """What the interpreter and every thread are doing (for the controller log); never
        raises (it reads the main thread's state from the watchdog's thread)."""
        try:
            return self._diagnose()
        except Exception as e:
            return f"no diagnosis: {describe(e)}"

    def _diagnose(self) -> str:
        now = self._clock.now_ns()
        lines = [f"at {now / 1e9:.3f} s: {self._count} ops recorded"]
        for thread, (invocation, _) in sorted(list(self._busy.items()), key=lambda kv: str(kv[0])):
            lines.append(f"  busy {thread}: {invocation.f} {invocation.value!r} since "
                         f"{invocation.time / 1e9:.3f} s")
        for thread, wake in list(self._sleeping.items()):
            lines.append(f"  sleeping {thread} until {wake / 1e9:.3f} s")
        free = [t for t, f in zip(self._threads, self._free_mask, strict=True) if f]
        lines.append(f"  free threads: {free}")
        lines.append(f"  the generator says: {self._ask_generator(now)}")
        names = {t.ident: t.name for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            stack = "".join(traceback.format_stack(frame, limit=8))
            lines.append(f"  thread {names.get(ident, ident)}:\n{stack.rstrip()}")
        return "\n".join(lines)

    def _ask_generator(self, now: int) -> str:
        """What the (immutable) generator would do now; asked on a helper thread, since the
        generator may be what blocks."""
        answer: list[str] = []

        def ask() -> None:
            try:
                # its own free tuple: self._free is the main thread's cache
                free = tuple(compress(self._threads, list(self._free_mask)))
                ctx = Context(now, self._threads, free, dict(self._workers_of),
                              self._concurrency)
                step = self._gen.op(ctx)
                answer.append(repr(step if step is None or not isinstance(step, tuple)
                                   else step[0]))
            except Exception as e:
                answer.append(f"raised {describe(e)}")

        helper = threading.Thread(target=ask, name="watchdog-ask", daemon=True)
        helper.start()
        helper.join(1.0)
        return answer[0] if answer else "no answer within 1 s (the generator blocks)"

    def _shutdown(self) -> None:
        """Stop the workers; wait a little for them (a stuck one is a daemon and is left)."""
        for worker in self._workers.values():
            worker.stop()
        deadline = time.monotonic() + 3.0
        for worker in [*self._workers.values(), *self._abandoned]:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))


__all__ = ["HistorySink", "Interpreter", "StallError", "StallKind", "Stats", "Watchdog"]
