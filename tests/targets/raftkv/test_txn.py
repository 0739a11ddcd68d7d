"""The Raft KV's transactions: one log entry applied atomically by the state machine."""

from __future__ import annotations

import json

from targets.raftkv._kv import KVStore, encode_put, encode_txn, run_txn


def test_a_txn_applies_its_micro_ops_in_order_and_fills_in_reads() -> None:
    kv = KVStore()
    applied = kv.apply(1, encode_txn([["r", 1, None], ["append", 1, 5], ["r", 1, None],
                                      ["w", "k", 3], ["r", "k", None]]))
    assert applied.ok
    assert applied.results == [["r", 1, None], ["append", 1, 5], ["r", 1, [5]],
                               ["w", "k", 3], ["r", "k", 3]]
    applied = kv.apply(2, encode_txn([["append", 1, 6], ["r", 1, None]]))
    assert applied.results == [["append", 1, 6], ["r", 1, [5, 6]]]


def test_txn_keys_live_apart_from_the_kv_keys() -> None:
    kv = KVStore()
    kv.apply(1, encode_put("1", "plain"))
    assert run_txn(kv.data, [["r", 1, None]]) == [["r", 1, None]]
    assert kv.get("1") == "plain"


def test_txn_state_survives_a_snapshot() -> None:
    kv = KVStore()
    kv.apply(1, encode_txn([["append", "x", 1]]))
    other = KVStore()
    other.restore(1, kv.snapshot_data())
    assert run_txn(other.data, [["r", "x", None]]) == [["r", "x", [1]]]
    assert json.loads(kv.snapshot_data())
