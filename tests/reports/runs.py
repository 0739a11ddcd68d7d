"""Generated run directories for report tests and the report benchmark.

A simulated multi-key cas-register: each operation takes effect at its invocation (so the history
is linearizable) unless ``stale_reads`` (a probability) makes some reads return an overwritten
value. A nemesis partitions and heals; during a partition more operations fail or become
indeterminate.
``results.json`` is written by the real checkers.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from checkers.counter import check_counter
from checkers.eventual import check_set
from checkers.linearizable import check, get_model
from checkers.verdict import Verdict, merge
from harness.kernel.history import History, history_of
from harness.kernel.jsonl import write_jsonl
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import NEMESIS, Op, OpType
from harness.shell.primaries import PRIMARIES, PrimaryChange


def register_history(
    n_ops: int,
    *,
    seed: int = 1,
    concurrency: int = 5,
    keys: int = 3,
    stale_reads: float = 0.0,
    fault_every: int = 400,
) -> History:
    """About ``n_ops`` client operations (invoke+completion pairs) plus nemesis records."""
    rng = random.Random(seed)
    ops: list[Op] = []
    t = 0
    values: dict[Scalar, Scalar] = {}
    previous: dict[Scalar, Scalar] = {}
    next_value = 0
    procs = list(range(concurrency))
    pending: dict[int, tuple[str, Scalar, JSON, OpType, JSON, str | None]] = {}
    partitioned = False
    started = 0
    next_fault = fault_every

    def emit(type_: OpType, process: int | str, f: str, value: JSON, key: Scalar = None,
             *, error: str | None = None) -> None:
        ops.append(Op(index=len(ops), time=t, type=type_, process=process, f=f, value=value,
                      key=key, node=None if process == NEMESIS else f"n{1 + hash(process) % 3}",
                      error=error))

    completed = 0
    while completed < n_ops:
        t += rng.randint(50_000, 2_000_000)
        if started >= next_fault:
            next_fault += fault_every
            f = "heal" if partitioned else "partition"
            emit(OpType.INFO, NEMESIS, f, None if partitioned else "majorities-ring")
            t += rng.randint(1_000, 5_000)
            emit(OpType.INFO, NEMESIS, f, "done")
            partitioned = not partitioned
            continue
        slot = rng.randrange(concurrency)
        p = procs[slot]
        if p not in pending:
            if started >= n_ops:
                continue
            key: Scalar = rng.randrange(keys)
            roll = rng.random()
            f = "read" if roll < 0.5 else "write" if roll < 0.85 else "cas"
            bad = rng.random() < (0.35 if partitioned else 0.01)
            outcome = (OpType.INFO if rng.random() < 0.25 else OpType.FAIL) if bad else OpType.OK
            value: JSON
            result: JSON = None
            error = None if outcome is OpType.OK else ("timeout" if outcome is OpType.INFO
                                                       else "no leader")
            applies = outcome is OpType.OK or (outcome is OpType.INFO and rng.random() < 0.5)
            if f == "read":
                value = None
                current = values.get(key)
                result = current
                if stale_reads and key in previous and rng.random() < stale_reads:
                    result = previous[key]
            elif f == "write":
                next_value += 1
                value = next_value
                if applies:
                    previous[key] = values.get(key)
                    values[key] = next_value
            else:
                next_value += 1
                expected = values.get(key) if rng.random() < 0.7 else -1
                value = [expected, next_value]
                swapped = values.get(key) == expected
                if applies and swapped:
                    previous[key] = values.get(key)
                    values[key] = next_value
                if outcome is OpType.OK and not swapped:
                    outcome, error = OpType.FAIL, "cas mismatch"
            emit(OpType.INVOKE, p, f, value, key)
            pending[p] = (f, key, value, outcome, result, error)
            started += 1
        else:
            f, key, value, outcome, result, error = pending.pop(p)
            out: JSON = result if f == "read" else value
            emit(outcome, p, f, out if outcome is OpType.OK else None, key, error=error)
            completed += 1
            if outcome is OpType.INFO:
                procs[slot] = p + concurrency
    return history_of(ops)


class _Recorder:
    """Ops of a three-node run with one partition (at a third of the adds) and a heal (at two
    thirds), each stamped with the current time ``t`` (ns)."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.t = 0

    def emit(self, type_: OpType, process: int | str, f: str, value: JSON,
             node: str | None = None) -> None:
        self.ops.append(Op(index=len(self.ops), time=self.t, type=type_, process=process, f=f,
                           value=value, node=node))

    def fault(self, i: int, n: int) -> None:
        """The nemesis records due before add ``i`` of ``n``."""
        if i == n // 3:
            self.emit(OpType.INFO, NEMESIS, "partition", "n1 | n2 n3")
            self.emit(OpType.INFO, NEMESIS, "partition", "done")
        if i == 2 * n // 3:
            self.emit(OpType.INFO, NEMESIS, "heal", None)
            self.emit(OpType.INFO, NEMESIS, "heal", "done")

    def final_reads(self, value: JSON) -> History:
        """A final read returning ``value`` on each of the three nodes; the whole history."""
        for n in range(3):
            self.t += 10_000
            self.emit(OpType.INVOKE, n, "final-read", None, f"n{n + 1}")
            self.t += 10_000
            self.emit(OpType.OK, n, "final-read", value, f"n{n + 1}")
        return history_of(self.ops)


def set_history(n_adds: int, *, seed: int = 2, lose: int = 0) -> History:
    """A grow-only set run: adds, a partition, final reads of three nodes; ``lose`` acknowledged
    elements are missing from every final read."""
    rng = random.Random(seed)
    r = _Recorder()
    for i in range(n_adds):
        r.t += rng.randint(10_000, 50_000)
        r.fault(i, n_adds)
        p = i % 3
        r.emit(OpType.INVOKE, p, "add", i, f"n{p + 1}")
        r.t += rng.randint(1_000, 9_000)
        r.emit(OpType.OK, p, "add", i, f"n{p + 1}")
    final: list[JSON] = [e for e in range(n_adds) if e >= lose]
    return r.final_reads(final)


def counter_history(n_adds: int, *, seed: int = 4, drift: int = 0) -> History:
    """A counter run: adds of 1 by three processes, reads, a partition, final reads of three
    nodes; from the middle on, reads are ``drift`` lower than possible (an invalid run)."""
    rng = random.Random(seed)
    r = _Recorder()
    total = 0
    for i in range(n_adds):
        r.t += rng.randint(10_000, 50_000)
        r.fault(i, n_adds)
        p = i % 3
        r.emit(OpType.INVOKE, p, "add", 1, f"n{p + 1}")
        r.t += rng.randint(1_000, 9_000)
        total += 1
        r.emit(OpType.OK, p, "add", 1, f"n{p + 1}")
        if i % 5 == 4:
            r.emit(OpType.INVOKE, 3, "read", None, "n1")
            r.t += rng.randint(1_000, 9_000)
            r.emit(OpType.OK, 3, "read", total - (drift if i > n_adds // 2 else 0), "n1")
    return r.final_reads(total)


def primary_changes(history: History) -> list[PrimaryChange]:
    """What a poller would have seen: n1 leads until the first fault, then no primary for a
    while, then two (a deposed leader that does not know it yet), then the next node alone;
    likewise after each later fault. Delays are fractions of the run's length."""
    faults = [op.time for op in history.ops if not op.is_client and op.value != "done"]
    unit = max(1, history.ops[-1].time // 100)
    changes = [PrimaryChange(time=0, end=unit // 10, primaries=("n1",))]
    leader = 1
    for t in faults:
        nxt = leader % 3 + 1
        changes.append(PrimaryChange(time=t + unit // 5, end=t + unit // 4, primaries=()))
        changes.append(PrimaryChange(time=t + 2 * unit, end=t + 2 * unit + unit // 10,
                                     primaries=tuple(sorted((f"n{leader}", f"n{nxt}")))))
        changes.append(PrimaryChange(time=t + 3 * unit, end=t + 3 * unit + unit // 10,
                                     primaries=(f"n{nxt}",)))
        leader = nxt
    return changes


def counter_checker(history: History) -> dict[str, JSON]:
    return check_counter(history).to_json()


Checker = Callable[[History], dict[str, JSON]]


def linearizable_checker(history: History) -> dict[str, JSON]:
    return check(history, get_model("cas-register"), time_limit=60.0, workers=1).to_json()


def set_checker(history: History) -> dict[str, JSON]:
    return check_set(history).to_json()


def write_run(
    run_dir: Path,
    history: History,
    checkers: dict[str, Checker],
    *,
    name: str = "register-test",
    seed: int = 1,
    concurrency: int = 5,
    node_logs: bool = True,
    target: str = "raftkv",
    workload: str = "register",
    primaries: list[PrimaryChange] | None = None,
) -> Path:
    """A run directory as the controller lays it out (DESIGN.md), results by real checkers."""
    run_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(run_dir / "history.jsonl", history.ops)
    test: dict[str, JSON] = {"name": name, "target": target, "workload": workload,
                             "nemesis": ["partition"], "nodes": ["n1", "n2", "n3"],
                             "concurrency": concurrency, "seed": seed, "time_limit": 10.0}
    config: dict[str, JSON] = {"test": test, "seed": seed,
                               "start_time": "2026-01-01T10:00:00+00:00",
                               "versions": {"splitbrain": "0.1.0"}}
    (run_dir / "test.json").write_text(json.dumps(config), encoding="utf-8")
    results = {c: fn(history) for c, fn in checkers.items()}
    verdicts = [v for r in results.values() for v in [r.get("verdict")] if isinstance(v, str)]
    overall = merge(Verdict(v) for v in verdicts)
    (run_dir / "results.json").write_text(
        json.dumps({"verdict": overall.value, "checkers": results}), encoding="utf-8")
    (run_dir / "controller.log").write_text("controller started\n", encoding="utf-8")
    if primaries is not None:
        (run_dir / PRIMARIES).write_text(
            "".join(json.dumps(c.to_json()) + "\n" for c in primaries), encoding="utf-8")
    if node_logs:
        for n in ("n1", "n2", "n3"):
            (run_dir / "nodes" / n).mkdir(parents=True, exist_ok=True)
            (run_dir / "nodes" / n / "server.log").write_text(f"{n} up\n", encoding="utf-8")
    return run_dir
