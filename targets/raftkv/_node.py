"""The asyncio shell around the Raft core: storage, peers and the clock (clients: ``_api``).

One task (the Raft loop) owns the core. Everything else (peer frames, client requests, timer
ticks) is queued in an inbox and the loop is woken; the loop steps the core with all of it, takes
a Ready, applies what is committed and answers clients. What must be durable goes to the disk
task, which writes everything queued while its previous sync ran with one write and one sync
(group commit), in order. Messages wait for the disk (replies, votes), except a leader's
appends, which go out at once: the leader's own copy counts toward a majority only once synced.
The Raft loop never waits for the disk, so heartbeats and reads continue while a sync is slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import time
from collections import deque
from dataclasses import dataclass

from targets.raftkv._api import ClientApi
from targets.raftkv._codec import Forward, ForwardReply, Frame, Hello
from targets.raftkv._config import BugMode, NodeConfig
from targets.raftkv._core import CoreConfig, RaftCore, Ready, Role
from targets.raftkv._diskthread import DiskThread
from targets.raftkv._http import serve_http
from targets.raftkv._kv import KVStore, Op
from targets.raftkv._log import RaftLog
from targets.raftkv._messages import Entry, HardState, Message, Snapshot, Truncate
from targets.raftkv._requests import Outcome, Proposal, ProposalResult, ReadAsk, resolve
from targets.raftkv._storage import Storage
from targets.raftkv._transport import PeerTransport

log = logging.getLogger("raftkv.node")


@dataclass(frozen=True, kw_only=True, slots=True)
class _DiskJob:
    """A Ready to persist (then send its deferred messages), or a log compaction."""

    ready: Ready | None = None
    messages: tuple[Message, ...] = ()
    compaction: tuple[Snapshot, HardState, list[Entry]] | None = None


_Item = Message | Proposal | ReadAsk


class RaftNode:
    def __init__(self, config: NodeConfig, *, inline_disk: bool = False) -> None:
        """``inline_disk``: sync on the event loop instead of a disk thread (see _diskthread)."""
        self.config = config
        self.bug = config.bug
        self.storage = Storage(config.data_dir, sync=config.bug is not BugMode.UNSYNCED_WRITES)
        self.kv = KVStore()
        self._inbox: deque[_Item] = deque()
        self._wake = asyncio.Event()
        self._pending: dict[int, tuple[int, Proposal]] = {}
        self._reads: dict[int, asyncio.Future[bool]] = {}
        self._disk = DiskThread(inline=inline_disk)
        self._tasks: list[asyncio.Task[None]] = []
        self._max_ticks_per_wake = max(1, config.heartbeat_ms // config.tick_ms)
        recovered = self.storage.recover()
        if recovered.torn_bytes:
            log.warning("cut a torn tail of %d bytes off the log", recovered.torn_bytes)
        snap = recovered.snapshot
        raft_log = RaftLog(
            snapshot_index=snap.index if snap else 0,
            snapshot_term=snap.term if snap else 0,
            entries=recovered.entries,
        )
        if snap is not None:
            self.kv.restore(snap.index, snap.data)
        ticks = config.tick_ms
        core_config = CoreConfig(
            node_id=config.node_id,
            members=config.members,
            election_ticks=max(2, -(-config.election_timeout_ms // ticks)),
            heartbeat_ticks=max(1, config.heartbeat_ms // ticks),
            lease_seconds=0.8 * config.election_timeout_ms / 1000,
            lease_grace_seconds=config.election_timeout_ms / 1000,
        )
        self.core = RaftCore(
            core_config,
            rng=random.Random(config.seed),
            hard_state=recovered.hard_state,
            log=raft_log,
            snapshot=snap,
            lease_clock=time.time if config.bug is BugMode.LEASE_READS else None,
        )
        log.info(
            "recovered term %d vote %s, log %d..%d, snapshot at %d",
            recovered.hard_state.term,
            recovered.hard_state.vote,
            raft_log.snapshot_index + 1,
            raft_log.last_index,
            raft_log.snapshot_index,
        )
        peers = {p.node_id: (p.host, p.port) for p in config.peers}
        self.transport = PeerTransport(
            config.node_id,
            config.host,
            config.peer_port,
            peers,
            on_frame=self._on_frame,
            on_down=self._on_down,
        )
        self._http: asyncio.Server | None = None
        self.api = ClientApi(self)
        self._seen: tuple[Role, int, str | None] = (Role.FOLLOWER, -1, None)
        self._disk_queue: deque[_DiskJob] = deque()
        self._disk_wake = asyncio.Event()
        self._disk_busy = False
        self._compaction: Snapshot | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._disk.start(asyncio.get_running_loop())
        await self.transport.start()
        self._tasks.append(asyncio.create_task(self._raft_loop()))
        self._tasks.append(asyncio.create_task(self._disk_loop()))
        self._tasks.append(asyncio.create_task(self._ticker()))
        if self.bug is BugMode.UNSYNCED_WRITES:
            self._tasks.append(asyncio.create_task(self._lazy_flusher()))
        self._http = await serve_http(self.config.host, self.config.client_port, self.api.handle)
        log.info(
            "node %s serving clients on %s:%d, peers on %s:%d, bug=%s",
            self.config.node_id,
            self.config.host,
            self.config.client_port,
            self.config.host,
            self.config.peer_port,
            self.bug,
        )

    async def stop(self) -> None:
        if self._http is not None:
            self._http.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.transport.close()
        self._disk.stop()
        self.storage.close()

    # ------------------------------------------------------------------ raft loop

    def _on_frame(self, frame: Frame) -> None:
        if isinstance(frame, Forward):
            self._tasks.append(asyncio.create_task(self.api.serve_forward(frame)))
            self._tasks = [t for t in self._tasks if not t.done()]
        elif isinstance(frame, ForwardReply):
            self.api.forward_reply(frame)
        elif not isinstance(frame, Hello):
            self._inbox.append(frame)
            self._wake.set()

    def _on_down(self, peer: str) -> None:
        self.api.abandon_forwards(lambda dst: dst == peer)

    def submit(self, item: Proposal | ReadAsk) -> None:
        self._inbox.append(item)
        self._wake.set()

    async def _ticker(self) -> None:
        interval = self.config.tick_ms / 1000
        while True:
            await asyncio.sleep(interval)
            self._wake.set()

    async def _lazy_flusher(self) -> None:
        while True:
            await asyncio.sleep(self.storage.lazy_flush_seconds)
            await self._disk.run(self.storage.flush_lazy)

    async def _raft_loop(self) -> None:
        loop = asyncio.get_running_loop()
        interval = self.config.tick_ms / 1000
        last_tick = loop.time()
        core = self.core
        while True:
            await self._wake.wait()
            self._wake.clear()
            now = loop.time()
            due = int((now - last_tick) / interval)
            if due > 100:
                last_tick = now
            else:
                last_tick += due * interval
            inbox = self._inbox
            while inbox:
                item = inbox.popleft()
                if isinstance(item, Proposal):
                    placed = core.propose(item.data)
                    if placed is None:
                        resolve(item.future, ProposalResult(outcome=Outcome.NOT_LEADER))
                    else:
                        self._pending[placed[0]] = (placed[1], item)
                elif isinstance(item, ReadAsk):
                    if core.read_index(item.ctx):
                        self._reads[item.ctx] = item.future
                    else:
                        resolve(item.future, False)
                else:
                    core.step(item)
            if due:
                # Messages first, then time: a node whose loop was starved (CPU load, SIGSTOP)
                # hears what its peers sent meanwhile before its timers fire, and a wake-up
                # applies at most a heartbeat interval of ticks: a stall alone starts no
                # election and deposes no leader (timing only affects liveness, never safety).
                for _ in range(min(due, self._max_ticks_per_wake)):
                    core.tick()
            try:
                self._dispatch(core.ready())
            except Exception:
                # A node whose state is broken must not linger.
                log.exception("fatal error in the Raft loop; exiting")
                logging.shutdown()
                os._exit(1)

    # ------------------------------------------------------------------ readies and disk

    def _dispatch(self, ready: Ready) -> None:
        """Act on a Ready at once, except what must wait for the disk: messages other than a
        leader's appends go out only after everything queued before them is durable."""
        if ready.snapshot is not None:
            self.kv.restore(ready.snapshot.index, ready.snapshot.data)
            log.info("installed snapshot at %d", ready.snapshot.index)
        self._apply(ready)
        deferred = ready.messages
        if ready.leader_may_send_early:
            self._send(ready.messages)
            deferred = ()
        if ready.must_persist or (deferred and (self._disk_queue or self._disk_busy)):
            self._disk_queue.append(_DiskJob(ready=ready, messages=deferred))
            self._disk_wake.set()
        else:
            self._send(deferred)
            self.core.advance(ready)
        self._log_role_change()
        if (
            self._compaction is None
            and self.kv.applied_index - self.core.log.snapshot_index >= self.config.snapshot_every
        ):
            self._schedule_compaction()

    def _apply(self, ready: Ready) -> None:
        for entry in ready.committed:
            applied = self.kv.apply(entry.index, entry.data)
            waiting = self._pending.pop(entry.index, None)
            if waiting is not None:
                term, proposal = waiting
                if term == entry.term:
                    resolve(
                        proposal.future, ProposalResult(outcome=Outcome.APPLIED, applied=applied)
                    )
                else:
                    resolve(proposal.future, ProposalResult(outcome=Outcome.LOST))
        for read in ready.reads:
            future = self._reads.pop(read.ctx, None)
            if future is not None:
                resolve(future, True)
        for ctx in ready.failed_reads:
            future = self._reads.pop(ctx, None)
            if future is not None:
                resolve(future, False)

    async def _disk_loop(self) -> None:
        try:
            await self._persist_queued()
        except Exception:
            # A node that cannot persist must not keep acknowledging anything.
            log.exception("cannot write to the data directory; exiting")
            logging.shutdown()
            os._exit(1)

    async def _persist_queued(self) -> None:
        """Persist queued readies in order; consecutive plain ones share one write and sync."""
        queue = self._disk_queue
        while True:
            await self._disk_wake.wait()
            self._disk_wake.clear()
            while queue:
                self._disk_busy = True
                job = queue.popleft()
                if job.compaction is not None:
                    snap, state, entries = job.compaction
                    await self._disk.run(
                        functools.partial(self.storage.compact, snap, state, entries)
                    )
                    log.info(
                        "snapshot at %d; log compacted to %d entries", snap.index, len(entries)
                    )
                    self._compaction = None
                    self._disk_busy = False
                    continue
                batch = [job]
                if job.ready is not None and job.ready.snapshot is None:
                    while queue and queue[0].compaction is None and queue[0].ready is not None:
                        if queue[0].ready.snapshot is not None:
                            break
                        batch.append(queue.popleft())
                hard_state: HardState | None = None
                records: list[Entry | Truncate] = []
                snapshot: Snapshot | None = None
                for item in batch:
                    assert item.ready is not None
                    hard_state = item.ready.hard_state or hard_state
                    records.extend(item.ready.records)
                    snapshot = item.ready.snapshot or snapshot
                if hard_state is not None or records or snapshot is not None:
                    await self._disk.run(
                        functools.partial(self.storage.persist, hard_state, records, snapshot)
                    )
                for item in batch:
                    assert item.ready is not None
                    self._send(item.messages)
                    self.core.advance(item.ready)
                    if self.bug is BugMode.ACK_BEFORE_COMMIT and self.core.role is Role.LEADER:
                        self._ack_early(item.ready.last_index)
                self._disk_busy = False
                if records:
                    self._wake.set()  # our own copy now counts: the leader may commit

    def _log_role_change(self) -> None:
        core = self.core
        seen = (core.role, core.term, core.leader_id)
        if seen != self._seen:
            if seen[2] != self._seen[2]:
                # Answers from a deposed leader may never come: their outcome is unknown.
                self.api.abandon_forwards(lambda dst: dst != seen[2])
            self._seen = seen
            log.info("role %s term %d leader %s", core.role.value, core.term, core.leader_id)

    def _ack_early(self, persisted: int) -> None:
        """Bug ``ack-before-commit``: acknowledge puts and deletes once on the leader's disk."""
        for index, (_term, proposal) in list(self._pending.items()):
            if index <= persisted and proposal.op in (Op.PUT, Op.DELETE):
                del self._pending[index]
                resolve(proposal.future, ProposalResult(outcome=Outcome.PERSISTED))

    def _schedule_compaction(self) -> None:
        """Snapshot the applied state now; rewrite the log on disk after the queued writes."""
        index = self.kv.applied_index
        term = self.core.log.term_at(index)
        if term is None:
            return
        snap = Snapshot(index=index, term=term, data=self.kv.snapshot_data())
        self.core.compact(snap)
        log_ = self.core.log
        remaining = log_.slice(index + 1, log_.last_index + 1)
        self._compaction = snap
        self._disk_queue.append(_DiskJob(compaction=(snap, self.core.hard_state(), remaining)))
        self._disk_wake.set()

    def _send(self, messages: tuple[Message, ...]) -> None:
        for msg in messages:
            self.transport.send(msg.dst, msg)
