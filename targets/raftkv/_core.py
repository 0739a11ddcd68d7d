"""The Raft consensus core: a deterministic state machine of messages and ticks.

No I/O, no clocks, no threads: the shell feeds it ``tick()``, ``step(message)``,
``propose(data)`` and ``read_index(ctx)``, then collects a :class:`Ready` (what to persist,
what to send, what is committed, which reads are confirmed), persists it, and calls
``advance(ready)``. Messages in a Ready may be sent only after its records are durable, except
that a leader may send its appends while it persists them (its own copy counts toward a
majority only after ``advance``). Randomness comes from an injected ``random.Random``.

Implemented: pre-vote and check-quorum (a rejoining partitioned node cannot disrupt a healthy
leader; a leader cut off from a majority steps down), log repair with fast backup (the follower
names the conflicting term and its first index), pipelined replication with batching,
commitment only of entries of the leader's current term (Raft paper Figure 8), ReadIndex reads
confirmed by a heartbeat round, snapshots (InstallSnapshot) and compaction.

Optional deliberate weakness (``lease_clock``): the leader answers reads without a round while a
lease timed with that clock lasts, and measures its own leadership with it too; given a wall
clock, skewing the clock breaks linearizability (bug mode ``lease-reads``).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from targets.raftkv._log import RaftLog
from targets.raftkv._messages import (
    AppendRequest,
    AppendResponse,
    Entry,
    HardState,
    Heartbeat,
    HeartbeatResponse,
    Message,
    Snapshot,
    SnapshotRequest,
    Truncate,
    VoteRequest,
    VoteResponse,
)


class Role(StrEnum):
    FOLLOWER = "follower"
    PRE_CANDIDATE = "pre-candidate"
    CANDIDATE = "candidate"
    LEADER = "leader"


@dataclass(frozen=True, kw_only=True, slots=True)
class CoreConfig:
    node_id: str
    members: tuple[str, ...]
    election_ticks: int = 30
    heartbeat_ticks: int = 5
    max_entries_per_message: int = 2000
    max_inflight_entries: int = 20000
    max_inflight_messages: int = 2
    lease_seconds: float = 0.0
    lease_grace_seconds: float = 0.0


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadState:
    """Read ``ctx`` may be answered once the state machine has applied ``index``."""

    ctx: int
    index: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Ready:
    hard_state: HardState | None
    records: tuple[Entry | Truncate, ...]
    snapshot: Snapshot | None
    messages: tuple[Message, ...]
    committed: tuple[Entry, ...]
    reads: tuple[ReadState, ...]
    failed_reads: tuple[int, ...]
    last_index: int = 0
    leader_may_send_early: bool = False
    generation: int = 0

    @property
    def must_persist(self) -> bool:
        return self.hard_state is not None or bool(self.records) or self.snapshot is not None


@dataclass(kw_only=True, slots=True)
class _Progress:
    next: int
    match: int = 0
    probing: bool = True
    probe_outstanding: bool = False
    active: bool = False
    acked_seq: int = 0
    stalled: int = 0
    inflight: deque[int] = field(default_factory=deque)


@dataclass(kw_only=True, slots=True)
class _PendingRead:
    ctx: int
    index: int
    seq: int


@dataclass(kw_only=True, slots=True)
class _Outbox:
    records: list[Entry | Truncate] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    reads: list[ReadState] = field(default_factory=list)
    failed_reads: list[int] = field(default_factory=list)
    snapshot: Snapshot | None = None
    hard_state_dirty: bool = False


class RaftCore:
    def __init__(
        self,
        config: CoreConfig,
        *,
        rng: random.Random,
        hard_state: HardState | None = None,
        log: RaftLog | None = None,
        snapshot: Snapshot | None = None,
        lease_clock: Callable[[], float] | None = None,
    ) -> None:
        if config.node_id not in config.members:
            raise ValueError(f"{config.node_id} is not among the members {config.members}")
        self.config = config
        self.id = config.node_id
        self._peers = tuple(m for m in config.members if m != self.id)
        self._majority = len(config.members) // 2 + 1
        self._rng = rng
        hs = hard_state or HardState()
        self.term = hs.term
        self.vote = hs.vote
        self.log = log or RaftLog()
        self._snapshot = snapshot
        self.role = Role.FOLLOWER
        self.leader_id: str | None = None
        self.commit_index = self.log.snapshot_index
        self._applied_handed = self.log.snapshot_index
        self._stable = self.log.last_index
        self._generation = 0  # bumped whenever the log loses entries
        self._elapsed = 0
        self._heartbeat_elapsed = 0
        self._timeout = self._random_timeout()
        self._votes: set[str] = set()
        self._rejections: set[str] = set()
        self._progress: dict[str, _Progress] = {}
        self._seq = 0
        self._unassigned_reads: list[int] = []
        self._pending_reads: list[_PendingRead] = []
        self._lease_clock = lease_clock
        self._lease_until = 0.0
        self._round_start: dict[int, float] = {}
        self._out = _Outbox()

    # ----------------------------------------------------------------- inputs

    def tick(self) -> None:
        self._elapsed += 1
        if self.role is Role.LEADER:
            self._heartbeat_elapsed += 1
            if self._heartbeat_elapsed >= self.config.heartbeat_ticks:
                self._broadcast_heartbeat()
            if self._elapsed >= self.config.election_ticks:
                self._elapsed = 0
                self._check_quorum()
        elif self._elapsed >= self._timeout:
            self._start_pre_vote()

    def propose(self, data: str) -> tuple[int, int] | None:
        """Append a command; returns its (index, term), or None when not the leader."""
        if self.role is not Role.LEADER:
            return None
        entry = Entry(index=self.log.last_index + 1, term=self.term, data=data)
        self.log.append(entry)
        self._out.records.append(entry)
        return entry.index, entry.term

    def read_index(self, ctx: int) -> bool:
        """Ask for a linearizable read; False when not the leader (the read fails at once)."""
        if self.role is not Role.LEADER:
            return False
        if (
            self._lease_clock is not None
            and self._committed_in_term()
            and self._lease_clock() < self._lease_until
        ):
            self._out.reads.append(ReadState(ctx=ctx, index=self.commit_index))
            return True
        self._unassigned_reads.append(ctx)
        return True

    def compact(self, snapshot: Snapshot) -> None:
        """The shell saved ``snapshot`` (of applied state): drop the entries it covers."""
        if snapshot.index <= self.log.snapshot_index:
            return
        if snapshot.index > self._applied_handed:
            raise ValueError("cannot compact beyond what was applied")
        self.log.compact(snapshot.index, snapshot.term)
        self._snapshot = snapshot

    def step(self, msg: Message) -> None:
        if msg.dst != self.id:
            return
        if isinstance(msg, VoteRequest) and msg.pre:
            self._handle_pre_vote_request(msg)
            return
        if isinstance(msg, VoteResponse) and msg.pre:
            self._handle_pre_vote_response(msg)
            return
        if msg.term > self.term:
            leads = isinstance(msg, AppendRequest | Heartbeat | SnapshotRequest)
            self._become_follower(msg.term, msg.src if leads else None)
        elif msg.term < self.term:
            self._reply_stale(msg)
            return
        match msg:
            case VoteRequest():
                self._handle_vote_request(msg)
            case VoteResponse():
                self._handle_vote_response(msg)
            case AppendRequest():
                self._handle_append(msg)
            case AppendResponse():
                self._handle_append_response(msg)
            case Heartbeat():
                self._handle_heartbeat(msg)
            case HeartbeatResponse():
                self._handle_heartbeat_response(msg)
            case SnapshotRequest():
                self._handle_snapshot(msg)

    # ----------------------------------------------------------------- output

    def ready(self) -> Ready:
        if self.role is Role.LEADER:
            self._assign_reads()
            self._replicate()
            self._confirm_reads()
        out = self._out
        self._out = _Outbox()
        committed: tuple[Entry, ...] = ()
        if self.commit_index > self._applied_handed:
            committed = tuple(self.log.slice(self._applied_handed + 1, self.commit_index + 1))
            self._applied_handed = self.commit_index
        hard_state = HardState(term=self.term, vote=self.vote) if out.hard_state_dirty else None
        return Ready(
            hard_state=hard_state,
            records=tuple(out.records),
            snapshot=out.snapshot,
            messages=tuple(out.messages),
            committed=committed,
            reads=tuple(out.reads),
            failed_reads=tuple(out.failed_reads),
            last_index=self.log.last_index,
            generation=self._generation,
            leader_may_send_early=(
                self.role is Role.LEADER and hard_state is None and out.snapshot is None
            ),
        )

    def advance(self, ready: Ready) -> None:
        """``ready`` has been persisted. Readies may be persisted after later ones were taken
        (asynchronous disk), but always in the order they were taken."""
        if (ready.records or ready.snapshot is not None) and ready.generation == self._generation:
            self._stable = max(self._stable, ready.last_index)
        if self.role is Role.LEADER:
            self._maybe_commit()

    # ----------------------------------------------------------------- status

    @property
    def applied_handed(self) -> int:
        return self._applied_handed

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    def hard_state(self) -> HardState:
        return HardState(term=self.term, vote=self.vote)

    # ----------------------------------------------------------------- roles

    def _random_timeout(self) -> int:
        e = self.config.election_ticks
        return e + self._rng.randrange(e)

    def _reset_timer(self) -> None:
        self._elapsed = 0
        self._timeout = self._random_timeout()

    def _become_follower(self, term: int, leader: str | None) -> None:
        if term > self.term:
            self.term = term
            self.vote = None
            self._out.hard_state_dirty = True
        if self.role is Role.LEADER:
            self._fail_reads()
        if self.role is not Role.FOLLOWER:
            self._reset_timer()
        self.role = Role.FOLLOWER
        self.leader_id = leader

    def _start_pre_vote(self) -> None:
        self._reset_timer()
        self.role = Role.PRE_CANDIDATE
        self.leader_id = None
        self._votes = {self.id}
        self._rejections = set()
        if len(self._votes) >= self._majority:
            self._campaign()
            return
        self._request_votes(term=self.term + 1, pre=True)

    def _campaign(self) -> None:
        self._reset_timer()
        self.role = Role.CANDIDATE
        self.term += 1
        self.vote = self.id
        self._out.hard_state_dirty = True
        self.leader_id = None
        self._votes = {self.id}
        self._rejections = set()
        if len(self._votes) >= self._majority:
            self._become_leader()
            return
        self._request_votes(term=self.term, pre=False)

    def _request_votes(self, *, term: int, pre: bool) -> None:
        """Ask every peer for its (pre-)vote in ``term``, with our log's position."""
        for peer in self._peers:
            self._send(
                VoteRequest(
                    src=self.id,
                    dst=peer,
                    term=term,
                    pre=pre,
                    last_index=self.log.last_index,
                    last_term=self.log.last_term,
                )
            )

    def _become_leader(self) -> None:
        self.role = Role.LEADER
        self.leader_id = self.id
        self._elapsed = 0
        self._heartbeat_elapsed = 0
        self._lease_until = 0.0
        self._round_start = {}
        nxt = self.log.last_index + 1
        self._progress = {p: _Progress(next=nxt, probing=True) for p in self._peers}
        self.propose("")
        self._broadcast_heartbeat()

    def _check_quorum(self) -> None:
        if self._lease_clock is not None:
            # Leadership, too, is judged by the lease clock (with some grace, so that slow acks
            # on a loaded machine do not depose the leader): a clock set back keeps it leader.
            alive = self._lease_clock() < self._lease_until + self.config.lease_grace_seconds
        else:
            active = 1 + sum(1 for p in self._progress.values() if p.active)
            alive = active >= self._majority
        for p in self._progress.values():
            p.active = False
        if not alive:
            self._become_follower(self.term, None)

    def _up_to_date(self, last_index: int, last_term: int) -> bool:
        my_term = self.log.last_term
        return last_term > my_term or (last_term == my_term and last_index >= self.log.last_index)

    # ----------------------------------------------------------------- votes

    def _handle_pre_vote_request(self, msg: VoteRequest) -> None:
        in_lease = self.role is Role.LEADER or (
            self.leader_id is not None and self._elapsed < self.config.election_ticks
        )
        grant = (
            msg.term > self.term
            and not in_lease
            and self._up_to_date(msg.last_index, msg.last_term)
        )
        self._send(
            VoteResponse(
                src=self.id,
                dst=msg.src,
                term=msg.term if grant else self.term,
                pre=True,
                granted=grant,
            )
        )

    def _handle_pre_vote_response(self, msg: VoteResponse) -> None:
        if msg.granted:
            if self.role is Role.PRE_CANDIDATE and msg.term == self.term + 1:
                self._votes.add(msg.src)
                if len(self._votes) >= self._majority:
                    self._campaign()
            return
        if msg.term > self.term:
            self._become_follower(msg.term, None)
        elif self.role is Role.PRE_CANDIDATE:
            self._rejections.add(msg.src)
            if len(self._rejections) >= self._majority:
                self._become_follower(self.term, None)

    def _handle_vote_request(self, msg: VoteRequest) -> None:
        grant = self.vote in (None, msg.src) and self._up_to_date(msg.last_index, msg.last_term)
        if grant:
            if self.vote != msg.src:
                self.vote = msg.src
                self._out.hard_state_dirty = True
            self._reset_timer()
        self._send(VoteResponse(src=self.id, dst=msg.src, term=self.term, pre=False, granted=grant))

    def _handle_vote_response(self, msg: VoteResponse) -> None:
        if self.role is not Role.CANDIDATE:
            return
        if msg.granted:
            self._votes.add(msg.src)
            if len(self._votes) >= self._majority:
                self._become_leader()
        else:
            self._rejections.add(msg.src)
            if len(self._rejections) >= self._majority:
                self._become_follower(self.term, None)

    def _reply_stale(self, msg: Message) -> None:
        """Tell a sender with an older term about ours, so that a stale leader steps down."""
        match msg:
            case AppendRequest() | SnapshotRequest():
                self._send(AppendResponse(src=self.id, dst=msg.src, term=self.term, success=False))
            case Heartbeat():
                self._send(
                    HeartbeatResponse(src=self.id, dst=msg.src, term=self.term, seq=0, last_index=0)
                )
            case VoteRequest():
                self._send(
                    VoteResponse(src=self.id, dst=msg.src, term=self.term, pre=False, granted=False)
                )
            case _:
                pass

    # ----------------------------------------------------------------- follower

    def _accept_leader(self, leader: str) -> None:
        if self.role is not Role.FOLLOWER:
            self._become_follower(self.term, leader)
        self.leader_id = leader
        self._elapsed = 0

    def _handle_append(self, msg: AppendRequest) -> None:
        self._accept_leader(msg.src)
        prev_index, prev_term, entries = msg.prev_index, msg.prev_term, msg.entries
        log = self.log
        if prev_index < log.snapshot_index:
            skip = log.snapshot_index - prev_index
            if skip > len(entries):
                self._ack(msg.src, log.snapshot_index)
                return
            entries = entries[skip:]
            prev_index, prev_term = log.snapshot_index, log.snapshot_term
        local = log.term_at(prev_index)
        if local != prev_term:
            if local is None:
                hint_index, hint_term = log.last_index + 1, 0
            else:
                hint_term = local
                hint_index = max(log.first_index_of_term(prev_index), self.commit_index + 1)
            self._send(
                AppendResponse(
                    src=self.id,
                    dst=msg.src,
                    term=self.term,
                    success=False,
                    rejected=msg.prev_index,
                    hint_index=hint_index,
                    hint_term=hint_term,
                )
            )
            return
        for k, entry in enumerate(entries):
            have = log.term_at(entry.index)
            if have == entry.term:
                continue
            if have is not None:
                log.truncate_from(entry.index)
                self._lose_entries_from(entry.index)
                self._out.records.append(Truncate(index=entry.index))
            for new in entries[k:]:
                log.append(new)
                self._out.records.append(new)
            break
        last_new = prev_index + len(entries)
        if msg.commit > self.commit_index:
            self.commit_index = max(self.commit_index, min(msg.commit, last_new))
        self._ack(msg.src, last_new)

    def _lose_entries_from(self, index: int) -> None:
        """Entries from ``index`` are gone: earlier disk writes no longer vouch for them."""
        self._generation += 1
        self._stable = min(self._stable, index - 1)

    def _ack(self, leader: str, match: int) -> None:
        self._send(
            AppendResponse(src=self.id, dst=leader, term=self.term, success=True, match=match)
        )

    def _handle_heartbeat(self, msg: Heartbeat) -> None:
        self._accept_leader(msg.src)
        if msg.commit > self.commit_index:
            self.commit_index = min(msg.commit, self.log.last_index)
        self._send(
            HeartbeatResponse(
                src=self.id,
                dst=msg.src,
                term=self.term,
                seq=msg.seq,
                last_index=self.log.last_index,
            )
        )

    def _handle_snapshot(self, msg: SnapshotRequest) -> None:
        self._accept_leader(msg.src)
        snap = msg.snapshot
        if snap.index <= self.commit_index:
            self._ack(msg.src, self.commit_index)
            return
        if self.log.term_at(snap.index) != snap.term:
            self._out.records.append(Truncate(index=snap.index + 1))
            self._lose_entries_from(snap.index + 1)
        self.log.compact(snap.index, snap.term)
        self._snapshot = snap
        self._out.snapshot = snap
        self.commit_index = snap.index
        self._applied_handed = snap.index
        self._ack(msg.src, snap.index)

    # ----------------------------------------------------------------- leader

    def _send(self, msg: Message) -> None:
        self._out.messages.append(msg)

    def _replicate(self) -> None:
        for peer, pr in self._progress.items():
            if pr.probing:
                if not pr.probe_outstanding:
                    self._send_append(peer, pr)
                    pr.probe_outstanding = True
                continue
            while (
                pr.next <= self.log.last_index
                and pr.next - pr.match - 1 < self.config.max_inflight_entries
                and len(pr.inflight) < self.config.max_inflight_messages
            ):
                if not self._send_append(peer, pr):
                    break

    def _send_append(self, peer: str, pr: _Progress) -> bool:
        """Send what ``peer`` needs from ``pr.next``; True when ``pr.next`` moved on."""
        log = self.log
        if pr.next <= log.snapshot_index:
            snap = self._snapshot
            if snap is None:
                raise AssertionError("log compacted without a snapshot")
            self._send(SnapshotRequest(src=self.id, dst=peer, term=self.term, snapshot=snap))
            pr.probing = True
            pr.probe_outstanding = True
            return False
        if pr.next > log.last_index + 1:
            # The follower claims more than this log holds (only after lost writes, e.g. in the
            # unsynced-writes bug mode): probe from the end of our log instead.
            pr.next = log.last_index + 1
            pr.match = min(pr.match, log.last_index)
            pr.probing = True
            pr.inflight.clear()
        prev = pr.next - 1
        prev_term = log.term_at(prev)
        if prev_term is None:
            raise AssertionError(f"no term for {prev}")
        hi = min(log.last_index + 1, pr.next + self.config.max_entries_per_message)
        entries = tuple(log.slice(pr.next, hi))
        self._send(
            AppendRequest(
                src=self.id,
                dst=peer,
                term=self.term,
                prev_index=prev,
                prev_term=prev_term,
                entries=entries,
                commit=self.commit_index,
            )
        )
        if pr.probing or not entries:
            return False
        pr.next = hi
        pr.inflight.append(hi - 1)
        return True

    def _handle_append_response(self, msg: AppendResponse) -> None:
        if self.role is not Role.LEADER:
            return
        pr = self._progress.get(msg.src)
        if pr is None:
            return
        pr.active = True
        if msg.success:
            if msg.match > pr.match:
                pr.match = msg.match
                pr.stalled = 0
                self._maybe_commit()
            while pr.inflight and pr.inflight[0] <= pr.match:
                pr.inflight.popleft()
            if pr.probing:
                pr.probing = False
                pr.probe_outstanding = False
                pr.next = pr.match + 1
                pr.inflight.clear()
            pr.next = max(pr.next, pr.match + 1)
            return
        if msg.rejected < pr.match or (pr.probing and msg.rejected != pr.next - 1):
            return
        if msg.hint_term > 0:
            last_of_term = self.log.last_index_of_term(msg.hint_term)
            new_next = last_of_term + 1 if last_of_term is not None else msg.hint_index
        else:
            new_next = msg.hint_index
        pr.next = max(pr.match + 1, min(new_next, msg.rejected))
        pr.probing = True
        pr.probe_outstanding = False
        pr.inflight.clear()

    def _broadcast_heartbeat(self) -> None:
        self._heartbeat_elapsed = 0
        self._seq += 1
        if self._lease_clock is not None:
            self._round_start[self._seq] = self._lease_clock()
        for peer, pr in self._progress.items():
            self._send(
                Heartbeat(
                    src=self.id,
                    dst=peer,
                    term=self.term,
                    commit=min(pr.match, self.commit_index),
                    seq=self._seq,
                )
            )

    def _handle_heartbeat_response(self, msg: HeartbeatResponse) -> None:
        if self.role is not Role.LEADER:
            return
        pr = self._progress.get(msg.src)
        if pr is None:
            return
        pr.active = True
        pr.acked_seq = max(pr.acked_seq, msg.seq)
        if pr.match < self.log.last_index:
            pr.stalled += 1
            if pr.stalled >= 2:
                pr.stalled = 0
                pr.probing = True
                pr.probe_outstanding = False
                pr.inflight.clear()
                pr.next = max(pr.match + 1, min(pr.next, msg.last_index + 1))
        else:
            pr.stalled = 0

    def _maybe_commit(self) -> None:
        matches = sorted(
            [min(self._stable, self.log.last_index)] + [p.match for p in self._progress.values()],
            reverse=True,
        )
        candidate = matches[self._majority - 1]
        if candidate > self.commit_index and self.log.term_at(candidate) == self.term:
            self.commit_index = candidate

    def _committed_in_term(self) -> bool:
        return self.log.term_at(self.commit_index) == self.term

    # ----------------------------------------------------------------- reads

    def _assign_reads(self) -> None:
        if not self._unassigned_reads or not self._committed_in_term():
            return
        seq = self._seq + 1
        for ctx in self._unassigned_reads:
            self._pending_reads.append(_PendingRead(ctx=ctx, index=self.commit_index, seq=seq))
        self._unassigned_reads = []
        self._broadcast_heartbeat()

    def _confirm_reads(self) -> None:
        acked = sorted([self._seq] + [p.acked_seq for p in self._progress.values()], reverse=True)
        quorum_seq = acked[self._majority - 1]
        if self._lease_clock is not None and quorum_seq in self._round_start:
            start = self._round_start[quorum_seq]
            self._lease_until = max(self._lease_until, start + self.config.lease_seconds)
            for s in [s for s in self._round_start if s <= quorum_seq]:
                del self._round_start[s]
        if not self._pending_reads:
            return
        keep: list[_PendingRead] = []
        for read in self._pending_reads:
            if read.seq <= quorum_seq:
                self._out.reads.append(ReadState(ctx=read.ctx, index=read.index))
            else:
                keep.append(read)
        self._pending_reads = keep

    def _fail_reads(self) -> None:
        self._out.failed_reads.extend(self._unassigned_reads)
        self._out.failed_reads.extend(r.ctx for r in self._pending_reads)
        self._unassigned_reads = []
        self._pending_reads = []
