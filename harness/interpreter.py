"""The interpreter: runs a generator with one worker thread per logical process, plus the nemesis.

The calling thread owns the generator, the clock and the history: it asks the generator for the
next operation, stamps and records the invocation, hands it to the worker of that thread, and
records completions as workers report them (in the order observed, flushed per op).
A client exception or a timeout is recorded as ``info``; the process is then retired and its
thread continues as process ``p + concurrency`` with a freshly opened client. A worker stuck past
the timeout is abandoned (daemon thread) and replaced by a new one.

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

from harness.context import RunContext
from harness.generators import PENDING, Context, Generator, GenOp, OpKind, Thread
from harness.ops import NEMESIS, Op, OpType, Process
from harness.protocols import Client, Nemesis, complete, validate_completion

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


@dataclass(frozen=True, slots=True)
class _Done:
    thread: Thread
    generation: int
    op: Op | None  # the completion; None if the worker raised (see ``error``)
    error: str | None = None


_STOP = object()


class _Worker:
    """A thread that performs the ops of one logical thread (clients or the nemesis)."""

    def __init__(
        self,
        interpreter: Interpreter,
        thread: Thread,
        generation: int,
    ) -> None:
        self.thread = thread
        self.generation = generation
        self.inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._interp = interpreter
        self._client: Client | None = None
        self._os_thread = threading.Thread(
            target=self._run, name=f"worker-{thread}-{generation}", daemon=True
        )
        self._os_thread.start()

    def _run(self) -> None:
        interp = self._interp
        out = interp._completions
        try:
            while True:
                item = self.inbox.get()
                if item is _STOP:
                    return
                assert isinstance(item, Op)
                try:
                    done = self._perform(item)
                    out.put(_Done(self.thread, self.generation, done))
                except Exception as e:  # the op's outcome is unknown
                    interp._log_exception(item, e)
                    self._drop_client()
                    out.put(_Done(self.thread, self.generation, None, _describe(e)))
        finally:
            self._drop_client()

    def _perform(self, op: Op) -> Op:
        interp = self._interp
        if self.thread == NEMESIS:
            done = interp._nemesis.invoke(interp._ctx, op)
            return validate_completion(op, done)
        client = self._client
        if client is None:
            try:
                client = interp._client.open(interp._ctx, interp.node_of(self.thread))
            except Exception as e:
                interp._log_exception(op, e)
                return complete(op, OpType.FAIL, None, error=f"client open: {_describe(e)}")
            self._client = client
        done = validate_completion(op, client.invoke(interp._ctx, op))
        if done.type is OpType.INFO:
            self._drop_client()  # the next process starts with a fresh connection
        return done

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close(self._interp._ctx)
            except Exception as e:
                self._interp._ctx.log.debug("closing a client failed: %s", e)

    def stop(self) -> None:
        self.inbox.put(_STOP)

    def join(self, timeout: float) -> None:
        self._os_thread.join(timeout)


def _describe(e: BaseException) -> str:
    text = str(e)
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


class Interpreter:
    """Runs ``generator`` to exhaustion against ``client`` and ``nemesis``."""

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
        self._completions: queue.SimpleQueue[_Done | None] = queue.SimpleQueue()  # None: wake
        self._nodes = tuple(ctx.nodes) or ("local",)
        self.stats = Stats()
        self.history: list[Op] = []
        self._keep = keep_history
        self._count = 0
        self._threads: tuple[Thread, ...] = (*range(concurrency), NEMESIS)
        self._workers_of: dict[Thread, Process] = {t: t for t in self._threads}
        self._busy: dict[Thread, tuple[Op, int]] = {}  # invocation, deadline (ns)
        self._sleeping: dict[Thread, int] = {}  # wake time (ns)
        self._free: tuple[Thread, ...] | None = None  # cached; None when busy/sleeping changed
        self._free_mask = [True] * len(self._threads)  # neither busy nor sleeping
        self._position = {t: i for i, t in enumerate(self._threads)}
        self._generation = 0
        self._workers: dict[Thread, _Worker] = {}
        self._abandoned: list[_Worker] = []
        self._outbox: list[tuple[_Worker, Op]] = []  # invocations recorded, not yet handed over
        self._next_timeout_check = 0
        self._watchdog = watchdog if watchdog is not None else Watchdog()
        self._activity_ns = 0  # last dispatch or completion (run clock)
        self._stall: StallError | None = None  # set by the watchdog thread
        self._finished = threading.Event()

    def node_of(self, thread: Thread) -> str:
        """The node a client thread talks to (round robin)."""
        assert isinstance(thread, int)
        return self._nodes[thread % len(self._nodes)]

    def _log_exception(self, op: Op, e: BaseException) -> None:
        self._ctx.log.warning(
            "process %s %s raised %s\n%s", op.process, op.f, _describe(e),
            "".join(traceback.format_exception(e)).rstrip(),
        )

    # --- history -----------------------------------------------------------------------------

    def _record(self, op: Op) -> Op:
        """Stamp ``op`` with the next index and the current time, and record it."""
        op = Op(
            index=self._count, time=self._clock.now_ns(), type=op.type,
            process=op.process, f=op.f, value=op.value, key=op.key, node=op.node,
            error=op.error,
        )
        return self._append(op)

    def _append(self, op: Op) -> Op:
        self._count += 1
        if self._keep:
            self.history.append(op)
        self._sink.write(op)
        if self._on_event is not None:
            self._on_event(op)
        return op

    def _set_free(self, thread: Thread, free: bool) -> None:
        self._free_mask[self._position[thread]] = free
        self._free = None

    def _context(self, now: int) -> Context:
        free = self._free
        if free is None:
            free = self._free = tuple(compress(self._threads, self._free_mask))
        return Context(now, self._threads, free, self._workers_of, self._concurrency)

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
        self._generation += 1
        self._workers[thread] = _Worker(self, thread, self._generation)

    def _loop(self) -> None:
        clock = self._clock
        while True:
            now = clock.now_ns()
            self._drain(now)
            if self._stall is not None:
                raise self._stall
            step = self._gen.op(self._context(now))
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
            self._dispatch(out)

    def _dispatch(self, out: GenOp) -> None:
        thread: Thread = out.process % self._concurrency if isinstance(out.process, int) else (
            out.process
        )
        if thread in self._busy or thread in self._sleeping or (
            self._workers_of.get(thread) != out.process
        ):
            raise RuntimeError(f"generator emitted {out} for a busy or unknown process")
        if out.kind is OpKind.SLEEP:
            assert isinstance(out.value, int)
            self._sleeping[thread] = self._clock.now_ns() + out.value
            self._set_free(thread, False)
            return
        is_nemesis = thread == NEMESIS
        node = None if is_nemesis else self.node_of(thread)
        invocation = self._append(
            Op(
                index=self._count, time=self._clock.now_ns(),
                type=OpType.INFO if is_nemesis else OpType.INVOKE,
                process=out.process, f=out.f, value=out.value, key=out.key, node=node,
            )
        )
        if is_nemesis:
            self.stats.nemesis += 1
            self.stats.last_nemesis = f"{out.f} {out.value}" if out.value is not None else out.f
        else:
            self.stats.invoked += 1
        deadline = invocation.time + self._timeout_ns if not is_nemesis else 1 << 62
        self._busy[thread] = (invocation, deadline)
        self._activity_ns = invocation.time
        self._set_free(thread, False)
        self._gen = self._gen.update(self._context(invocation.time), invocation)
        self._outbox.append((self._workers[thread], invocation))

    def _release(self) -> None:
        """Flush the history, then hand the recorded invocations to their workers."""
        self._sink.flush()
        if self._outbox:
            for worker, invocation in self._outbox:
                worker.inbox.put(invocation)
            self._outbox.clear()

    def _wait(self, until: int | None) -> None:
        """Block until a completion arrives, ``until`` passes, or a deadline/wake-up is due."""
        self._release()
        now = self._clock.now_ns()
        wake = until if until is not None else now + _POLL_NS
        if self._busy:
            wake = min(wake, self._next_timeout_check)
        for t in self._sleeping.values():
            wake = min(wake, t)
        timeout = max(0, wake - now) / 1e9
        try:
            done = self._completions.get(timeout=timeout) if timeout > 0 else (
                self._completions.get_nowait()
            )
        except queue.Empty:
            self._drain(self._clock.now_ns())
            return
        if done is None:  # the watchdog's wake-up
            if self._stall is not None:
                raise self._stall
            return
        self._complete(done)
        self._drain(self._clock.now_ns())

    def _drain(self, now: int) -> None:
        completions = self._completions
        while not completions.empty():  # only this thread takes from the queue
            done = completions.get_nowait()
            if done is not None:
                self._complete(done)
        if self._sleeping:
            for thread, wake in list(self._sleeping.items()):
                if wake <= now:
                    del self._sleeping[thread]
                    self._set_free(thread, True)
        if now >= self._next_timeout_check:  # timeouts are checked a few times a second
            self._next_timeout_check = now + _TIMEOUT_CHECK_NS
            for thread, (invocation, deadline) in list(self._busy.items()):
                if deadline <= now:
                    self._time_out(thread, invocation)

    def _complete(self, done: _Done) -> None:
        worker = self._workers.get(done.thread)
        if worker is None or worker.generation != done.generation:
            return  # from an abandoned worker: already recorded as timed out
        invocation, _ = self._busy.pop(done.thread)
        self._set_free(done.thread, True)
        if done.op is None:
            completion = complete(invocation, OpType.INFO, None, error=done.error)
        else:
            completion = done.op
        if invocation.process == NEMESIS:
            completion = complete(completion, OpType.INFO, completion.value,
                                  error=completion.error)
        self._finish(done.thread, invocation, completion)

    def _time_out(self, thread: Thread, invocation: Op) -> None:
        del self._busy[thread]
        self._set_free(thread, True)
        worker = self._workers.pop(thread)
        worker.stop()
        self._abandoned.append(worker)
        self._spawn(thread)
        self._ctx.log.warning(
            "process %s %s timed out after %.1f s", invocation.process, invocation.f,
            self._timeout_ns / 1e9,
        )
        self._finish(thread, invocation, complete(invocation, OpType.INFO, None, error="timeout"))

    def _finish(self, thread: Thread, invocation: Op, completion: Op) -> None:
        recorded = self._record(completion)
        self._activity_ns = recorded.time
        stats = self.stats
        if thread != NEMESIS:
            if recorded.type is OpType.OK:
                stats.ok += 1
            elif recorded.type is OpType.FAIL:
                stats.fail += 1
            else:
                stats.info += 1
            stats.by_f[recorded.f] = stats.by_f.get(recorded.f, 0) + 1
        self._gen = self._gen.update(self._context(recorded.time), recorded)
        if recorded.type is OpType.INFO and thread != NEMESIS:
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
            return f"no diagnosis: {_describe(e)}"

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
                # not self._context(): that writes the main thread's cache
                free = tuple(compress(self._threads, list(self._free_mask)))
                ctx = Context(now, self._threads, free, dict(self._workers_of),
                              self._concurrency)
                step = self._gen.op(ctx)
                answer.append(repr(step if step is None or not isinstance(step, tuple)
                                   else step[0]))
            except Exception as e:
                answer.append(f"raised {_describe(e)}")

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
