from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.ops import OpType
from tests.workloads.fakes import ERRORS, MaybeError, context, invoke
from workloads.base import WorkloadOptionError
from workloads.counter import CounterClient, CounterOptions, workload


def _test(concurrency: int = 10, **opts: str) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="counter", seed=3,
                      concurrency=concurrency, workload_options=tuple(opts.items()))


def test_increments_and_reads() -> None:
    wl = workload(_test(**{"read-fraction": "0.5"}))
    invokes = g.simulate(g.clients(g.limit(400, wl.generator)), concurrency=4).invocations()
    adds = [op for op in invokes if op.f == "add"]
    assert {op.value for op in adds} == {1}
    assert 120 < len(adds) < 280
    assert {op.f for op in invokes} == {"add", "read"}


def test_needs_a_client_per_node_and_valid_options() -> None:
    with pytest.raises(WorkloadOptionError, match="concurrency"):
        workload(_test(concurrency=2))
    with pytest.raises(WorkloadOptionError, match="read-fraction"):
        CounterOptions.parse({"read-fraction": "-1"})


class FakeCounter:
    def __init__(self) -> None:
        self.value = 0
        self.broken = False

    def add(self, delta: int) -> None:
        if self.broken:
            raise MaybeError("reset")
        self.value += delta

    def read(self, *, final: bool) -> int:
        return self.value

    def close(self) -> None:
        pass


def test_client(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    store = FakeCounter()
    client = CounterClient(lambda c, n: store, ERRORS).open(ctx, "n3")
    assert client.invoke(ctx, invoke("add", 2)).type is OpType.OK
    read = client.invoke(ctx, invoke("final-read"))
    assert (read.type, read.value, read.node) == (OpType.OK, 2, "n3")
    store.broken = True
    assert client.invoke(ctx, invoke("add", 1)).type is OpType.INFO
    with pytest.raises(ValueError, match="no operation"):
        client.invoke(ctx, invoke("cas"))
