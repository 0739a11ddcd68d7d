from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.ops import OpType
from tests.workloads.fakes import ERRORS, DefiniteError, MaybeError, context, invoke
from workloads.base import WorkloadOptionError
from workloads.set import SetClient, SetOptions, workload


def _test(concurrency: int = 10, **opts: str) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="set", seed=3,
                      concurrency=concurrency, workload_options=tuple(opts.items()))


def test_adds_are_unique_and_mixed_with_reads() -> None:
    wl = workload(_test(**{"read-fraction": "0.25"}))
    sim = g.simulate(g.clients(g.limit(400, wl.generator)), concurrency=5)
    invokes = sim.invocations()
    adds = [op.value for op in invokes if op.f == "add"]
    reads = [op for op in invokes if op.f == "read"]
    assert len(adds) == len(set(adds))
    assert sorted(adds) == list(range(len(adds)))  # type: ignore[type-var]
    assert 50 < len(reads) < 150
    assert {op.process for op in invokes} == set(range(5))


def test_final_phase_reads_every_node_once_after_the_workload() -> None:
    wl = workload(_test(concurrency=7, **{"final-wait": "2"}))
    assert wl.final_generator is not None
    gen = g.clients(g.phases(g.limit(30, wl.generator), wl.final_generator))
    sim = g.simulate(gen, concurrency=7)
    invokes = sim.invocations()
    finals = [op for op in invokes if op.f == "final-read"]
    assert sorted(op.process for op in finals) == [0, 1, 2, 3, 4]  # five nodes by default
    last_workload = max(op.time for op in sim.history if op.f != "final-read")
    assert min(op.time for op in finals) >= last_workload + 2 * g.NS_PER_S


def test_needs_a_client_per_node() -> None:
    with pytest.raises(WorkloadOptionError, match="concurrency >= --nodes"):
        workload(_test(concurrency=3))


@pytest.mark.parametrize("opts", [{"read-fraction": "2"}, {"final-wait": "x"},
                                  {"final-attempts": "1.5"}, {"colour": "red"}])
def test_bad_options_are_named(opts: dict[str, str]) -> None:
    with pytest.raises(WorkloadOptionError, match=next(iter(opts))):
        SetOptions.parse(opts)


class FakeSet:
    def __init__(self, fail_with: BaseException | None = None) -> None:
        self.elements: set[int] = set()
        self.fail_with = fail_with
        self.closed = False
        self.final_reads = 0

    def add(self, element: int) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.elements.add(element)

    def read(self, *, final: bool) -> list[int]:
        if self.fail_with is not None:
            raise self.fail_with
        self.final_reads += final
        return list(self.elements)

    def close(self) -> None:
        self.closed = True


def test_client_records_adds_reads_and_final_reads(tmp_path: Path) -> None:
    store = FakeSet()
    client = SetClient(lambda ctx, node: store, ERRORS).open(context(tmp_path), "n2")
    ctx = context(tmp_path)
    assert client.invoke(ctx, invoke("add", 3)).type is OpType.OK
    assert client.invoke(ctx, invoke("add", 1)).type is OpType.OK
    read = client.invoke(ctx, invoke("read"))
    assert (read.type, read.value, read.node) == (OpType.OK, {"ranges": [1, 3]}, "n2")
    assert client.invoke(ctx, invoke("add", 10)).type is OpType.OK
    final = client.invoke(ctx, invoke("final-read"))
    # relative to the client's previous read, as that is shorter
    assert final.value == {"base": read.index, "added": [10]} and store.final_reads == 1
    client.close(ctx)
    assert store.closed


@pytest.mark.parametrize(("error", "f", "kind"), [
    (DefiniteError("refused"), "add", OpType.FAIL),
    (MaybeError("timeout"), "add", OpType.INFO),
    (MaybeError("timeout"), "read", OpType.FAIL),
    (MaybeError("timeout"), "final-read", OpType.FAIL),
])
def test_client_maps_errors_to_outcomes(tmp_path: Path, error: BaseException, f: str,
                                        kind: OpType) -> None:
    ctx = context(tmp_path)
    client = SetClient(lambda c, n: FakeSet(error), ERRORS).open(ctx, "n1")
    done = client.invoke(ctx, invoke(f, 7 if f == "add" else None))
    assert done.type is kind
    assert done.error == str(error)
    if f == "add":
        assert done.value == 7


def test_client_lets_unknown_errors_through(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    client = SetClient(lambda c, n: FakeSet(RuntimeError("bug")), ERRORS).open(ctx, "n1")
    with pytest.raises(RuntimeError):
        client.invoke(ctx, invoke("add", 1))
