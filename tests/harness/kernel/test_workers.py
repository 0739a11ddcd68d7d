"""The interpreter's workers, on their own: sessions, reporting, survival, scheduling class."""

from __future__ import annotations

import logging
import os
import queue
import random
import threading
from pathlib import Path

import pytest

from harness.kernel.clock import MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import NoopClient, NoopDB, NoopNemesis, complete
from harness.kernel.workers import (
    ClientSession,
    Done,
    NemesisSession,
    ThreadWorker,
    describe,
    no_wakeup_preemption,
)
from harness.shell.runtime.static import StaticRuntime


def _ctx(tmp_path: Path) -> RunContext:
    return RunContext(
        test=TestConfig(name="t", target="noop", workload="noop"),
        runtime=StaticRuntime({"n1": "127.0.0.1"}), db=NoopDB(), run_dir=tmp_path,
        clock=MonotonicClock(), rng=random.Random(1), log=logging.getLogger("test"),
    )


def _invoke(index: int, f: str = "read", value: object = None, process: int = 0) -> Op:
    return Op(index=index, time=index, type=OpType.INVOKE, process=process, f=f,
              value=value)  # type: ignore[arg-type]


class _Counting(NoopClient):
    """Counts opens and closes; ``info`` for f="flaky", raises for f="boom"."""

    def __init__(self) -> None:
        self.opens = 0
        self.closes = 0

    def open(self, ctx: RunContext, node: str) -> _Counting:
        self.opens += 1
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        if op.f == "boom":
            raise ConnectionError("reset")
        return complete(op, OpType.INFO if op.f == "flaky" else OpType.OK, op.value)

    def close(self, ctx: RunContext) -> None:
        self.closes += 1


def test_a_client_session_opens_once_and_afresh_after_info(tmp_path: Path) -> None:
    client = _Counting()
    session = ClientSession(client, _ctx(tmp_path), "n1")
    assert session.perform(_invoke(0)).type is OpType.OK
    assert session.perform(_invoke(1)).type is OpType.OK
    assert (client.opens, client.closes) == (1, 0)
    assert session.perform(_invoke(2, "flaky")).type is OpType.INFO
    assert client.closes == 1  # the next process gets a new connection
    session.perform(_invoke(3))
    assert client.opens == 2
    session.close()
    session.close()  # closing twice closes once
    assert client.closes == 2


def test_a_client_that_cannot_open_fails_the_op(tmp_path: Path) -> None:
    class Unreachable(NoopClient):
        def open(self, ctx: RunContext, node: str) -> NoopClient:
            raise OSError("connection refused")

    done = ClientSession(Unreachable(), _ctx(tmp_path), "n1").perform(_invoke(0))
    assert done.type is OpType.FAIL
    assert done.error == "client open: OSError: connection refused"


def test_a_nemesis_session_validates_the_completion(tmp_path: Path) -> None:
    class Wrong(NoopNemesis):
        def invoke(self, ctx: RunContext, op: Op) -> Op:
            return complete(op, OpType.INVOKE)

    with pytest.raises(Exception, match="ok/fail/info"):
        NemesisSession(Wrong(), _ctx(tmp_path)).perform(_invoke(0, "start"))


@pytest.mark.timeout(30)
def test_a_thread_worker_reports_outcomes_and_survives_any_exception(tmp_path: Path) -> None:
    class Odd(BaseException):
        pass

    class Performer:
        closed = 0

        def perform(self, op: Op) -> Op:
            if op.f == "odd":
                raise Odd("odd")
            if op.f == "boom":
                raise ValueError("boom")
            return complete(op, OpType.OK, op.value)

        def close(self) -> None:
            Performer.closed += 1

    reports: queue.SimpleQueue[Done] = queue.SimpleQueue()
    worker = ThreadWorker(name="w", performer=Performer(), report=reports.put,
                          log=logging.getLogger("test"))
    for i, f in enumerate(["read", "odd", "boom", "read"]):
        worker.submit(_invoke(i, f, value=i))
    outcomes = [reports.get(timeout=10) for _ in range(4)]
    assert all(who is worker for who, _, _ in outcomes)
    assert [(op.type if op else None, error) for _, op, error in outcomes] == [
        (OpType.OK, None), (None, "Odd: odd"), (None, "ValueError: boom"), (OpType.OK, None)]
    assert Performer.closed == 2  # after each exception
    worker.stop()
    worker.join(10)
    assert Performer.closed == 3  # and at the end


def test_describe_names_the_type() -> None:
    assert describe(ValueError("x")) == "ValueError: x"
    assert describe(KeyboardInterrupt()) == "KeyboardInterrupt"


def test_workers_do_not_preempt_on_wake_up() -> None:
    policies: list[int] = []

    def probe() -> None:
        no_wakeup_preemption()
        policies.append(os.sched_getscheduler(0))

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(10)
    assert policies == [os.SCHED_BATCH]
    assert os.sched_getscheduler(0) != os.SCHED_BATCH  # only the calling thread changed
