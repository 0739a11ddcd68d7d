"""Raft records and peer messages: plain frozen values, no behaviour.

Every message carries the sender, the receiver and the sender's term. Entries carry their
command as an already encoded string so that the hot paths never re-encode them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class Entry:
    """One log entry; ``data`` is the encoded command ("" for the leader's no-op)."""

    index: int
    term: int
    data: str


@dataclass(frozen=True, kw_only=True, slots=True)
class HardState:
    """What must survive a crash besides the log: the current term and the vote in it."""

    term: int = 0
    vote: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Snapshot:
    """The state machine as of ``index`` (whose entry had ``term``), encoded as ``data``."""

    index: int
    term: int
    data: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Truncate:
    """A storage record: discard every log entry with an index >= ``index``."""

    index: int


@dataclass(frozen=True, kw_only=True, slots=True)
class VoteRequest:
    """RequestVote, or a pre-vote (``pre``) that asks without changing anyone's term."""

    src: str
    dst: str
    term: int
    pre: bool
    last_index: int
    last_term: int


@dataclass(frozen=True, kw_only=True, slots=True)
class VoteResponse:
    src: str
    dst: str
    term: int
    pre: bool
    granted: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class AppendRequest:
    src: str
    dst: str
    term: int
    prev_index: int
    prev_term: int
    entries: tuple[Entry, ...]
    commit: int


@dataclass(frozen=True, kw_only=True, slots=True)
class AppendResponse:
    """Success: ``match`` is the last index known to agree with the leader. Rejection:
    ``rejected`` is the refused ``prev_index`` and ``hint_index``/``hint_term`` let the leader
    skip a whole conflicting term at once (fast backup)."""

    src: str
    dst: str
    term: int
    success: bool
    match: int = 0
    rejected: int = 0
    hint_index: int = 0
    hint_term: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class Heartbeat:
    """Leader liveness and leadership confirmation round ``seq`` (ReadIndex)."""

    src: str
    dst: str
    term: int
    commit: int
    seq: int


@dataclass(frozen=True, kw_only=True, slots=True)
class HeartbeatResponse:
    src: str
    dst: str
    term: int
    seq: int
    last_index: int


@dataclass(frozen=True, kw_only=True, slots=True)
class SnapshotRequest:
    """InstallSnapshot, sent whole (snapshots of this store are small)."""

    src: str
    dst: str
    term: int
    snapshot: Snapshot


Message = (
    VoteRequest
    | VoteResponse
    | AppendRequest
    | AppendResponse
    | Heartbeat
    | HeartbeatResponse
    | SnapshotRequest
)
