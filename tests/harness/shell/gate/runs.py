"""Recorded runs for the gate's tests: histories written as a run would, checked by the real
linearizability checker, and a fake runner that returns chosen verdicts without a cluster."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checkers.compose import CompositeResult, SimpleResult
from checkers.linearizable import check, get_model
from checkers.stats import StatsChecker
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig
from harness.kernel.history import history_of
from harness.kernel.jsonl import write_jsonl
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import NEMESIS, Op, OpType
from harness.shell.gate import RunResult, result_from_run_dir
from harness.shell.run_results import RunResults
from harness.shell.store import create_run, write_json

MS = 1_000_000


class HistoryBuilder:
    """Appends ops with increasing index and the given times (ms)."""

    def __init__(self) -> None:
        self.ops: list[Op] = []

    def add(self, ms: float, type_: OpType, process: int | str, f: str, value: JSON = None,
            *, key: int | None = 0, error: str | None = None) -> HistoryBuilder:
        self.ops.append(Op(index=len(self.ops), time=int(ms * MS), type=type_, process=process,
                           f=f, value=value, key=key if process != NEMESIS else None,
                           error=error))
        return self

    def call(self, start: float, end: float, process: int, f: str, value: JSON,  # noqa: PLR0917
             out: JSON, type_: OpType = OpType.OK, key: int = 0) -> HistoryBuilder:
        self.add(start, OpType.INVOKE, process, f, value, key=key)
        return self.add(end, type_, process, f, out, key=key)


def stale_read_history() -> list[Op]:
    """write 1, write 2 (both ok), then a read of 1 after both: a stale read on key 0; a
    partition in the middle; one indeterminate write; latencies 10 ms except a 500 ms read."""
    h = HistoryBuilder()
    h.call(0, 10, 0, "write", 1, 1)
    h.add(15, OpType.INFO, NEMESIS, "start-partition", {"topology": "halves"})
    h.add(16, OpType.INFO, NEMESIS, "start-partition", {"grudge": {}})
    h.call(20, 30, 1, "write", 2, 2)
    h.add(40, OpType.INVOKE, 0, "read")
    h.add(50, OpType.INVOKE, 1, "write", 3)
    h.add(60, OpType.INFO, 1, "write", 3, error="timeout")
    h.add(540, OpType.OK, 0, "read", 1)
    h.add(600, OpType.INFO, NEMESIS, "stop-partition", None)
    h.add(601, OpType.INFO, NEMESIS, "stop-partition", None)
    h.call(700, 710, 2, "write", 4, 4, key=1)
    return h.ops


def valid_history() -> list[Op]:
    h = HistoryBuilder()
    h.call(0, 10, 0, "write", 1, 1)
    h.call(20, 30, 1, "read", None, 1)
    h.call(40, 50, 0, "cas", [1, 2], None)
    h.call(60, 70, 1, "read", None, 2)
    return h.ops


def checked_results(ops: Sequence[Op]) -> RunResults:
    """results.json as a register run writes it, from the real checker."""
    result = check(history_of(ops), get_model("cas-register"))
    stats = StatsChecker().check(TestConfig(name="t", target="raftkv", workload="register"),
                                 history_of(ops))
    return RunResults(verdict=result.verdict, workload=CompositeResult(
        verdict=result.verdict, parts={"linearizable": result, "stats": stats}))


def write_run(store: Path, test: TestConfig, ops: Sequence[Op],
              results: RunResults | None = None) -> Path:
    """A run directory like the run lifecycle leaves (test.json, history.jsonl, results.json)."""
    run = create_run(store, test)
    write_jsonl(run.history, ops)
    write_json(run.results, (results if results is not None else checked_results(ops)).to_json())
    return run.path


@dataclass
class FakeRunner:
    """Answers each case (by test name suffix) with the next of its scripted verdicts, writing a
    recorded run directory (None = a harness error, no directory)."""

    script: Mapping[str, Sequence[Verdict | None]]
    calls: list[TestConfig] = field(default_factory=list)

    def run(self, test: TestConfig) -> RunResult:
        case = test.name.split(".", 1)[1]
        n = sum(1 for t in self.calls if t.name == test.name)
        self.calls.append(test)
        verdict = self.script[case][n]
        if verdict is None:
            return RunResult(seed=test.seed, verdict=None, error="target would not start",
                             seconds=1.0)
        ops = stale_read_history() if verdict is Verdict.INVALID else valid_history()
        results = checked_results(ops)
        if verdict is Verdict.UNKNOWN:
            results = RunResults(verdict=Verdict.UNKNOWN, workload=CompositeResult(
                verdict=Verdict.UNKNOWN, parts={"linearizable": SimpleResult(
                    verdict=Verdict.UNKNOWN, data={"reason": "time limit"})}))
        run_dir = write_run(test.store, test, ops, results)
        return result_from_run_dir(test.seed, run_dir, verdict=verdict, seconds=2.0)


def read_json(path: Path) -> JSON:
    value: JSON = json.loads(path.read_text(encoding="utf-8"))
    return value
