"""Real processes on loopback: kill -9 and restart of the leader and of a minority lose no
acknowledged write."""

from __future__ import annotations

import threading
import time

import pytest

from targets.raftkv.client import Indeterminate, RaftKVClient, Unavailable
from targets.raftkv.local import LocalCluster

pytestmark = pytest.mark.integration


class Writer(threading.Thread):
    """Writes unique values to its own keys through one node, remembering what was acked."""

    def __init__(self, client: RaftKVClient, name: str) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.name_ = name
        self.acked: dict[str, str] = {}
        self.attempted: dict[str, set[str]] = {}
        self.stop = threading.Event()
        self.errors = 0

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            key = f"{self.name_}-{n % 20}"
            value = f"{self.name_}-v{n}"
            n += 1
            self.attempted.setdefault(key, set()).add(value)
            try:
                self.client.put(key, value)
            except (Unavailable, Indeterminate):
                self.errors += 1
                time.sleep(0.02)
                continue
            self.acked[key] = value


def seqno(value: str) -> int:
    return int(value.rsplit("-v", 1)[1])


def read_back(cluster: LocalCluster, node_id: str, key: str) -> str | None:
    deadline = time.monotonic() + 20
    with cluster.client(node_id) as client:
        while True:
            try:
                return client.get(key)
            except (Unavailable, Indeterminate):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


@pytest.mark.timeout(180)
def test_five_nodes_survive_kill_9_of_leader_and_minority_without_losing_acked_writes() -> None:
    with LocalCluster(5, snapshot_every=300) as cluster:
        leader = cluster.wait_leader()
        writers = [Writer(cluster.client(node_id), node_id) for node_id in cluster.ids]
        for w in writers:
            w.start()
        time.sleep(1.0)
        # kill -9 the leader, let the others elect a new one, restart it.
        cluster.kill_node(leader)
        new_leader = cluster.wait_leader(exclude=[leader])
        time.sleep(1.0)
        cluster.start_node(leader)
        # kill -9 a minority (two followers), then restart them.
        minority = [i for i in cluster.ids if i != new_leader][:2]
        for node_id in minority:
            cluster.kill_node(node_id)
        time.sleep(1.0)
        for node_id in minority:
            cluster.start_node(node_id)
        # kill -9 the current leader once more, while everyone writes.
        current = cluster.wait_leader()
        cluster.kill_node(current)
        cluster.wait_leader(exclude=[current])
        cluster.start_node(current)
        time.sleep(1.0)
        for w in writers:
            w.stop.set()
        for w in writers:
            w.join(10)
        acked = {k: v for w in writers for k, v in w.acked.items()}
        assert len(acked) >= 20, "too few writes were acknowledged to prove anything"
        final_leader = cluster.wait_leader()
        for key, value in sorted(acked.items()):
            got = read_back(cluster, final_leader, key)
            # The last acked value, or a later write whose outcome was unknown.
            writer = next(w for w in writers if key.startswith(w.name_ + "-"))
            assert got is not None, (key, value)
            assert got in writer.attempted[key], (key, got)
            assert seqno(got) >= seqno(value), (key, value, got)
        # Every node, including the restarted ones, catches up with the leader.
        with cluster.client(final_leader) as client:
            target = int(str(client.status()["commit_index"]))
        deadline = time.monotonic() + 30
        for node_id in cluster.ids:
            with cluster.client(node_id) as client:
                while int(str(client.status()["last_applied"])) < target:
                    assert time.monotonic() < deadline, f"{node_id} did not catch up"
                    time.sleep(0.1)
        for w in writers:
            w.client.close()


@pytest.mark.timeout(120)
def test_multi_key_read_through_leader_and_follower() -> None:
    with LocalCluster(3) as cluster:
        leader = cluster.wait_leader()
        follower = next(i for i in cluster.ids if i != leader)
        with cluster.client(leader) as client:
            client.put("a", "1")
            client.put("c", "3")
        for node_id in (leader, follower):  # a follower forwards the read to the leader
            with cluster.client(node_id) as client:
                assert client.get_many(["a", "b", "c"]) == ["1", None, "3"]
                assert client.get_many([]) == []
        with cluster.client(follower) as client, pytest.raises(Unavailable, match="keys"):
            client._request("POST", "/read", {"keys": "a"})
