"""A deterministic simulated cluster of Raft cores: no sockets, no clocks, no threads.

Each node has a simulated disk (hard state, log records, snapshot) that survives ``crash``;
messages travel through a network that can be partitioned and that delivers in a seeded order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from targets.raftkv._core import CoreConfig, RaftCore, Ready, Role
from targets.raftkv._log import RaftLog
from targets.raftkv._messages import Entry, HardState, Message, Snapshot, Truncate


@dataclass(kw_only=True)
class SimDisk:
    hard_state: HardState = field(default_factory=HardState)
    entries: list[Entry] = field(default_factory=list)
    snapshot: Snapshot | None = None

    def persist(self, ready: Ready) -> None:
        if ready.hard_state is not None:
            self.hard_state = ready.hard_state
        for record in ready.records:
            if isinstance(record, Truncate):
                self.entries = [e for e in self.entries if e.index < record.index]
            else:
                self.entries = [e for e in self.entries if e.index < record.index]
                self.entries.append(record)
        if ready.snapshot is not None:
            self.snapshot = ready.snapshot

    def load(self) -> RaftLog:
        snap = self.snapshot
        base = snap.index if snap else 0
        log = RaftLog(snapshot_index=base, snapshot_term=snap.term if snap else 0)
        for entry in self.entries:
            if entry.index == log.last_index + 1:
                log.append(entry)
        return log


@dataclass(kw_only=True)
class SimNode:
    core: RaftCore
    disk: SimDisk
    applied: list[Entry] = field(default_factory=list)
    reads: dict[int, int] = field(default_factory=dict)
    failed_reads: list[int] = field(default_factory=list)
    up: bool = True
    disk_queue: list[tuple[Ready, tuple[Message, ...]]] = field(default_factory=list)


class SimCluster:
    def __init__(
        self,
        n: int = 3,
        *,
        seed: int = 1,
        election_ticks: int = 10,
        heartbeat_ticks: int = 2,
        max_entries_per_message: int = 100,
        lease_clocks: dict[str, Callable[[], float]] | None = None,
        lease_seconds: float = 0.0,
        async_disk: bool = False,
    ) -> None:
        """``async_disk``: readies are persisted later, in order, at random moments (like the
        real shell's disk task); a crash loses whatever was not persisted yet."""
        self.async_disk = async_disk
        self.lease_clocks = lease_clocks or {}
        self.lease_seconds = lease_seconds
        self.ids = tuple(f"n{i + 1}" for i in range(n))
        self.rng = random.Random(seed)
        self.election_ticks = election_ticks
        self.heartbeat_ticks = heartbeat_ticks
        self.max_entries = max_entries_per_message
        self.nodes: dict[str, SimNode] = {}
        for node_id in self.ids:
            disk = SimDisk()
            self.nodes[node_id] = SimNode(core=self._make_core(node_id, disk), disk=disk)
        self.in_flight: list[Message] = []
        self.applied_ever: dict[int, Entry] = {}
        self.blocked: set[tuple[str, str]] = set()
        self.drop: Callable[[Message], bool] | None = None
        self.loss = 0.0
        self.delivered = 0

    def _make_core(self, node_id: str, disk: SimDisk) -> RaftCore:
        config = CoreConfig(
            node_id=node_id,
            members=self.ids,
            election_ticks=self.election_ticks,
            heartbeat_ticks=self.heartbeat_ticks,
            max_entries_per_message=self.max_entries,
            lease_seconds=self.lease_seconds,
        )
        return RaftCore(
            config,
            rng=random.Random(self.rng.randrange(1 << 30)),
            hard_state=disk.hard_state,
            log=disk.load(),
            snapshot=disk.snapshot,
            lease_clock=self.lease_clocks.get(node_id),
        )

    # -------------------------------------------------------------- faults

    def partition(self, *groups: set[str]) -> None:
        self.blocked = set()
        for a in self.ids:
            for b in self.ids:
                if a != b and not any(a in g and b in g for g in groups):
                    self.blocked.add((a, b))

    def isolate(self, node_id: str) -> None:
        others = set(self.ids) - {node_id}
        self.partition({node_id}, others)

    def heal(self) -> None:
        self.blocked = set()

    def crash(self, node_id: str) -> None:
        node = self.nodes[node_id]
        node.up = False
        node.disk_queue = []
        self.in_flight = [m for m in self.in_flight if m.dst != node_id]

    def restart(self, node_id: str) -> None:
        node = self.nodes[node_id]
        node.core = self._make_core(node_id, node.disk)
        node.applied = []
        node.up = True

    def forget_leader(self, *ids: str) -> None:
        """Crash and restart ``ids``: they keep their disk but no longer know a leader."""
        for node_id in ids:
            self.crash(node_id)
            self.restart(node_id)

    # -------------------------------------------------------------- driving

    def flush(self, node_id: str) -> None:
        node = self.nodes[node_id]
        if not node.up:
            return
        ready = node.core.ready()
        if ready.snapshot is not None:
            node.applied = [Entry(index=0, term=0, data=f"snapshot@{ready.snapshot.index}")]
        node.applied.extend(ready.committed)
        for entry in ready.committed:
            # State Machine Safety across all time: an index is only ever applied with one entry.
            seen = self.applied_ever.setdefault(entry.index, entry)
            assert seen == entry, f"{node_id} applied {entry} where {seen} was applied before"
        for read in ready.reads:
            node.reads[read.ctx] = read.index
        node.failed_reads.extend(ready.failed_reads)
        if not self.async_disk:
            node.disk.persist(ready)
            self._send(ready.messages)
            node.core.advance(ready)
            return
        if not ready.must_persist and not node.disk_queue:
            self._send(ready.messages)
            node.core.advance(ready)
            return
        deferred = ready.messages
        if ready.leader_may_send_early:
            self._send(ready.messages)
            deferred = ()
        node.disk_queue.append((ready, deferred))

    def _send(self, messages: tuple[Message, ...]) -> None:
        for msg in messages:
            if (msg.src, msg.dst) not in self.blocked:
                self.in_flight.append(msg)

    def complete_disk(self, node_id: str) -> None:
        """The oldest pending disk batch of ``node_id`` (all of them, merged) becomes durable."""
        node = self.nodes[node_id]
        batch, node.disk_queue = node.disk_queue, []
        for ready, deferred in batch:
            node.disk.persist(ready)
            self._send(deferred)
            node.core.advance(ready)
        if batch:
            self.flush(node_id)

    def deliver_all(self, limit: int = 100_000) -> None:
        """Deliver messages (in seeded random order) until none are left."""
        for node_id in self.ids:
            self.flush(node_id)
        steps = 0
        while steps < limit:
            steps += 1
            busy = [i for i in self.ids if self.nodes[i].disk_queue]
            if busy and (not self.in_flight or self.rng.random() < 0.3):
                self.complete_disk(self.rng.choice(busy))
                continue
            if not self.in_flight:
                break
            msg = self.in_flight.pop(self.rng.randrange(len(self.in_flight)))
            node = self.nodes[msg.dst]
            if not node.up or (msg.src, msg.dst) in self.blocked:
                continue
            if self.drop is not None and self.drop(msg):
                continue
            if self.loss and self.rng.random() < self.loss:
                continue
            node.core.step(msg)
            self.delivered += 1
            self.flush(msg.dst)

    def tick(self, n: int = 1) -> None:
        for _ in range(n):
            for node_id in self.ids:
                node = self.nodes[node_id]
                if node.up:
                    node.core.tick()
                    self.flush(node_id)
            self.deliver_all()

    def tick_node(self, node_id: str, n: int = 1) -> None:
        for _ in range(n):
            self.nodes[node_id].core.tick()
            self.flush(node_id)

    def compact(self, node_id: str) -> Snapshot:
        """Snapshot ``node_id`` at its last applied index and compact its log and disk."""
        node = self.nodes[node_id]
        core = node.core
        index = core.applied_handed
        term = core.log.term_at(index)
        assert term is not None
        snap = Snapshot(index=index, term=term, data=f"state@{index}")
        core.compact(snap)
        node.disk.snapshot = snap
        node.disk.entries = [e for e in node.disk.entries if e.index > index]
        return snap

    # -------------------------------------------------------------- queries

    def leaders(self) -> list[str]:
        return [i for i in self.ids if self.nodes[i].up and self.nodes[i].core.role is Role.LEADER]

    def wait_leader(self, max_ticks: int = 500) -> str:
        for _ in range(max_ticks):
            leaders = self.leaders()
            if len(leaders) == 1:
                return leaders[0]
            self.tick()
        raise AssertionError(f"no single leader after {max_ticks} ticks: {self.leaders()}")

    def core(self, node_id: str) -> RaftCore:
        return self.nodes[node_id].core

    def propose(self, node_id: str, data: str) -> tuple[int, int] | None:
        result = self.core(node_id).propose(data)
        self.flush(node_id)
        return result

    def applied_data(self, node_id: str) -> list[str]:
        return [e.data for e in self.nodes[node_id].applied if e.data]

    def check_log_matching(self) -> None:
        """Committed prefixes agree on every node (the State Machine Safety property)."""
        committed: dict[int, int] = {}
        for node_id in self.ids:
            core = self.core(node_id)
            for index in range(core.log.snapshot_index + 1, core.commit_index + 1):
                term = core.log.term_at(index)
                assert term is not None
                assert committed.setdefault(index, term) == term, (node_id, index)
