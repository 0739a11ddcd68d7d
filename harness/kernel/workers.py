"""The interpreter's workers: one OS thread per logical thread, one operation at a time.

A :class:`Worker` is all the interpreter knows of one: ``submit`` an invocation, ``stop``,
``join``. What a worker does with an invocation is its :class:`Performer`: a
:class:`ClientSession` (a client opened on first use, dropped after an indeterminate outcome) for
a client thread, a :class:`NemesisSession` for the nemesis thread. Each outcome goes to a
:data:`Report` callback as one :data:`Done` tuple; nothing here reads the interpreter's state.

Any exception, ``BaseException`` included, of a client or the nemesis becomes an outcome (``None``
and the error text): a worker thread never dies of one, so every invocation gets its completion.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Protocol, TypeAlias

from harness.kernel.context import RunContext
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import Client, Nemesis, complete, validate_completion


class Worker(Protocol):
    """Performs the invocations of one logical thread, one at a time, on its own OS thread."""

    def submit(self, op: Op) -> None:
        """Perform invocation ``op``; its outcome is reported when done (never blocks)."""

    def stop(self) -> None:
        """Finish after the current operation (if any); the rest of the inbox is dropped."""

    def join(self, timeout: float) -> None:
        """Wait at most ``timeout`` seconds for the OS thread to end."""


Done: TypeAlias = tuple[Worker, Op | None, str | None]
"""What a worker reports: itself, the completion (None if performing raised), the error text."""

Report: TypeAlias = Callable[[Done], None]


class Performer(Protocol):
    """What a worker does with an invocation."""

    def perform(self, op: Op) -> Op:
        """The validated completion of invocation ``op``; raising means its outcome is unknown."""

    def close(self) -> None:
        """Drop any connection (after an exception, and at the end); never raises."""


def describe(e: BaseException) -> str:
    """``Type: message`` (just ``Type`` for an empty message)."""
    text = str(e)
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def log_exception(log: logging.Logger, op: Op, e: BaseException) -> None:
    """Log that performing ``op`` raised ``e``, with the traceback."""
    log.warning("process %s %s raised %s\n%s", op.process, op.f, describe(e),
                "".join(traceback.format_exception(e)).rstrip())


class ClientSession:
    """A client thread's connection: ``template.open(ctx, node)`` on first use; closed after an
    exception or an ``info`` completion, so that the next process starts afresh."""

    def __init__(self, template: Client, ctx: RunContext, node: str) -> None:
        self._template = template
        self._ctx = ctx
        self._node = node
        self._client: Client | None = None

    def perform(self, op: Op) -> Op:
        client = self._client
        if client is None:
            try:
                client = self._template.open(self._ctx, self._node)
            except Exception as e:  # nothing was sent: the operation certainly did not happen
                log_exception(self._ctx.log, op, e)
                return complete(op, OpType.FAIL, None, error=f"client open: {describe(e)}")
            self._client = client
        done = validate_completion(op, client.invoke(self._ctx, op))
        if done.type is OpType.INFO:
            self.close()
        return done

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close(self._ctx)
            except Exception as e:
                self._ctx.log.debug("closing a client failed: %s", e)


class NemesisSession:
    """The nemesis thread's performer."""

    def __init__(self, nemesis: Nemesis, ctx: RunContext) -> None:
        self._nemesis = nemesis
        self._ctx = ctx

    def perform(self, op: Op) -> Op:
        return validate_completion(op, self._nemesis.invoke(self._ctx, op))

    def close(self) -> None:
        pass


_STOP = None


def no_wakeup_preemption() -> None:
    """Put the calling thread in Linux's ``SCHED_BATCH`` class (same share of the CPU, but a
    wake-up does not preempt the running thread); elsewhere, or if refused, nothing changes.

    A worker is woken for every operation by the interpreter's thread, which holds the GIL at
    that moment: preempting it only to wait for the GIL cost about one context switch per
    operation on a busy 2-core machine (bench/interpreter_bench.py: the interpreter's thread was
    preempted 0.94 times per operation, 0.13 with workers in SCHED_BATCH; +33% operations/s).
    See sched(7), "SCHED_BATCH: Scheduling batch processes".
    """
    policy = getattr(os, "SCHED_BATCH", None)
    if policy is None:
        return
    with contextlib.suppress(OSError):
        os.sched_setscheduler(0, policy, os.sched_param(0))  # 0: this thread


class ThreadWorker:
    """A :class:`Worker` on a daemon thread (a stuck one can be abandoned)."""

    def __init__(self, *, name: str, performer: Performer, report: Report,
                 log: logging.Logger) -> None:
        self._performer = performer
        self._report = report
        self._log = log
        self._inbox: queue.SimpleQueue[Op | None] = queue.SimpleQueue()
        self.submit: Callable[[Op], None] = self._inbox.put  # the hot path: no wrapper call
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._inbox.put(_STOP)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        no_wakeup_preemption()
        get, perform, report = self._inbox.get, self._performer.perform, self._report
        try:
            while (op := get()) is not _STOP:
                try:
                    done = perform(op)
                except BaseException as e:  # any outcome is unknown: reported, never fatal
                    self._failed(op, e)
                    continue
                report((self, done, None))
        finally:
            self._performer.close()

    def _failed(self, op: Op, e: BaseException) -> None:
        try:
            log_exception(self._log, op, e)
            self._performer.close()
        finally:
            self._report((self, None, describe(e)))


__all__ = [
    "ClientSession",
    "Done",
    "NemesisSession",
    "Performer",
    "Report",
    "ThreadWorker",
    "Worker",
    "describe",
    "log_exception",
    "no_wakeup_preemption",
]
