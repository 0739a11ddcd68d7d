"""ReadIndex reads, and the lease-read weakness that clock skew exposes."""

from __future__ import annotations

import functools
from collections.abc import Callable

from targets.raftkv._core import Role
from tests.targets.raftkv.simnet import SimCluster


def test_leader_confirms_reads_with_a_heartbeat_round() -> None:
    cluster = SimCluster(3, seed=1)
    leader = cluster.wait_leader()
    cluster.propose(leader, "x=1")
    cluster.tick(2)
    commit = cluster.core(leader).commit_index
    assert cluster.core(leader).read_index(7)
    cluster.flush(leader)
    assert 7 not in cluster.nodes[leader].reads  # not before a majority answered
    cluster.deliver_all()
    assert cluster.nodes[leader].reads[7] == commit


def test_followers_refuse_read_index() -> None:
    cluster = SimCluster(3, seed=1)
    leader = cluster.wait_leader()
    follower = next(i for i in cluster.ids if i != leader)
    assert not cluster.core(follower).read_index(1)


def test_isolated_leader_never_confirms_a_read_and_fails_it_on_stepping_down() -> None:
    cluster = SimCluster(5, seed=2)
    leader = cluster.wait_leader()
    cluster.tick(2)
    cluster.isolate(leader)
    assert cluster.core(leader).read_index(3)
    cluster.tick(4 * cluster.election_ticks)
    assert 3 not in cluster.nodes[leader].reads
    assert 3 in cluster.nodes[leader].failed_reads
    assert cluster.core(leader).role is not Role.LEADER


def test_reads_wait_for_the_new_leader_to_commit_in_its_term() -> None:
    cluster = SimCluster(3, seed=3)
    cluster.tick_node("n1", 2 * cluster.election_ticks)
    cluster.flush("n1")
    # Deliver only the votes: n1 becomes leader but has not committed its no-op yet.
    while cluster.core("n1").role is not Role.LEADER:
        msg = cluster.in_flight.pop(0)
        cluster.core(msg.dst).step(msg)
        cluster.flush(msg.dst)
    assert cluster.core("n1").read_index(9)
    cluster.flush("n1")
    assert 9 not in cluster.nodes["n1"].reads
    cluster.deliver_all()
    cluster.tick(2)
    assert cluster.nodes["n1"].reads[9] >= 1  # at least the new term's no-op


def _lease_cluster() -> tuple[SimCluster, dict[str, float]]:
    """Each node's wall clock is a shared base time plus its own skew."""
    now = {"base": 1000.0}
    skew: dict[str, float] = {}

    def clock_of(node_id: str) -> float:
        return now["base"] + skew.get(node_id, 0.0)

    ids = [f"n{i + 1}" for i in range(3)]
    clocks: dict[str, Callable[[], float]] = {i: functools.partial(clock_of, i) for i in ids}
    cluster = SimCluster(3, seed=4, lease_clocks=clocks, lease_seconds=0.08)
    skew.update(dict.fromkeys(ids, 0.0))
    original_tick = cluster.tick

    def tick(n: int = 1) -> None:
        for _ in range(n):
            now["base"] += 0.01  # one tick = 10 ms of wall time
            original_tick(1)

    cluster.tick = tick  # type: ignore[method-assign]
    return cluster, skew


def test_lease_reads_are_served_without_a_round_while_the_lease_lasts() -> None:
    cluster, _skew = _lease_cluster()
    leader = cluster.wait_leader()
    cluster.tick(3)
    assert cluster.core(leader).read_index(1)
    cluster.flush(leader)
    assert 1 in cluster.nodes[leader].reads  # answered at once, no heartbeat round


def test_lease_reads_go_stale_when_the_leaders_clock_jumps_back() -> None:
    """Bug mode ``lease-reads``: an isolated leader with a clock set back keeps its lease."""
    cluster, skew = _lease_cluster()
    old = cluster.wait_leader()
    cluster.propose(old, "x=1")
    cluster.tick(3)
    skew[old] = -60.0
    cluster.isolate(old)
    cluster.tick(6 * cluster.election_ticks)
    new = next(i for i in cluster.ids if i != old and cluster.core(i).role is Role.LEADER)
    cluster.propose(new, "x=2")
    cluster.tick(2)
    assert "x=2" in cluster.applied_data(new)
    # The old leader still believes in its lease: it answers a read from its stale state.
    assert cluster.core(old).role is Role.LEADER
    assert cluster.core(old).read_index(5)
    cluster.flush(old)
    assert cluster.nodes[old].reads[5] < cluster.core(new).commit_index
    assert "x=2" not in cluster.applied_data(old)


def test_without_lease_the_isolated_leader_refuses_reads() -> None:
    cluster = SimCluster(3, seed=4)
    old = cluster.wait_leader()
    cluster.tick(3)
    cluster.isolate(old)
    cluster.tick(6 * cluster.election_ticks)
    assert cluster.core(old).role is not Role.LEADER
    assert not cluster.core(old).read_index(5)
