"""The register workload's client over a fake key-value store (no nodes, no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel.context import RunContext
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import Op, OpType
from tests.workloads.fakes import ERRORS, DefiniteError, MaybeError, context
from workloads.register import RegisterClient


class FakeKV:
    """An in-memory store that can be told to fail the next call."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.fail_with: Exception | None = None
        self.closed = False

    def _maybe_fail(self) -> None:
        if self.fail_with is not None:
            e, self.fail_with = self.fail_with, None
            raise e

    def get(self, key: str) -> str | None:
        self._maybe_fail()
        return self.data.get(key)

    def put(self, key: str, value: str) -> None:
        self._maybe_fail()
        self.data[key] = value

    def cas(self, key: str, expected: str | None, new: str) -> bool:
        self._maybe_fail()
        if self.data.get(key) != expected:
            return False
        self.data[key] = new
        return True

    def close(self) -> None:
        self.closed = True


def _setup(tmp_path: Path) -> tuple[RunContext, RegisterClient, FakeKV]:
    kv = FakeKV()
    seen: list[str] = []

    def connect(ctx: RunContext, node: str) -> FakeKV:
        seen.append(node)
        return kv

    ctx = context(tmp_path)
    client = RegisterClient(connect, ERRORS).open(ctx, "n1")
    assert seen == ["n1"]
    return ctx, client, kv


def _inv(f: str, value: JSON = None, key: Scalar = 7) -> Op:
    return Op(index=0, time=0, type=OpType.INVOKE, process=0, f=f, value=value, key=key)


def test_read_write_cas_map_onto_the_store(tmp_path: Path) -> None:
    ctx, client, kv = _setup(tmp_path)
    assert client.invoke(ctx, _inv("read")).value is None
    assert client.invoke(ctx, _inv("write", 3)).type is OpType.OK
    assert kv.data == {"7": "3"}
    read = client.invoke(ctx, _inv("read"))
    assert (read.type, read.value, read.node) == (OpType.OK, 3, "n1")
    assert client.invoke(ctx, _inv("cas", [3, 4])).type is OpType.OK
    missed = client.invoke(ctx, _inv("cas", [3, 1]))
    assert (missed.type, missed.error) == (OpType.FAIL, "cas mismatch") and kv.data == {"7": "4"}
    client.invoke(ctx, _inv("write", 1, key=None))
    assert kv.data["r"] == "1"
    kv.data["7"] = "text"
    assert client.invoke(ctx, _inv("read")).value == "text"
    client.close(ctx)
    assert kv.closed


def test_errors_become_fail_or_info(tmp_path: Path) -> None:
    ctx, client, kv = _setup(tmp_path)
    kv.fail_with = DefiniteError("no leader")
    done = client.invoke(ctx, _inv("write", 1))
    assert (done.type, done.error, done.node) == (OpType.FAIL, "no leader", "n1")
    kv.fail_with = MaybeError("commit timeout")
    assert client.invoke(ctx, _inv("write", 1)).type is OpType.INFO
    kv.fail_with = MaybeError("timeout")
    assert client.invoke(ctx, _inv("read")).type is OpType.FAIL  # reads change nothing
    kv.fail_with = ConnectionResetError()
    with pytest.raises(ConnectionResetError):  # the interpreter records it as info
        client.invoke(ctx, _inv("cas", [1, 2]))


def test_malformed_ops_are_harness_bugs(tmp_path: Path) -> None:
    ctx, client, _ = _setup(tmp_path)
    with pytest.raises(ValueError, match="cas needs"):
        client.invoke(ctx, _inv("cas", 3))
    with pytest.raises(ValueError, match="no operation 'add'"):
        client.invoke(ctx, _inv("add", 3))
