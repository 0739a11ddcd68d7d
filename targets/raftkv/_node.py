"""The asyncio shell around the Raft core: storage, peers, the client API and the clock.

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
import itertools
import json
import logging
import os
import random
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from enum import Enum, auto
from typing import TypeVar

from harness.jsontypes import JSON
from targets.raftkv._codec import Forward, ForwardReply, Frame, Hello
from targets.raftkv._config import BugMode, NodeConfig
from targets.raftkv._core import CoreConfig, RaftCore, Ready, Role
from targets.raftkv._diskthread import DiskThread
from targets.raftkv._http import Request, Response, serve_http
from targets.raftkv._kv import Applied, KVStore, Op, encode_cas, encode_delete, encode_put
from targets.raftkv._log import RaftLog
from targets.raftkv._messages import Entry, HardState, Message, Snapshot, Truncate
from targets.raftkv._storage import Storage
from targets.raftkv._transport import PeerTransport

log = logging.getLogger("raftkv.node")


class Outcome(Enum):
    APPLIED = auto()
    NOT_LEADER = auto()
    LOST = auto()
    PERSISTED = auto()


@dataclass(frozen=True, kw_only=True, slots=True)
class ProposalResult:
    outcome: Outcome
    applied: Applied | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class _Proposal:
    data: str
    op: Op
    future: asyncio.Future[ProposalResult]


@dataclass(frozen=True, kw_only=True, slots=True)
class _DiskJob:
    """A Ready to persist (then send its deferred messages), or a log compaction."""

    ready: Ready | None = None
    messages: tuple[Message, ...] = ()
    compaction: tuple[Snapshot, HardState, list[Entry]] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class _ReadAsk:
    ctx: int
    future: asyncio.Future[bool]


_Item = Message | _Proposal | _ReadAsk


T = TypeVar("T")


def _resolve(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)


def _definite(status: int, message: str) -> Response:
    return Response(status=status, body={"error": message, "definite": True})


def _unknown(message: str) -> Response:
    return Response(status=504, body={"error": message, "definite": False})


class RaftNode:
    def __init__(self, config: NodeConfig) -> None:
        self.config = config
        self.bug = config.bug
        self.storage = Storage(config.data_dir, sync=config.bug is not BugMode.UNSYNCED_WRITES)
        self.kv = KVStore()
        self._inbox: deque[_Item] = deque()
        self._wake = asyncio.Event()
        self._pending: dict[int, tuple[int, _Proposal]] = {}
        self._reads: dict[int, asyncio.Future[bool]] = {}
        self._ctx = itertools.count(1)
        self._forwards: dict[int, tuple[str, asyncio.Future[ForwardReply | None]]] = {}
        self._forward_ids = itertools.count(1)
        self._disk = DiskThread()
        self._tasks: list[asyncio.Task[None]] = []
        self._timeout = config.request_timeout_ms / 1000
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
        self._http = await serve_http(self.config.host, self.config.client_port, self._handle)
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
            self._tasks.append(asyncio.create_task(self._serve_forward(frame)))
            self._tasks = [t for t in self._tasks if not t.done()]
        elif isinstance(frame, ForwardReply):
            waiting = self._forwards.pop(frame.id, None)
            if waiting is not None:
                _resolve(waiting[1], frame)
        elif not isinstance(frame, Hello):
            self._inbox.append(frame)
            self._wake.set()

    def _on_down(self, peer: str) -> None:
        """Requests forwarded to ``peer`` will get no answer: their outcome is unknown."""
        for fid, (dst, future) in list(self._forwards.items()):
            if dst == peer:
                del self._forwards[fid]
                _resolve(future, None)

    def _submit(self, item: _Proposal | _ReadAsk) -> None:
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
                if isinstance(item, _Proposal):
                    placed = core.propose(item.data)
                    if placed is None:
                        _resolve(item.future, ProposalResult(outcome=Outcome.NOT_LEADER))
                    else:
                        self._pending[placed[0]] = (placed[1], item)
                elif isinstance(item, _ReadAsk):
                    if core.read_index(item.ctx):
                        self._reads[item.ctx] = item.future
                    else:
                        _resolve(item.future, False)
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
                    _resolve(
                        proposal.future, ProposalResult(outcome=Outcome.APPLIED, applied=applied)
                    )
                else:
                    _resolve(proposal.future, ProposalResult(outcome=Outcome.LOST))
        for read in ready.reads:
            future = self._reads.pop(read.ctx, None)
            if future is not None:
                _resolve(future, True)
        for ctx in ready.failed_reads:
            future = self._reads.pop(ctx, None)
            if future is not None:
                _resolve(future, False)

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
                self._abandon_forwards(seen[2])
            self._seen = seen
            log.info("role %s term %d leader %s", core.role.value, core.term, core.leader_id)

    def _abandon_forwards(self, leader: str | None) -> None:
        """A new leader is known: answers from the previous one may never come (unknown)."""
        for fid, (dst, future) in list(self._forwards.items()):
            if dst != leader:
                del self._forwards[fid]
                _resolve(future, None)

    def _ack_early(self, persisted: int) -> None:
        """Bug ``ack-before-commit``: acknowledge puts and deletes once on the leader's disk."""
        for index, (_term, proposal) in list(self._pending.items()):
            if index <= persisted and proposal.op is not Op.CAS:
                del self._pending[index]
                _resolve(proposal.future, ProposalResult(outcome=Outcome.PERSISTED))

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

    # ------------------------------------------------------------------ client API

    def status(self) -> dict[str, JSON]:
        core = self.core
        role = core.role
        return {
            "id": self.config.node_id,
            "role": "candidate" if role is Role.PRE_CANDIDATE else role.value,
            "term": core.term,
            "commit_index": core.commit_index,
            "last_applied": self.kv.applied_index,
            "leader": core.leader_id,
            "wall_clock": time.time(),
            "bug": self.bug.value if self.bug else None,
        }

    async def _handle(self, request: Request) -> Response:
        path = request.path.split("?", 1)[0]
        if path == "/status":
            if request.method != "GET":
                return _definite(405, "use GET /status")
            return Response(status=200, body=self.status())
        if not path.startswith("/kv/"):
            return _definite(404, f"no such resource {path}")
        rest = path[len("/kv/") :]
        method = request.method
        if method == "POST" and rest.endswith("/cas"):
            kind, rest = "cas", rest[: -len("/cas")]
        elif method in ("GET", "PUT", "DELETE"):
            kind = {"GET": "get", "PUT": "put", "DELETE": "delete"}[method]
        else:
            return _definite(405, f"{method} {path} is not supported")
        key = urllib.parse.unquote(rest)
        if not key:
            return _definite(400, "empty key")
        body: dict[str, JSON] = {}
        if kind in ("put", "cas"):
            try:
                parsed = json.loads(request.body or b"null")
            except ValueError:
                return _definite(400, "body is not JSON")
            if not isinstance(parsed, dict):
                return _definite(400, "body must be a JSON object")
            body = parsed
            problem = _check_body(kind, body)
            if problem:
                return _definite(400, problem)
        return await self._route(kind, key, body)

    async def _route(self, kind: str, key: str, body: dict[str, JSON]) -> Response:
        if kind == "get" and self.bug is BugMode.STALE_READS:
            return Response(status=200, body={"value": self.kv.get(key)})
        for _attempt in range(2):
            leader = await self._await_leader()
            if leader is None:
                return _definite(503, "no leader")
            if leader == self.config.node_id:
                response = await self._execute(kind, key, body)
            else:
                response = await self._forward(leader, kind, key, body)
            if response.body.get("error") != "not leader":
                return response
        return response

    async def _await_leader(self) -> str | None:
        deadline = asyncio.get_running_loop().time() + self._timeout / 2
        while True:
            leader = self.core.leader_id
            if leader is not None:
                return leader
            if asyncio.get_running_loop().time() >= deadline:
                return None
            await asyncio.sleep(0.01)

    async def _execute(self, kind: str, key: str, body: dict[str, JSON]) -> Response:
        loop = asyncio.get_running_loop()
        if kind == "get":
            ready: asyncio.Future[bool] = loop.create_future()
            self._submit(_ReadAsk(ctx=next(self._ctx), future=ready))
            try:
                ok = await asyncio.wait_for(ready, self._timeout)
            except TimeoutError:
                return _definite(503, "read not confirmed in time")
            if not ok:
                return _definite(503, "not leader")
            return Response(status=200, body={"value": self.kv.get(key)})
        if kind == "put":
            data, op = encode_put(key, str(body["value"])), Op.PUT
        elif kind == "delete":
            data, op = encode_delete(key), Op.DELETE
        else:
            expected = body["expected"]
            data = encode_cas(key, None if expected is None else str(expected), str(body["new"]))
            op = Op.CAS
        future: asyncio.Future[ProposalResult] = loop.create_future()
        self._submit(_Proposal(data=data, op=op, future=future))
        try:
            result = await asyncio.wait_for(future, self._timeout)
        except TimeoutError:
            return _unknown("commit timeout")
        if result.outcome is Outcome.NOT_LEADER:
            return _definite(503, "not leader")
        if result.outcome is Outcome.LOST:
            return _definite(503, "entry replaced by a new leader's log")
        if op is Op.CAS and result.applied is not None and not result.applied.ok:
            return Response(
                status=409,
                body={"error": "cas mismatch", "definite": True, "value": result.applied.current},
            )
        return Response(status=200, body={"ok": True})

    async def _forward(self, leader: str, kind: str, key: str, body: dict[str, JSON]) -> Response:
        loop = asyncio.get_running_loop()
        fid = next(self._forward_ids)
        future: asyncio.Future[ForwardReply | None] = loop.create_future()
        self._forwards[fid] = (leader, future)
        frame = Forward(src=self.config.node_id, id=fid, method=kind, key=key, body=body)
        if not self.transport.send(leader, frame):
            self._forwards.pop(fid, None)
            return _definite(503, f"leader {leader} unreachable")
        try:
            reply = await asyncio.wait_for(future, self._timeout + 0.25)
        except TimeoutError:
            self._forwards.pop(fid, None)
            reply = None
        if reply is None:
            if kind == "get":
                return _definite(503, "read forwarded to the leader got no answer")
            return _unknown(f"no answer from leader {leader}")
        return Response(status=reply.status, body=reply.body)

    async def _serve_forward(self, frame: Forward) -> None:
        if self.core.role is Role.LEADER:
            response = await self._execute(frame.method, frame.key, frame.body)
        else:
            response = _definite(503, "not leader")
        self.transport.send(
            frame.src, ForwardReply(id=frame.id, status=response.status, body=response.body)
        )


def _check_body(kind: str, body: dict[str, JSON]) -> str | None:
    if kind == "put":
        if not isinstance(body.get("value"), str):
            return 'PUT needs {"value": "<string>"}'
        return None
    if "expected" not in body or not (
        body["expected"] is None or isinstance(body["expected"], str)
    ):
        return 'cas needs {"expected": "<string>" | null, "new": "<string>"}'
    if not isinstance(body.get("new"), str):
        return 'cas needs {"expected": "<string>" | null, "new": "<string>"}'
    return None
