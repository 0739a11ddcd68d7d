"""Each fault really happens to the bundled Raft KV (real processes, signals, libfaketime)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from harness.kernel.context import RunContext
from nemesis.clock import ClockNemesis
from nemesis.operations import F
from nemesis.process import ProcessFault, ProcessNemesis
from targets.raftkv.client import RaftKVClient, RaftKVError
from targets.raftkv.db import RaftKVDB, fetch_status
from targets.raftkv.options import FakeTime, RaftKVOptions
from tests.nemesis.cluster import cluster, nemesis_op, until

pytestmark = [pytest.mark.integration]

PORT = 8000


@pytest.fixture(scope="module")
def raft(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunContext]:
    tmp = tmp_path_factory.mktemp("raft")
    db = RaftKVDB(RaftKVOptions(faketime=FakeTime.ON, ready_timeout_s=60.0))
    with cluster(tmp, db=db, nemesis=("clock", "kill", "pause")) as ctx:
        try:
            for node in ctx.nodes:
                db.start(ctx, node)
            assert until(lambda: bool(db.primaries(ctx)), timeout=30.0), "a leader is elected"
            yield ctx
        finally:
            for node in ctx.nodes:
                db.teardown(ctx, node)


def status(ctx: RunContext, node: str) -> dict[str, object] | None:
    return fetch_status(ctx.runtime.address(node), PORT, timeout=1.0)


def skew_of(seen: dict[str, object] | None) -> float:
    """How far the node's wall clock is from ours, in seconds."""
    assert seen is not None, "the node answers /status"
    wall = seen["wall_clock"]
    assert isinstance(wall, float | int)
    return float(wall) - time.time()


def only_node(value: object) -> str:
    assert isinstance(value, dict)
    nodes = value["nodes"]
    assert isinstance(nodes, list) and len(nodes) == 1 and isinstance(nodes[0], str)
    return nodes[0]


def index(seen: dict[str, object] | None, field: str) -> int:
    assert seen is not None
    value = seen[field]
    assert isinstance(value, int)
    return value


def put_retrying(ctx: RunContext, key: str, value: str) -> None:
    deadline = time.monotonic() + 30.0
    while True:
        for node in ctx.nodes:
            client = RaftKVClient(ctx.runtime.address(node), PORT, timeout=2.0)
            try:
                client.put(key, value)
                return
            except (RaftKVError, OSError):
                if time.monotonic() > deadline:
                    raise
            finally:
                client.close()
        time.sleep(0.1)


@pytest.mark.timeout(120)
def test_bumped_clock_shows_in_status_wall_clock(raft: RunContext) -> None:
    nemesis = ClockNemesis(seed=2).setup(raft)
    try:
        done = nemesis.invoke(raft, nemesis_op(F.BUMP_CLOCK,
                                               {"targets": "one", "delta_ms": 3_600_000}))
        bumped = only_node(done.value)
        other = next(n for n in raft.nodes if n != bumped)
        assert skew_of(status(raft, bumped)) == pytest.approx(3600, abs=60)
        assert skew_of(status(raft, other)) == pytest.approx(0, abs=60)
    finally:
        nemesis.teardown(raft)
    assert skew_of(status(raft, bumped)) == pytest.approx(0, abs=60)


@pytest.mark.timeout(120)
def test_a_rate_change_runs_the_clock_fast_and_reset_stops_it(raft: RunContext) -> None:
    nemesis = ClockNemesis(seed=2).setup(raft)
    try:
        done = nemesis.invoke(raft, nemesis_op(F.RATE_CLOCK, {"targets": "one", "rate": 5}))
        fast = only_node(done.value)
        time.sleep(1.0)
        assert skew_of(status(raft, fast)) > 2.0  # ~4 s gained per second
        reset = nemesis.invoke(raft, nemesis_op(F.RESET_CLOCK))
        assert isinstance(reset.value, dict) and reset.value.get("verified") is True, reset.value
        time.sleep(1.0)
        # back on the real clock for good (libfaketime's own rate kept drifting after a reset)
        assert skew_of(status(raft, fast)) == pytest.approx(0, abs=0.5)
    finally:
        nemesis.teardown(raft)


@pytest.mark.timeout(120)
def test_paused_node_does_not_answer_until_resumed(raft: RunContext) -> None:
    nemesis = ProcessNemesis(ProcessFault.PAUSE, seed=2).setup(raft)
    try:
        done = nemesis.invoke(raft, nemesis_op(F.PAUSE, {"targets": "one"}))
        paused = only_node(done.value)
        assert status(raft, paused) is None
        resumed = nemesis.invoke(raft, nemesis_op(F.RESUME))
        assert resumed.value == {"nodes": [paused]}
        assert until(lambda: status(raft, paused) is not None)
    finally:
        nemesis.teardown(raft)


@pytest.mark.timeout(180)
def test_killed_node_restarts_and_catches_up(raft: RunContext) -> None:
    nemesis = ProcessNemesis(ProcessFault.KILL, seed=2).setup(raft)
    try:
        put_retrying(raft, "before", "1")
        done = nemesis.invoke(raft, nemesis_op(F.KILL, {"targets": "one"}))
        killed = only_node(done.value)
        assert status(raft, killed) is None
        for i in range(20):
            put_retrying(raft, f"while-down-{i}", str(i))
        survivors = [s for n in raft.nodes if n != killed and (s := status(raft, n))]
        commit = max(index(s, "commit_index") for s in survivors)
        restarted = nemesis.invoke(raft, nemesis_op(F.START))
        assert restarted.value == {"nodes": [killed]}

        def caught_up() -> bool:
            s = status(raft, killed)
            return s is not None and index(s, "last_applied") >= commit

        assert until(caught_up, timeout=30.0)
    finally:
        nemesis.teardown(raft)
