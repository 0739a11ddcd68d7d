"""Elections: a single leader, split votes, pre-vote and check-quorum."""

from __future__ import annotations

import pytest

from targets.raftkv._core import Role
from targets.raftkv._messages import VoteRequest, VoteResponse
from tests.targets.raftkv.simnet import SimCluster


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_leader_is_elected_and_known_to_all(n: int, seed: int) -> None:
    cluster = SimCluster(n, seed=seed)
    leader = cluster.wait_leader()
    cluster.tick(5)
    term = cluster.core(leader).term
    for node_id in cluster.ids:
        assert cluster.core(node_id).leader_id == leader
        assert cluster.core(node_id).term == term
    assert cluster.leaders() == [leader]


def test_at_most_one_leader_per_term_under_random_faults() -> None:
    cluster = SimCluster(5, seed=7)
    cluster.loss = 0.2
    leaders_by_term: dict[int, set[str]] = {}
    for _ in range(400):
        cluster.tick()
        for node_id in cluster.leaders():
            leaders_by_term.setdefault(cluster.core(node_id).term, set()).add(node_id)
    assert leaders_by_term, "no leader was ever elected"
    assert all(len(ids) == 1 for ids in leaders_by_term.values()), leaders_by_term


def test_split_vote_elects_nobody_then_a_later_term_elects_a_leader() -> None:
    cluster = SimCluster(4, seed=3)
    # n1 and n2 time out together; n1's requests reach only n3, n2's only n4.
    cluster.drop = lambda m: (
        isinstance(m, VoteRequest)
        and not m.pre
        and ((m.src, m.dst) in {("n1", "n4"), ("n2", "n3"), ("n1", "n2"), ("n2", "n1")})
    )
    for node_id in ("n1", "n2"):
        cluster.tick_node(node_id, 2 * cluster.election_ticks)
    cluster.deliver_all()
    assert cluster.leaders() == []
    assert cluster.core("n1").role is Role.CANDIDATE
    assert cluster.core("n2").role is Role.CANDIDATE
    assert cluster.core("n1").term == cluster.core("n2").term == 1
    assert cluster.core("n3").vote == "n1"
    assert cluster.core("n4").vote == "n2"
    cluster.drop = None
    leader = cluster.wait_leader()
    assert cluster.core(leader).term >= 2


def test_pre_vote_keeps_a_rejoining_node_from_disrupting_the_leader() -> None:
    cluster = SimCluster(3, seed=5)
    leader = cluster.wait_leader()
    term = cluster.core(leader).term
    follower = next(i for i in cluster.ids if i != leader)
    cluster.isolate(follower)
    cluster.tick(10 * cluster.election_ticks)
    # The isolated node keeps trying pre-votes but never raises its term.
    assert cluster.core(follower).term == term
    assert cluster.core(follower).role is Role.PRE_CANDIDATE
    cluster.heal()
    cluster.tick(5 * cluster.election_ticks)
    assert cluster.leaders() == [leader]
    assert all(cluster.core(i).term == term for i in cluster.ids)
    assert cluster.core(follower).leader_id == leader


def test_followers_with_a_live_leader_refuse_pre_votes() -> None:
    cluster = SimCluster(3, seed=11)
    leader = cluster.wait_leader()
    term = cluster.core(leader).term
    follower = next(i for i in cluster.ids if i != leader)
    # The follower alone times out (its clock runs fast) while the leader is healthy.
    cluster.tick_node(follower, 3 * cluster.election_ticks)
    cluster.deliver_all()
    assert cluster.leaders() == [leader]
    assert cluster.core(leader).term == term


def test_isolated_leader_steps_down_and_the_majority_elects_another() -> None:
    cluster = SimCluster(5, seed=2)
    old = cluster.wait_leader()
    term = cluster.core(old).term
    cluster.isolate(old)
    cluster.tick(4 * cluster.election_ticks)
    assert cluster.core(old).role is not Role.LEADER
    others = [i for i in cluster.ids if i != old]
    new_leaders = [i for i in others if cluster.core(i).role is Role.LEADER]
    assert len(new_leaders) == 1
    assert cluster.core(new_leaders[0]).term > term
    cluster.heal()
    cluster.tick(3 * cluster.election_ticks)
    assert cluster.leaders() == new_leaders
    assert cluster.core(old).leader_id == new_leaders[0]


def test_crashed_leader_is_replaced() -> None:
    cluster = SimCluster(3, seed=4)
    old = cluster.wait_leader()
    cluster.crash(old)
    new = cluster.wait_leader()
    assert new != old


def test_vote_is_durable_across_a_crash() -> None:
    cluster = SimCluster(3, seed=8)
    cluster.tick_node("n1", 2 * cluster.election_ticks)
    cluster.deliver_all()
    assert cluster.core("n1").role is Role.LEADER
    voter = "n2"
    assert cluster.core(voter).vote == "n1"
    term = cluster.core(voter).term
    cluster.crash(voter)
    cluster.restart(voter)
    assert cluster.core(voter).term == term
    assert cluster.core(voter).vote == "n1"
    # Asked again in the same term by another candidate, it refuses.
    cluster.core(voter).step(
        VoteRequest(src="n3", dst=voter, term=term, pre=False, last_index=99, last_term=term)
    )
    ready = cluster.core(voter).ready()
    (reply,) = ready.messages
    assert isinstance(reply, VoteResponse)
    assert reply.granted is False
