"""Simulated databases of known isolation, for list-append histories with known answers.

After the idea of jepsen-io/history's simulator: a seeded scheduler interleaves ``concurrency``
client processes; each step either invokes a new transaction on an idle process or advances an
in-flight one by one micro-op (committing after its last one). The database decides what reads
see and what commits:

- ``serializable``: the whole transaction runs and commits in its last step, alone (strict
  serializable: the commit point lies between invocation and completion);
- ``snapshot-isolation``: reads see the snapshot taken at invocation plus the transaction's own
  appends; at commit, first committer wins (abort if a key it appends was committed by another
  transaction since its snapshot). Allows write skew (G2-item), nothing weaker;
- ``read-committed``: each read sees the latest committed state when it runs, plus own appends;
  appends are applied at commit. Allows G-single, G-nonadjacent, G2-item (any cycle needs an
  rw edge) and lost-update, never G0, G1a, G1b or G1c;
- ``lost-update``: like read-committed, but commit writes back the whole list it read plus its
  own appends (a read-modify-write without isolation), so concurrent appends vanish.

Failed transactions (``p_fail``) have no effect; indeterminate ones (``p_info``) commit or not at
random. Keys rotate like Elle's generator: ``keys`` keys are active, and a key that has received
``max_appends`` appends is replaced by a fresh one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from checkers.elle._txn import MicroOp, Status, Txn
from harness.kernel.history import History, history_of
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType


class Isolation(StrEnum):
    """The simulated databases."""

    SERIALIZABLE = "serializable"
    SNAPSHOT_ISOLATION = "snapshot-isolation"
    READ_COMMITTED = "read-committed"
    LOST_UPDATE = "lost-update"


ALLOWED: dict[Isolation, frozenset[str] | None] = {
    Isolation.SERIALIZABLE: frozenset(),
    Isolation.SNAPSHOT_ISOLATION: frozenset({"G2-item", "G2-item-process", "G2-item-realtime"}),
    Isolation.READ_COMMITTED: frozenset(
        f"{a}{v}" for a in ("G-single", "G-nonadjacent", "G2-item")
        for v in ("", "-process", "-realtime")) | {"lost-update"},
    Isolation.LOST_UPDATE: None,
}
"""Anomalies each database may show (None: anything; it breaks even read-uncommitted)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SimConfig:
    """Simulation parameters: ``txns`` transactions by ``concurrency`` processes, each of 1 to
    ``max_mops`` micro-ops (half reads), over ``keys`` active keys."""

    isolation: Isolation
    txns: int
    seed: int
    concurrency: int = 10
    max_mops: int = 7
    keys: int = 10
    max_appends: int = 32
    p_fail: float = 0.02
    p_info: float = 0.01


@dataclass(slots=True)
class _Flight:
    id: int
    process: int
    call: int
    plan: list[tuple[str, int, int | None]]
    done: list[MicroOp]
    snapshot: dict[int, tuple[int, ...]] | None
    start_version: int
    base: dict[int, tuple[int, ...]]


class _Db:
    def __init__(self, cfg: SimConfig, rng: random.Random) -> None:
        self.cfg, self.rng = cfg, rng
        self.state: dict[int, tuple[int, ...]] = {}
        self.last_commit: dict[int, int] = {}
        self.version = 0

    def read(self, f: _Flight, key: int, own: list[int]) -> tuple[int, ...]:
        if self.cfg.isolation is Isolation.SNAPSHOT_ISOLATION:
            assert f.snapshot is not None
            base = f.snapshot.get(key, ())
        else:
            base = self.state.get(key, ())
        if key not in f.base:
            f.base[key] = base
        return base + tuple(own)

    def commit(self, f: _Flight, appends: dict[int, list[int]]) -> bool:
        iso = self.cfg.isolation
        if iso is Isolation.SNAPSHOT_ISOLATION and any(
                self.last_commit.get(k, -1) > f.start_version for k in appends):
            return False
        self.version += 1
        for k, vs in appends.items():
            if iso is Isolation.LOST_UPDATE and k in f.base:
                self.state[k] = f.base[k] + tuple(vs)
            else:
                self.state[k] = self.state.get(k, ()) + tuple(vs)
            self.last_commit[k] = self.version
        return True


class _Keys:
    """Rotating active keys and unique appended values (Elle's generator's scheme)."""

    def __init__(self, cfg: SimConfig, rng: random.Random) -> None:
        self.cfg, self.rng = cfg, rng
        self.active = list(range(cfg.keys))
        self.next_key = cfg.keys
        self.appends_to: dict[int, int] = {}
        self.counter = 0

    def plan(self, weak: bool) -> list[tuple[str, int, int | None]]:
        """Micro-ops for a new transaction; ``weak`` databases never read a key after touching
        it in the same transaction (their reads of own appends would not be modelled)."""
        rng, active = self.rng, self.active
        plan: list[tuple[str, int, int | None]] = []
        while not plan:
            for _ in range(rng.randint(1, self.cfg.max_mops)):
                i = rng.randrange(len(active))
                k = active[i]
                if rng.random() < 0.5:
                    if not (weak and any(pk == k for _, pk, _ in plan)):
                        plan.append(("r", k, None))
                    continue
                self.counter += 1
                plan.append(("append", k, self.counter))
                self.appends_to[k] = self.appends_to.get(k, 0) + 1
                if self.appends_to[k] >= self.cfg.max_appends:
                    active[i] = self.next_key
                    self.next_key += 1
        return plan


def simulate(cfg: SimConfig) -> Iterator[Txn]:
    """Yield the transactions of one simulated run, in invocation order of their ids, with
    history positions (``call``, ``ret``) as if invocations and completions were one history."""
    rng = random.Random(cfg.seed)
    db = _Db(cfg, rng)
    keys = _Keys(cfg, rng)
    position = 0
    flights: dict[int, _Flight] = {}
    process_of = list(range(cfg.concurrency))
    next_process = cfg.concurrency
    started = 0
    finished: list[Txn] = []
    weak = cfg.isolation in (Isolation.READ_COMMITTED, Isolation.LOST_UPDATE)
    while started < cfg.txns or flights:
        slot = rng.randrange(cfg.concurrency)
        f = flights.get(slot)
        if f is None:
            if started >= cfg.txns:
                continue
            plan = keys.plan(weak)
            snapshot = dict(db.state) if cfg.isolation is Isolation.SNAPSHOT_ISOLATION else None
            flights[slot] = _Flight(id=started, process=process_of[slot], call=position,
                                    plan=plan, done=[], snapshot=snapshot,
                                    start_version=db.version, base={})
            started += 1
            position += 1
            continue
        steps = len(f.plan) if cfg.isolation is Isolation.SERIALIZABLE else 1
        for _ in range(steps):
            fn, k, v = f.plan[len(f.done)]
            if fn == "r":
                own = [m.value for m in f.done if m.f == "append" and m.key == k]
                f.done.append(MicroOp(f="r", key=k, value=list(db.read(f, k, own))))  # type: ignore[arg-type]
            else:
                f.done.append(MicroOp(f="append", key=k, value=v))
        if len(f.done) < len(f.plan):
            continue
        del flights[slot]
        roll = rng.random()
        appends: dict[int, list[int]] = {}
        for m in f.done:
            if m.f == "append":
                appends.setdefault(m.key, []).append(m.value)  # type: ignore[arg-type]
        status = Status.OK
        if roll < cfg.p_fail:
            status = Status.FAIL
        elif roll < cfg.p_fail + cfg.p_info:
            status = Status.INFO
            if rng.random() < 0.5:
                db.commit(f, appends)
        elif not db.commit(f, appends):
            status = Status.FAIL
        mops = tuple(f.done) if status is Status.OK else tuple(
            MicroOp(f=m.f, key=m.key, value=None) if m.f == "r" else m for m in f.done)
        ret = position
        position += 1
        finished.append(Txn(id=f.id, process=f.process, status=status, mops=mops,
                            call=f.call, ret=ret, call_time=f.call, ret_time=ret))
        if status is Status.INFO:
            process_of[slot] = next_process
            next_process += 1
    finished.sort(key=lambda t: t.id)
    yield from finished


def to_history(txns: list[Txn], source: str | None = None) -> History:
    """The transactions as a history (invocations and completions interleaved by position)."""
    events: list[tuple[int, Op]] = []
    for t in txns:
        invoke: JSON = [[m.f, m.key, None if m.f == "r" else m.value] for m in t.mops]
        events.append((t.call, Op(index=0, time=0, type=OpType.INVOKE, process=t.process,
                                  f="txn", value=invoke)))
        if t.ret is not None:
            done: JSON = [[m.f, m.key, m.value] for m in t.mops]
            kind = {Status.OK: OpType.OK, Status.FAIL: OpType.FAIL,
                    Status.INFO: OpType.INFO}[t.status]
            events.append((t.ret, Op(index=0, time=0, type=kind, process=t.process, f="txn",
                                     value=done if t.status is Status.OK else invoke)))
    events.sort(key=lambda e: e[0])
    ops = [Op(index=i, time=i * 1000, type=op.type, process=op.process, f=op.f,
              value=op.value) for i, (_, op) in enumerate(events)]
    return history_of(ops, source=source)


__all__ = ["ALLOWED", "Isolation", "SimConfig", "simulate", "to_history"]
