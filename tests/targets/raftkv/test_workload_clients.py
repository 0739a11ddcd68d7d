from __future__ import annotations

import json

import pytest

from targets.raftkv.client import Unavailable
from targets.raftkv.workload_clients import (
    SHARDS,
    RaftKVCounter,
    RaftKVSet,
    parse_list,
    shard_key,
)


class FakeKV:
    """A KV whose CAS loses the first ``races`` times (someone else wrote in between)."""

    def __init__(self, races: int = 0) -> None:
        self.data: dict[str, str] = {}
        self.races = races
        self.cas_calls = 0

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def get_many(self, keys: list[str]) -> list[str | None]:
        return [self.data.get(k) for k in keys]

    def cas(self, key: str, expected: str | None, new: str) -> bool:
        self.cas_calls += 1
        if self.races > 0:
            self.races -= 1
            return False
        if self.data.get(key) != expected:
            return False
        self.data[key] = new
        return True

    def close(self) -> None:
        pass


def test_set_adds_to_shards_and_reads_all_of_them() -> None:
    kv = FakeKV(races=2)
    store = RaftKVSet(kv, 5.0)  # type: ignore[arg-type]
    for e in range(20):
        store.add(e)
    store.add(3)  # already there: no write
    assert sorted(store.read(final=True)) == list(range(20))
    assert json.loads(kv.data[shard_key(3)]) == [3, 3 + SHARDS, 3 + 2 * SHARDS]
    assert kv.cas_calls == 22


def test_counter_adds_through_races_and_gives_up_definitely() -> None:
    kv = FakeKV(races=1)
    counter = RaftKVCounter(kv, 5.0)  # type: ignore[arg-type]
    counter.add(2)
    counter.add(3)
    assert counter.read(final=False) == 5
    stuck = RaftKVCounter(FakeKV(races=10**9), 0.0)  # type: ignore[arg-type]
    with pytest.raises(Unavailable, match="conflicting"):
        stuck.add(1)


def test_parse_list_rejects_garbage() -> None:
    assert parse_list(None) == []
    with pytest.raises(Exception, match="not a JSON list"):
        parse_list('{"a": 1}')


class ConcurrentAddsKV(FakeKV):
    """Once ``armed``, right after the first single-key read of 81's shard another client adds
    81 and then 83 (81 acknowledged before 83 begins): a read of the shards one by one would
    see 83 without 81; one multi-key read at one point of the log cannot."""

    def __init__(self) -> None:
        super().__init__()
        self.adder = RaftKVSet(self, 5.0)  # type: ignore[arg-type]
        self.armed = False

    def get(self, key: str) -> str | None:
        value = super().get(key)
        if self.armed and key == shard_key(81):
            self.armed = False
            self.adder.add(81)
            self.adder.add(83)
        return value


def test_set_read_is_one_atomic_read_of_every_shard() -> None:
    kv = ConcurrentAddsKV()
    for e in range(80):
        kv.adder.add(e)
    kv.armed = True
    seen = set(RaftKVSet(kv, 5.0).read(final=False))  # type: ignore[arg-type]
    assert seen == set(range(80))  # before both adds (a shard-by-shard read: 0..79 and 83)
