"""The transactional workloads' generator, options and client."""

from __future__ import annotations

import pytest

from harness.kernel.config import TestConfig
from harness.kernel.generators import Context
from workloads.base import WorkloadOptionError
from workloads.registry import WORKLOADS
from workloads.txn import TxnOps, TxnOptions


def _ctx() -> Context:
    return Context(time=0, threads=(0,), free=(0,), workers={0: 0}, concurrency=1)


def _run(gen: TxnOps, n: int) -> list[list[list[object]]]:
    out = []
    for _ in range(n):
        step = gen.op(_ctx())
        assert isinstance(step, tuple)
        op, gen = step  # type: ignore[assignment]
        assert op.f == "txn"
        out.append(op.value)
    return out


def test_generated_transactions_have_unique_writes_and_rotate_keys() -> None:
    txns = _run(TxnOps(TxnOptions(max_writes_per_key=4), "append", seed=1), 300)
    writes = [(m[1], m[2]) for t in txns for m in t if m[0] == "append"]
    assert len(writes) == len(set(writes))
    assert all(1 <= len(t) <= 4 for t in txns)
    per_key: dict[object, int] = {}
    for k, _ in writes:
        per_key[k] = per_key.get(k, 0) + 1
    assert max(per_key.values()) <= 4 and len(per_key) > 10
    assert all(m[2] is None for t in txns for m in t if m[0] == "r")


def test_same_seed_same_transactions() -> None:
    a = _run(TxnOps(TxnOptions(), "w", seed=9), 50)
    b = _run(TxnOps(TxnOptions(), "w", seed=9), 50)
    assert a == b and any(m[0] == "w" for t in a for m in t)


def test_options_are_checked() -> None:
    with pytest.raises(WorkloadOptionError, match="consistency-model"):
        TxnOptions.parse("list-append", {"consistency-model": "eventual"})
    with pytest.raises(WorkloadOptionError, match="unknown"):
        TxnOptions.parse("list-append", {"keys": "3"})
    assert TxnOptions.parse("rw-register", {"active-keys": "5"}).active_keys == 5


def test_both_workloads_are_registered() -> None:
    assert {"list-append", "rw-register"} <= set(WORKLOADS)
    assert TestConfig is not None
