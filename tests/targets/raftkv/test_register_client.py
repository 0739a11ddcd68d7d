from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from harness.clock import ManualClock
from harness.config import TestConfig
from harness.context import RunContext
from harness.jsontypes import JSON, Scalar
from harness.ops import Op, OpType
from harness.protocols import NoopDB
from harness.runtime.static import StaticRuntime
from targets.raftkv.options import FakeTime, RaftKVOptions, TargetOptionError
from targets.raftkv.register import Errors, KVConnection, RaftKVRegisterClient


class UnavailableError(Exception):
    pass


class IndeterminateError(Exception):
    pass


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


def _setup(tmp_path: Path) -> tuple[RunContext, RaftKVRegisterClient, FakeKV]:
    kv = FakeKV()
    seen: list[tuple[str, int]] = []

    def connect(host: str, port: int, timeout: float) -> KVConnection:
        seen.append((host, port))
        return kv

    ctx = RunContext(
        test=TestConfig(name="t", target="raftkv", workload="register"),
        runtime=StaticRuntime({"n1": "10.9.9.1"}), db=NoopDB(), run_dir=tmp_path,
        clock=ManualClock(), rng=random.Random(0), log=logging.getLogger("t"),
    )
    client = RaftKVRegisterClient(
        port=8123, connect=connect,
        errors=Errors(definite=(UnavailableError,), indeterminate=(IndeterminateError,)),
    ).open(ctx, "n1")
    assert seen == [("10.9.9.1", 8123)]
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
    assert missed.type is OpType.FAIL and kv.data == {"7": "4"}
    client.invoke(ctx, _inv("write", 1, key=None))
    assert kv.data["r"] == "1"
    client.close(ctx)
    assert kv.closed


def test_errors_become_fail_or_info(tmp_path: Path) -> None:
    ctx, client, kv = _setup(tmp_path)
    kv.fail_with = UnavailableError("no leader")
    done = client.invoke(ctx, _inv("write", 1))
    assert (done.type, done.error) == (OpType.FAIL, "no leader")
    kv.fail_with = IndeterminateError("commit timeout")
    assert client.invoke(ctx, _inv("write", 1)).type is OpType.INFO
    kv.fail_with = IndeterminateError("timeout")
    assert client.invoke(ctx, _inv("read")).type is OpType.FAIL  # reads change nothing
    kv.fail_with = ConnectionResetError()
    with pytest.raises(ConnectionResetError):  # the interpreter records it as info
        client.invoke(ctx, _inv("cas", [1, 2]))


def test_options_parse_and_refuse_bad_values() -> None:
    opts = RaftKVOptions.parse({"bug": "stale-reads", "election-timeout-ms": "500",
                                "faketime": "on"})
    assert (opts.bug, opts.election_timeout_ms, opts.faketime) == ("stale-reads", 500,
                                                                    FakeTime.ON)
    for bad in ({"nope": "1"}, {"client-port": "0"}, {"heartbeat-ms": "x"},
                {"faketime": "maybe"}, {"op-timeout": "-1"}, {"bug": "nope"},
                {"client-port": "9000"}):
        with pytest.raises(TargetOptionError, match="raftkv option"):
            RaftKVOptions.parse(bad)
