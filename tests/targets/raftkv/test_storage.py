"""Durable storage: round trips, torn tails, truncation records, snapshots and compaction."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from targets.raftkv._messages import Entry, HardState, Snapshot, Truncate
from targets.raftkv._storage import Storage, StorageError, encode_record


def entries(lo: int, hi: int, term: int) -> list[Entry]:
    return [Entry(index=i, term=term, data=f'{{"v": {i}}}') for i in range(lo, hi)]


def test_round_trip_of_hard_state_and_entries(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    assert storage.recover().entries == ()
    storage.persist(HardState(term=3, vote="n2"), entries(1, 11, 3))
    storage.persist(None, entries(11, 21, 3))
    storage.close()
    recovered = Storage(tmp_path).recover()
    assert recovered.hard_state == HardState(term=3, vote="n2")
    assert recovered.entries == tuple(entries(1, 21, 3))
    assert recovered.torn_bytes == 0


def test_truncate_records_replace_the_conflicting_suffix(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.recover()
    storage.persist(HardState(term=2), entries(1, 11, 2))
    storage.persist(HardState(term=3), [Truncate(index=6), *entries(6, 9, 3)])
    storage.close()
    recovered = Storage(tmp_path).recover()
    assert recovered.entries == tuple(entries(1, 6, 2) + entries(6, 9, 3))
    assert recovered.hard_state.term == 3


@pytest.mark.parametrize("cut", [1, 4, 8, 12, 20])
def test_a_torn_last_record_is_cut_off(tmp_path: Path, cut: int) -> None:
    storage = Storage(tmp_path)
    storage.recover()
    storage.persist(HardState(term=1, vote="n1"), entries(1, 6, 1))
    storage.close()
    size = storage.wal_path.stat().st_size
    last = encode_record(entries(6, 7, 1)[0])
    with open(storage.wal_path, "ab") as f:
        f.write(last[: len(last) - cut])
    again = Storage(tmp_path)
    recovered = again.recover()
    assert recovered.entries == tuple(entries(1, 6, 1))
    assert recovered.torn_bytes == len(last) - cut
    assert again.wal_path.stat().st_size == size
    # New records go after the good prefix and are readable.
    again.persist(None, entries(6, 8, 1))
    again.close()
    assert Storage(tmp_path).recover().entries == tuple(entries(1, 8, 1))


def test_a_corrupt_record_ends_the_log(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.recover()
    storage.persist(HardState(term=1), entries(1, 4, 1))
    storage.close()
    data = bytearray(storage.wal_path.read_bytes())
    data[-3] ^= 0xFF  # flip a byte inside the last entry's command
    storage.wal_path.write_bytes(bytes(data))
    recovered = Storage(tmp_path).recover()
    assert recovered.entries == tuple(entries(1, 3, 1))
    assert recovered.torn_bytes > 0


def test_snapshot_and_compaction(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.recover()
    storage.persist(HardState(term=2, vote="n1"), entries(1, 101, 2))
    before = storage.wal_path.stat().st_size
    snap = Snapshot(index=90, term=2, data='{"kv": {"a": "1"}}')
    storage.compact(snap, HardState(term=2, vote="n1"), entries(91, 101, 2))
    assert storage.wal_path.stat().st_size < before
    storage.persist(None, entries(101, 103, 2))
    storage.close()
    recovered = Storage(tmp_path).recover()
    assert recovered.snapshot == snap
    assert recovered.entries == tuple(entries(91, 103, 2))
    assert recovered.hard_state == HardState(term=2, vote="n1")


def test_installed_snapshot_discards_divergent_log(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    storage.recover()
    storage.persist(HardState(term=1), entries(1, 21, 1))
    snap = Snapshot(index=50, term=4, data="{}")
    storage.persist(HardState(term=4), [Truncate(index=51)], snap)
    storage.persist(None, entries(51, 54, 4))
    storage.close()
    recovered = Storage(tmp_path).recover()
    assert recovered.snapshot == snap
    assert recovered.entries == tuple(entries(51, 54, 4))


def test_unsynced_mode_keeps_acknowledged_records_out_of_the_file(tmp_path: Path) -> None:
    storage = Storage(tmp_path, sync=False)
    storage.recover()
    storage.persist(HardState(term=1), entries(1, 50, 1))
    # What a kill -9 now would leave behind: nothing.
    assert storage.wal_path.stat().st_size == 0
    assert Storage(tmp_path).recover().entries == ()
    storage.flush_lazy()
    assert Storage(tmp_path).recover().entries == tuple(entries(1, 50, 1))
    storage.close()


def test_corrupt_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "snapshot.json").write_text("{not json")
    with pytest.raises(StorageError, match="corrupt snapshot"):
        Storage(tmp_path).recover()


def test_unusable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create data directory"):
        Storage(blocker / "sub")
    assert os.path.exists(blocker)
