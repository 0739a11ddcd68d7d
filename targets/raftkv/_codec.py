"""Peer wire format: frames of ``[u32 big-endian length][JSON object]``.

Raft messages are objects tagged by ``"t"``; entries travel as ``[index, term, data]``.
Besides Raft messages, peers exchange a ``hello`` (who is calling) and forwarded client requests
(``fwd``) with their replies (``fwr``).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

from harness.kernel.jsontypes import JSON
from targets.raftkv._messages import (
    AppendRequest,
    AppendResponse,
    Entry,
    Heartbeat,
    HeartbeatResponse,
    Message,
    Snapshot,
    SnapshotRequest,
    VoteRequest,
    VoteResponse,
)

FRAME_HEADER = struct.Struct(">I")
MAX_FRAME = 64 << 20


class CodecError(ValueError):
    """A peer sent something that is not a valid frame."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Hello:
    src: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Forward:
    """A client request relayed by a follower to the leader."""

    src: str
    id: int
    method: str
    key: str
    body: dict[str, JSON]


@dataclass(frozen=True, kw_only=True, slots=True)
class ForwardReply:
    id: int
    status: int
    body: dict[str, JSON]


Frame = Message | Hello | Forward | ForwardReply


def _entries(entries: tuple[Entry, ...]) -> list[list[int | str]]:
    return [[e.index, e.term, e.data] for e in entries]


def to_obj(frame: Frame) -> dict[str, JSON]:
    match frame:
        case AppendRequest():
            return {
                "t": "app", "s": frame.src, "d": frame.dst, "term": frame.term,
                "pi": frame.prev_index, "pt": frame.prev_term,
                "e": _entries(frame.entries),  # type: ignore[dict-item]
                "c": frame.commit,
            }  # fmt: skip
        case AppendResponse():
            return {
                "t": "appr", "s": frame.src, "d": frame.dst, "term": frame.term,
                "ok": frame.success, "m": frame.match, "r": frame.rejected,
                "hi": frame.hint_index, "ht": frame.hint_term,
            }  # fmt: skip
        case Heartbeat():
            return {
                "t": "hb", "s": frame.src, "d": frame.dst, "term": frame.term,
                "c": frame.commit, "q": frame.seq,
            }  # fmt: skip
        case HeartbeatResponse():
            return {
                "t": "hbr", "s": frame.src, "d": frame.dst, "term": frame.term,
                "q": frame.seq, "li": frame.last_index,
            }  # fmt: skip
        case VoteRequest():
            return {
                "t": "vote", "s": frame.src, "d": frame.dst, "term": frame.term,
                "pre": frame.pre, "li": frame.last_index, "lt": frame.last_term,
            }  # fmt: skip
        case VoteResponse():
            return {
                "t": "voter", "s": frame.src, "d": frame.dst, "term": frame.term,
                "pre": frame.pre, "ok": frame.granted,
            }  # fmt: skip
        case SnapshotRequest():
            snap = frame.snapshot
            return {
                "t": "snap", "s": frame.src, "d": frame.dst, "term": frame.term,
                "i": snap.index, "st": snap.term, "data": snap.data,
            }  # fmt: skip
        case Hello():
            return {"t": "hello", "s": frame.src}
        case Forward():
            return {
                "t": "fwd", "s": frame.src, "id": frame.id, "m": frame.method,
                "k": frame.key, "b": frame.body,
            }  # fmt: skip
        case ForwardReply():
            return {"t": "fwr", "id": frame.id, "st": frame.status, "b": frame.body}


def encode_frame(frame: Frame) -> bytes:
    payload = json.dumps(to_obj(frame), separators=(",", ":")).encode()
    return FRAME_HEADER.pack(len(payload)) + payload


def decode_frame(payload: bytes) -> Frame:
    try:
        o = json.loads(payload)
        t = o["t"]
        if t == "app":
            return AppendRequest(
                src=o["s"], dst=o["d"], term=o["term"], prev_index=o["pi"], prev_term=o["pt"],
                entries=tuple(Entry(index=i, term=tm, data=d) for i, tm, d in o["e"]),
                commit=o["c"],
            )  # fmt: skip
        if t == "appr":
            return AppendResponse(
                src=o["s"], dst=o["d"], term=o["term"], success=o["ok"], match=o["m"],
                rejected=o["r"], hint_index=o["hi"], hint_term=o["ht"],
            )  # fmt: skip
        if t == "hb":
            return Heartbeat(src=o["s"], dst=o["d"], term=o["term"], commit=o["c"], seq=o["q"])
        if t == "hbr":
            return HeartbeatResponse(
                src=o["s"], dst=o["d"], term=o["term"], seq=o["q"], last_index=o["li"]
            )
        if t == "vote":
            return VoteRequest(
                src=o["s"], dst=o["d"], term=o["term"], pre=o["pre"],
                last_index=o["li"], last_term=o["lt"],
            )  # fmt: skip
        if t == "voter":
            return VoteResponse(
                src=o["s"], dst=o["d"], term=o["term"], pre=o["pre"], granted=o["ok"]
            )
        if t == "snap":
            snap = Snapshot(index=o["i"], term=o["st"], data=o["data"])
            return SnapshotRequest(src=o["s"], dst=o["d"], term=o["term"], snapshot=snap)
        if t == "hello":
            return Hello(src=o["s"])
        if t == "fwd":
            return Forward(src=o["s"], id=o["id"], method=o["m"], key=o["k"], body=o["b"])
        if t == "fwr":
            return ForwardReply(id=o["id"], status=o["st"], body=o["b"])
    except (ValueError, KeyError, TypeError) as e:
        raise CodecError(f"bad peer frame: {e}") from e
    raise CodecError(f"unknown peer frame type {t!r}")
