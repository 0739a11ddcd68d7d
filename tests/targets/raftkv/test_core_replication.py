"""Log replication, conflict repair, the commit rule (Figure 8) and recovery from disk."""

from __future__ import annotations

import pytest

from targets.raftkv._core import Role
from targets.raftkv._messages import AppendRequest, AppendResponse, Heartbeat
from tests.targets.raftkv.simnet import SimCluster


@pytest.mark.parametrize("async_disk", [False, True])
def test_entries_are_replicated_and_applied_in_order_everywhere(async_disk: bool) -> None:
    cluster = SimCluster(5, seed=1, async_disk=async_disk)
    leader = cluster.wait_leader()
    for k in range(250):
        assert cluster.propose(leader, f"v{k}") is not None
    cluster.tick(3)
    expected = [f"v{k}" for k in range(250)]
    for node_id in cluster.ids:
        assert cluster.applied_data(node_id) == expected


def test_followers_refuse_proposals() -> None:
    cluster = SimCluster(3, seed=1)
    leader = cluster.wait_leader()
    follower = next(i for i in cluster.ids if i != leader)
    assert cluster.propose(follower, "x") is None


def test_divergent_uncommitted_entries_are_repaired() -> None:
    cluster = SimCluster(5, seed=3, max_entries_per_message=7)
    old = cluster.wait_leader()
    cluster.propose(old, "common")
    cluster.tick(2)
    buddy = next(i for i in cluster.ids if i != old)
    majority = set(cluster.ids) - {old, buddy}
    cluster.partition({old, buddy}, majority)
    for k in range(40):
        cluster.propose(old, f"lost{k}")
    cluster.tick(1)
    assert cluster.core(buddy).log.last_index >= 40  # the minority holds divergent entries
    cluster.tick(4 * cluster.election_ticks)
    new = next(i for i in majority if cluster.core(i).role is Role.LEADER)
    for k in range(30):
        cluster.propose(new, f"kept{k}")
    cluster.tick(2)
    cluster.heal()
    cluster.tick(4 * cluster.election_ticks)
    expected = ["common"] + [f"kept{k}" for k in range(30)]
    for node_id in cluster.ids:
        assert cluster.applied_data(node_id) == expected, node_id
    leader = cluster.leaders()[0]
    for node_id in cluster.ids:
        assert cluster.core(node_id).log.last_index == cluster.core(leader).log.last_index
    cluster.check_log_matching()


def test_fast_backup_skips_a_whole_conflicting_term() -> None:
    cluster = SimCluster(5, seed=9, max_entries_per_message=500)
    old = cluster.wait_leader()
    cluster.tick(2)
    buddy = next(i for i in cluster.ids if i != old)
    majority = set(cluster.ids) - {old, buddy}
    cluster.partition({old, buddy}, majority)
    for k in range(200):
        cluster.propose(old, f"lost{k}")
    cluster.tick(4 * cluster.election_ticks)
    new = next(i for i in majority if cluster.core(i).role is Role.LEADER)
    for k in range(200):
        cluster.propose(new, f"kept{k}")
    cluster.tick(2)
    # A fresh election on the majority side: the new leader starts probing at its log's end.
    cluster.forget_leader(*majority)
    new = cluster.wait_leader()
    assert new in majority
    rejections: list[AppendResponse] = []

    def spy(msg: object) -> bool:
        if isinstance(msg, AppendResponse) and not msg.success and msg.rejected:
            rejections.append(msg)
        return False

    cluster.drop = spy
    cluster.heal()
    cluster.tick(4 * cluster.election_ticks)
    assert cluster.leaders() == [new]
    # 200 conflicting entries per follower are skipped in one step per term, not one by one.
    assert 1 <= len(rejections) <= 6
    for node_id in cluster.ids:
        assert cluster.applied_data(node_id)[-1] == "kept199"
    cluster.check_log_matching()


def test_repair_after_restart_with_a_lagging_follower() -> None:
    cluster = SimCluster(3, seed=4, max_entries_per_message=16)
    leader = cluster.wait_leader()
    lagging = next(i for i in cluster.ids if i != leader)
    cluster.crash(lagging)
    for k in range(300):
        cluster.propose(leader, f"v{k}")
    cluster.tick(2)
    cluster.restart(lagging)
    cluster.tick(4 * cluster.election_ticks)
    assert cluster.applied_data(lagging) == [f"v{k}" for k in range(300)]


def test_figure_8_old_term_entry_is_not_committed_by_counting_replicas() -> None:
    """Raft paper, Figure 8: an entry of an older term on a majority is not committed."""
    cluster = SimCluster(5, seed=6, max_entries_per_message=1)
    s1, s2, s3, s4, s5 = cluster.ids
    cluster.tick_node(s1, 2 * cluster.election_ticks)
    cluster.deliver_all()
    assert cluster.leaders() == [s1]
    cluster.tick(2)
    # (a) S1 (term 1 leader) replicates entry "a" at index 2 to S2 only.
    cluster.partition({s1, s2}, {s3, s4, s5})
    index, term_a = cluster.propose(s1, "a") or (0, 0)
    cluster.deliver_all()
    assert cluster.core(s2).log.term_at(index) == term_a
    # (b) S1 crashes; S5 is elected by S3, S4 and appends its no-op at index 2 (locally only).
    # (Restarts make S3, S4 forget the leader, so that they grant pre-votes at once.)
    cluster.crash(s1)
    cluster.forget_leader(s3, s4)
    cluster.partition({s3, s4, s5}, {s2}, {s1})
    cluster.drop = lambda m: m.src == s5 and isinstance(m, AppendRequest | Heartbeat)
    cluster.tick_node(s5, 2 * cluster.election_ticks)
    cluster.deliver_all()
    assert cluster.core(s5).role is Role.LEADER
    assert cluster.core(s5).log.term_at(index) == cluster.core(s5).term > term_a
    # (c) S5 crashes, S1 restarts and is elected (S2, S3); it brings "a" to S3 (not its no-op,
    # which reaches S2 only): "a" is on S1, S2, S3, the no-op on S1, S2.
    cluster.crash(s5)
    cluster.restart(s1)
    cluster.forget_leader(s2, s3)
    cluster.drop = None
    cluster.partition({s1, s2, s3}, {s4}, {s5})
    cluster.drop = lambda m: (
        isinstance(m, AppendRequest) and m.dst == s3 and any(e.data != "a" for e in m.entries)
    )
    for _ in range(5):  # S1 first learns S5's higher term from a refused pre-vote
        cluster.tick_node(s1, 2 * cluster.election_ticks)
        cluster.deliver_all()
        if cluster.core(s1).role is Role.LEADER:
            break
    for _ in range(8):  # heartbeats reveal that S3 lags; the re-probe carries only "a"
        cluster.tick_node(s1, cluster.heartbeat_ticks)
        cluster.deliver_all()
    assert cluster.core(s1).role is Role.LEADER
    assert all(cluster.core(i).log.term_at(index) == term_a for i in (s1, s2, s3))
    # "a" sits on a majority but is from an older term: it must not be committed.
    assert cluster.core(s1).commit_index < index
    assert "a" not in cluster.applied_data(s1)
    # (d) S1 crashes; S5 restarts and wins with S2, S3, S4, overwriting "a".
    cluster.crash(s1)
    cluster.restart(s5)
    cluster.forget_leader(s2, s3, s4)
    cluster.drop = None
    cluster.partition({s2, s3, s4, s5}, {s1})
    for _ in range(5):
        cluster.tick_node(s5, 2 * cluster.election_ticks)
        cluster.deliver_all()
        if cluster.core(s5).role is Role.LEADER:
            break
    assert cluster.core(s5).role is Role.LEADER
    cluster.tick(3)
    for node_id in (s2, s3, s4, s5):
        assert "a" not in cluster.applied_data(node_id)
        assert cluster.core(node_id).log.term_at(index) != term_a
    cluster.check_log_matching()


def test_figure_8_entry_commits_with_an_entry_of_the_current_term() -> None:
    cluster = SimCluster(5, seed=6, max_entries_per_message=1)
    s1, s2, s3, _s4, _s5 = cluster.ids
    cluster.tick_node(s1, 2 * cluster.election_ticks)
    cluster.deliver_all()
    cluster.tick(2)
    cluster.partition({s1, s2}, set(cluster.ids) - {s1, s2})
    cluster.propose(s1, "a")
    cluster.deliver_all()
    cluster.crash(s1)
    cluster.restart(s1)
    cluster.forget_leader(s2, s3)
    cluster.partition({s1, s2, s3}, set(cluster.ids) - {s1, s2, s3})
    cluster.tick_node(s1, 2 * cluster.election_ticks)
    cluster.deliver_all()
    cluster.tick(3)
    assert cluster.core(s1).role is Role.LEADER
    assert cluster.applied_data(s1) == ["a"]  # committed together with the term's no-op
    assert cluster.core(s1).log.term_at(cluster.core(s1).commit_index) == cluster.core(s1).term


def test_committed_entries_survive_a_full_cluster_crash() -> None:
    cluster = SimCluster(3, seed=12)
    leader = cluster.wait_leader()
    for k in range(20):
        cluster.propose(leader, f"v{k}")
    cluster.tick(2)
    for node_id in cluster.ids:
        cluster.crash(node_id)
    for node_id in cluster.ids:
        cluster.restart(node_id)
        assert cluster.core(node_id).log.last_index >= 21
    leader = cluster.wait_leader()
    cluster.propose(leader, "after")
    cluster.tick(3)
    for node_id in cluster.ids:
        assert cluster.applied_data(node_id) == [f"v{k}" for k in range(20)] + ["after"]


@pytest.mark.parametrize("async_disk", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_safety_under_random_partitions_crashes_and_loss(seed: int, async_disk: bool) -> None:
    cluster = SimCluster(5, seed=seed, max_entries_per_message=5, async_disk=async_disk)
    rng = cluster.rng
    proposed = 0
    for _round in range(60):
        action = rng.random()
        if action < 0.15:
            ids = list(cluster.ids)
            rng.shuffle(ids)
            cut = rng.randrange(1, len(ids))
            cluster.partition(set(ids[:cut]), set(ids[cut:]))
        elif action < 0.25:
            cluster.heal()
        elif action < 0.32:
            victim = rng.choice(cluster.ids)
            cluster.crash(victim)
            cluster.restart(victim)
        cluster.loss = rng.choice([0.0, 0.0, 0.1, 0.3])
        for node_id in cluster.leaders():
            for _ in range(rng.randrange(4)):
                cluster.propose(node_id, f"p{proposed}")
                proposed += 1
        cluster.tick(rng.randrange(1, 8))
        cluster.check_log_matching()
    cluster.heal()
    cluster.loss = 0.0
    leader = cluster.wait_leader()
    cluster.propose(leader, "final")
    cluster.tick(6 * cluster.election_ticks)
    histories = [cluster.applied_data(i) for i in cluster.ids if cluster.nodes[i].up]
    longest = max(histories, key=len)
    assert longest[-1] == "final"
    for history in histories:
        assert history == longest
    assert len(set(longest)) == len(longest)


def test_leader_counts_its_own_copy_only_once_durable() -> None:
    """With a slow disk, one follower's ack is not a majority until the leader's write lands."""
    cluster = SimCluster(3, seed=5, async_disk=True)
    leader = cluster.wait_leader()
    cluster.tick(2)
    f1, f2 = (i for i in cluster.ids if i != leader)
    cluster.crash(f2)
    index, _term = cluster.propose(leader, "x") or (0, 0)
    assert cluster.nodes[leader].disk_queue, "the leader's write is still pending"
    # Deliver messages and complete only f1's disk writes.
    for _ in range(50):
        while cluster.in_flight:
            msg = cluster.in_flight.pop(0)
            if cluster.nodes[msg.dst].up:
                cluster.core(msg.dst).step(msg)
                cluster.flush(msg.dst)
        cluster.complete_disk(f1)
    assert cluster.core(f1).log.term_at(index) is not None
    assert cluster.core(leader).commit_index < index
    cluster.complete_disk(leader)
    cluster.deliver_all()
    assert cluster.core(leader).commit_index >= index
    assert "x" in cluster.applied_data(leader)
