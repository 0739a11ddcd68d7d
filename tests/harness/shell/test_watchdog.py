"""The interpreter's watchdog ends runs that stall on purpose (and leaves healthy runs alone)."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.kernel import generators as g
from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.generators import PENDING, Context, GenOp, Step
from harness.kernel.historylog import HistoryLog
from harness.kernel.interpreter import Interpreter, StallError, StallKind, Watchdog
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import Op
from harness.kernel.protocols import NoopClient, NoopDB, NoopNemesis
from harness.shell.runtime.static import StaticRuntime

READ = g.Invocation(f="read")


def _ctx(tmp_path: Path) -> RunContext:
    return RunContext(
        test=TestConfig(name="t", target="noop", workload="noop"),
        runtime=StaticRuntime({"n1": "127.0.0.1"}), db=NoopDB(), run_dir=tmp_path,
        clock=MonotonicClock(), rng=random.Random(1), log=logging.getLogger("test"),
    )


def _run(tmp_path: Path, gen: g.Generator, dog: Watchdog,
         nemesis: NoopNemesis | None = None) -> list[Op]:
    with HistoryLog(tmp_path / "history.jsonl") as sink:
        return Interpreter(
            ctx=_ctx(tmp_path), client=NoopClient(), nemesis=nemesis or NoopNemesis(),
            generator=gen, sink=sink, concurrency=3, watchdog=dog,
        ).run()


@dataclass(frozen=True, slots=True)
class PendingForever:
    """Pending for ever, with every thread free: a generator that stalls on purpose."""

    def op(self, ctx: Context) -> Step:
        return PENDING

    def update(self, ctx: Context, event: Op) -> g.Generator:
        return self


@dataclass(frozen=True, slots=True)
class FarFuture:
    """An operation always an hour away (the other way a generator can stall)."""

    def op(self, ctx: Context) -> Step:
        if not ctx.free:
            return PENDING
        return GenOp(process=ctx.workers[ctx.free[0]], f="read", time=ctx.time + 3600 * 10**9), self

    def update(self, ctx: Context, event: Op) -> g.Generator:
        return self


@pytest.mark.timeout(30)
@pytest.mark.parametrize("stuck", [PendingForever(), FarFuture()], ids=["pending", "far"])
def test_a_stalled_generator_is_ended_by_the_watchdog(tmp_path: Path, stuck: g.Generator) -> None:
    gen = g.clients(g.seq(g.limit(20, g.Repeat(READ)), stuck))
    started = time.monotonic()
    with pytest.raises(StallError) as caught:
        _run(tmp_path, gen, Watchdog(stall_s=0.5, deadline_s=60))
    assert time.monotonic() - started < 10
    assert caught.value.kind is StallKind.STALL
    assert "free threads" in caught.value.diagnosis
    assert "thread MainThread" in caught.value.diagnosis
    # the prefix on disk is complete: 20 invocations, 20 completions
    assert len(read_jsonl(tmp_path / "history.jsonl").operations()) == 20


class _HangingNemesis(NoopNemesis):
    def __init__(self) -> None:
        self.release = threading.Event()

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        self.release.wait(30)
        return super().invoke(ctx, op)


@pytest.mark.timeout(30)
def test_a_nemesis_op_that_never_ends_hits_the_deadline(tmp_path: Path) -> None:
    nemesis = _HangingNemesis()
    gen = g.clients(g.limit(5, g.Repeat(READ)), g.Once(g.Invocation(f="start")))
    try:
        with pytest.raises(StallError) as caught:
            # the nemesis is busy, so this is no stall; only the deadline ends it
            _run(tmp_path, gen, Watchdog(stall_s=0.3, deadline_s=1.5), nemesis)
    finally:
        nemesis.release.set()
    assert caught.value.kind is StallKind.DEADLINE
    assert "busy nemesis: start" in caught.value.diagnosis


@dataclass(frozen=True, slots=True)
class BlocksTheLoop:
    """Blocks the interpreter's own thread (not in its wait): the watchdog must interrupt it."""

    def op(self, ctx: Context) -> Step:
        time.sleep(60)
        return None

    def update(self, ctx: Context, event: Op) -> g.Generator:
        return self


@pytest.mark.timeout(40)
def test_a_blocked_interpreter_thread_is_interrupted(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(StallError):
        _run(tmp_path, g.clients(BlocksTheLoop()), Watchdog(stall_s=0.3))
    assert time.monotonic() - started < 20


@pytest.mark.timeout(30)
def test_slow_but_steady_runs_are_left_alone(tmp_path: Path) -> None:
    # gaps of ~0.2 s between ops, far under the stall timeout (generous: a loaded machine may
    # pause the run for a second): the run ends by itself
    gen = g.time_limit(1.5, g.clients(g.rate(5, g.Repeat(READ), 1)))
    history = _run(tmp_path, gen, Watchdog(stall_s=5.0, deadline_s=30))
    assert len([op for op in history if op.type.value == "invoke"]) >= 3
