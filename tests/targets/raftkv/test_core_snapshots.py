"""Snapshots: compaction, InstallSnapshot to a lagging follower, recovery from a snapshot."""

from __future__ import annotations

from collections.abc import Callable

from targets.raftkv._messages import Message, SnapshotRequest
from tests.targets.raftkv.simnet import SimCluster


def recorder(sent: list[SnapshotRequest]) -> Callable[[Message], bool]:
    """A network filter that drops nothing and records every InstallSnapshot on its way."""

    def record(msg: Message) -> bool:
        if isinstance(msg, SnapshotRequest):
            sent.append(msg)
        return False

    return record


def test_lagging_follower_catches_up_through_install_snapshot() -> None:
    cluster = SimCluster(3, seed=2, max_entries_per_message=10)
    leader = cluster.wait_leader()
    lagging = next(i for i in cluster.ids if i != leader)
    cluster.crash(lagging)
    for k in range(100):
        cluster.propose(leader, f"v{k}")
    cluster.tick(2)
    snap = cluster.compact(leader)
    assert cluster.core(leader).log.snapshot_index == snap.index >= 100
    for k in range(100, 110):
        cluster.propose(leader, f"v{k}")
    cluster.tick(2)
    sent: list[SnapshotRequest] = []
    cluster.drop = recorder(sent)
    cluster.restart(lagging)
    cluster.tick(4 * cluster.election_ticks)
    assert [m.dst for m in sent] and all(m.dst == lagging for m in sent)
    follower = cluster.core(lagging)
    assert follower.log.snapshot_index == snap.index
    assert follower.commit_index == cluster.core(leader).commit_index
    # The follower applied the snapshot, then the entries after it.
    assert cluster.nodes[lagging].applied[0].data == f"snapshot@{snap.index}"
    assert cluster.applied_data(lagging)[1:] == [f"v{k}" for k in range(100, 110)]
    assert cluster.nodes[lagging].disk.snapshot == snap
    cluster.check_log_matching()


def test_node_recovers_from_snapshot_and_the_log_after_it() -> None:
    cluster = SimCluster(3, seed=3)
    leader = cluster.wait_leader()
    for k in range(30):
        cluster.propose(leader, f"v{k}")
    cluster.tick(2)
    follower = next(i for i in cluster.ids if i != leader)
    snap = cluster.compact(follower)
    for k in range(30, 40):
        cluster.propose(leader, f"v{k}")
    cluster.tick(2)
    cluster.crash(follower)
    cluster.restart(follower)
    core = cluster.core(follower)
    assert core.log.snapshot_index == snap.index
    assert core.log.last_index == cluster.core(leader).log.last_index
    cluster.tick(3)
    assert cluster.applied_data(follower) == [f"v{k}" for k in range(30, 40)]


def test_compaction_keeps_replication_going_for_a_follower_that_is_not_behind() -> None:
    cluster = SimCluster(3, seed=4)
    leader = cluster.wait_leader()
    for k in range(20):
        cluster.propose(leader, f"a{k}")
    cluster.tick(2)
    cluster.compact(leader)
    sent: list[SnapshotRequest] = []
    cluster.drop = recorder(sent)
    for k in range(20):
        cluster.propose(leader, f"b{k}")
    cluster.tick(3)
    assert sent == []  # up-to-date followers get entries, not snapshots
    for node_id in cluster.ids:
        assert cluster.applied_data(node_id)[-20:] == [f"b{k}" for k in range(20)]
