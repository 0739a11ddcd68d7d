"""Durable Raft state: an append-only write-ahead log plus an atomically replaced snapshot.

``wal.log`` holds records ``[u32 length][u32 crc32][body]``; the body is a type byte and its
fields (hard state: term and vote; entry: index, term and command; truncate: index). Every call
to :meth:`Storage.persist` writes all its records with one ``write`` and one ``fdatasync``
(group commit: the shell hands over everything that accumulated while the previous sync ran).
Recovery replays the records and stops at the first torn or corrupt one, cutting it off.

``snapshot.json`` is written to a temporary file, synced and renamed over the old one. After a
snapshot the log is rewritten the same way without the entries the snapshot covers.

``sync=False`` is the deliberate bug ``unsynced-writes``: records stay in a user-space buffer
and reach the file only every ``lazy_flush_seconds`` (or past 1 MiB), so a kill -9 loses
writes that were already acknowledged.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from targets.raftkv._messages import Entry, HardState, Snapshot, Truncate

_HEADER = struct.Struct("<II")
_HARD_STATE = 1
_ENTRY = 2
_TRUNCATE = 3
_U64 = struct.Struct("<Q")
_U64X2 = struct.Struct("<QQ")
_LAZY_LIMIT = 1 << 20

WAL_NAME = "wal.log"
SNAPSHOT_NAME = "snapshot.json"


class StorageError(Exception):
    """The data directory cannot be used (not a recoverable torn tail)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Recovered:
    hard_state: HardState
    snapshot: Snapshot | None
    entries: tuple[Entry, ...]
    torn_bytes: int


def encode_record(record: HardState | Entry | Truncate) -> bytes:
    if isinstance(record, Entry):
        body = bytes((_ENTRY,)) + _U64X2.pack(record.index, record.term) + record.data.encode()
    elif isinstance(record, Truncate):
        body = bytes((_TRUNCATE,)) + _U64.pack(record.index)
    else:
        vote = (record.vote or "").encode()
        body = bytes((_HARD_STATE,)) + _U64.pack(record.term) + vote
    return _HEADER.pack(len(body), zlib.crc32(body)) + body


def decode_records(data: bytes) -> tuple[list[HardState | Entry | Truncate], int]:
    """Records in ``data`` and the length of its valid prefix (the rest is a torn tail)."""
    records: list[HardState | Entry | Truncate] = []
    pos = 0
    end = len(data)
    while pos + _HEADER.size <= end:
        length, crc = _HEADER.unpack_from(data, pos)
        start = pos + _HEADER.size
        if length == 0 or start + length > end:
            break
        body = data[start : start + length]
        if zlib.crc32(body) != crc:
            break
        kind = body[0]
        if kind == _ENTRY and length >= 17:
            index, term = _U64X2.unpack_from(body, 1)
            records.append(Entry(index=index, term=term, data=body[17:].decode()))
        elif kind == _TRUNCATE and length == 9:
            records.append(Truncate(index=_U64.unpack_from(body, 1)[0]))
        elif kind == _HARD_STATE and length >= 9:
            vote = body[9:].decode()
            records.append(HardState(term=_U64.unpack_from(body, 1)[0], vote=vote or None))
        else:
            break
        pos = start + length
    return records, pos


def replay(
    records: Iterable[HardState | Entry | Truncate], snapshot: Snapshot | None
) -> tuple[HardState, tuple[Entry, ...]]:
    """The hard state and the log after ``snapshot`` that the records describe."""
    hard_state = HardState()
    entries: list[Entry] = []
    for record in records:
        if isinstance(record, HardState):
            hard_state = record
        elif isinstance(record, Truncate):
            while entries and entries[-1].index >= record.index:
                entries.pop()
        else:
            while entries and entries[-1].index >= record.index:
                entries.pop()
            if entries and entries[-1].index != record.index - 1:
                entries = []
            entries.append(record)
    base = snapshot.index if snapshot else 0
    after = [e for e in entries if e.index > base]
    if after and after[0].index != base + 1:
        after = []
    return hard_state, tuple(after)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Storage:
    """One node's durable state in ``directory``. Not thread-safe: one caller at a time."""

    def __init__(
        self, directory: Path, *, sync: bool = True, lazy_flush_seconds: float = 2.0
    ) -> None:
        self.directory = directory
        self.sync = sync
        self.lazy_flush_seconds = lazy_flush_seconds
        self._buffer = bytearray()
        self._fd = -1
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StorageError(f"cannot create data directory {directory}: {e}") from e

    @property
    def wal_path(self) -> Path:
        return self.directory / WAL_NAME

    @property
    def snapshot_path(self) -> Path:
        return self.directory / SNAPSHOT_NAME

    def recover(self) -> Recovered:
        """Read the snapshot and the log, cut off a torn tail, and open the log for append."""
        snapshot = self._read_snapshot()
        try:
            data = self.wal_path.read_bytes()
        except FileNotFoundError:
            data = b""
        except OSError as e:
            raise StorageError(f"cannot read {self.wal_path}: {e}") from e
        records, valid = decode_records(data)
        torn = len(data) - valid
        self._fd = os.open(self.wal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if torn:
            os.ftruncate(self._fd, valid)
            os.fsync(self._fd)
        _fsync_dir(self.directory)
        hard_state, entries = replay(records, snapshot)
        return Recovered(hard_state=hard_state, snapshot=snapshot, entries=entries, torn_bytes=torn)

    def _read_snapshot(self) -> Snapshot | None:
        try:
            raw = self.snapshot_path.read_text()
        except FileNotFoundError:
            return None
        try:
            obj = json.loads(raw)
            return Snapshot(index=int(obj["index"]), term=int(obj["term"]), data=str(obj["data"]))
        except (ValueError, KeyError, TypeError) as e:
            raise StorageError(f"corrupt snapshot {self.snapshot_path}: {e}") from e

    def persist(
        self,
        hard_state: HardState | None,
        records: Sequence[Entry | Truncate],
        snapshot: Snapshot | None = None,
    ) -> None:
        """Make the hard state and the records durable (one write, one sync), then the
        snapshot if any."""
        data = bytearray()
        if hard_state is not None:
            data += encode_record(hard_state)
        for record in records:
            data += encode_record(record)
        if data:
            if self.sync:
                os.write(self._fd, data)
                os.fdatasync(self._fd)
            else:
                self._buffer += data
                if len(self._buffer) > _LAZY_LIMIT:
                    self.flush_lazy()
        if snapshot is not None:
            self.flush_lazy()
            self.save_snapshot(snapshot)

    def flush_lazy(self) -> None:
        """Write and sync what the unsynced mode buffered (called on a slow timer)."""
        if self._buffer:
            os.write(self._fd, self._buffer)
            os.fdatasync(self._fd)
            self._buffer.clear()

    def save_snapshot(self, snapshot: Snapshot) -> None:
        body = json.dumps({"index": snapshot.index, "term": snapshot.term, "data": snapshot.data})
        _write_atomically(self.snapshot_path, body.encode())

    def compact(self, snapshot: Snapshot, hard_state: HardState, entries: Sequence[Entry]) -> None:
        """Save ``snapshot``, then rewrite the log with only ``hard_state`` and ``entries``
        (those after the snapshot)."""
        self.save_snapshot(snapshot)
        data = bytearray(encode_record(hard_state))
        for entry in entries:
            data += encode_record(entry)
        self._buffer.clear()
        os.close(self._fd)
        _write_atomically(self.wal_path, bytes(data))
        self._fd = os.open(self.wal_path, os.O_WRONLY | os.O_APPEND)

    def close(self) -> None:
        if self._fd >= 0:
            self.flush_lazy()
            os.close(self._fd)
            self._fd = -1
