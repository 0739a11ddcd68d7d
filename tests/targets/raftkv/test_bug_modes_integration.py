"""Deliberate bugs produce their anomaly on real processes (and the correct mode does not)."""

from __future__ import annotations

import time

import pytest

from targets.raftkv.client import Indeterminate, RaftKVError
from targets.raftkv.local import LocalCluster

pytestmark = pytest.mark.integration


def read_when_available(cluster: LocalCluster, key: str) -> str | None:
    deadline = time.monotonic() + 20
    leader = cluster.wait_leader()
    with cluster.client(leader) as client:
        while True:
            try:
                return client.get(key)
            except RaftKVError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def lost_after_killing_everyone(bug: str | None) -> list[str]:
    """Ack 30 writes, kill -9 every node at once, restart: which acked keys are gone?"""
    with LocalCluster(3, bug=bug) as cluster:
        leader = cluster.wait_leader()
        with cluster.client(leader) as client:
            for k in range(30):
                client.put(f"key{k}", f"value{k}")
        for node_id in cluster.ids:
            cluster.kill_node(node_id)
        for node_id in cluster.ids:
            cluster.start_node(node_id, wait=False)
        for node_id in cluster.ids:
            cluster.wait_ready(node_id)
        return [
            f"key{k}" for k in range(30) if read_when_available(cluster, f"key{k}") != f"value{k}"
        ]


@pytest.mark.timeout(120)
def test_correct_mode_keeps_acked_writes_through_kill_9_of_every_node() -> None:
    assert lost_after_killing_everyone(None) == []


@pytest.mark.timeout(120)
def test_unsynced_writes_loses_acked_writes_on_kill_9_of_a_majority() -> None:
    assert lost_after_killing_everyone("unsynced-writes") != []


def ack_with_followers_down(bug: str | None) -> tuple[str, str | None]:
    """Kill both followers, write through the leader, kill it, restart the followers so they
    elect a new leader, restart the old one: what did the write return, and what does the key
    read afterwards?"""
    with LocalCluster(3, bug=bug) as cluster:
        leader = cluster.wait_leader()
        followers = [i for i in cluster.ids if i != leader]
        with cluster.client(leader) as client:
            client.put("k", "old")
            for node_id in followers:
                cluster.kill_node(node_id)
            try:
                client.put("k", "new")
                outcome = "ok"
            except Indeterminate:
                outcome = "indeterminate"
            except RaftKVError:
                outcome = "failed"
        cluster.kill_node(leader)
        for node_id in followers:
            cluster.start_node(node_id)
        cluster.wait_leader(exclude=[leader])
        cluster.start_node(leader)
        return outcome, read_when_available(cluster, "k")


@pytest.mark.timeout(120)
def test_ack_before_commit_acknowledges_a_write_that_is_then_lost() -> None:
    outcome, value = ack_with_followers_down("ack-before-commit")
    assert outcome == "ok"
    assert value == "old"


@pytest.mark.timeout(120)
def test_correct_mode_does_not_acknowledge_without_a_majority() -> None:
    outcome, value = ack_with_followers_down(None)
    assert outcome == "indeterminate"
    assert value in ("old", "new")


def read_from_a_lagging_survivor(bug: str | None) -> str | None:
    """Write v1, kill -9 a follower, write v2 (acked by the other two), kill -9 those two and
    restart the lagging follower alone: what does a read through it return?"""
    with LocalCluster(3, bug=bug) as cluster:
        leader = cluster.wait_leader()
        lagging, other = [i for i in cluster.ids if i != leader]
        with cluster.client(leader) as client:
            client.put("k", "v1")
            time.sleep(0.2)
            cluster.kill_node(lagging)
            client.put("k", "v2")
        cluster.kill_node(leader)
        cluster.kill_node(other)
        cluster.start_node(lagging)
        with cluster.client(lagging) as client:
            return client.get("k")


@pytest.mark.timeout(120)
def test_stale_reads_answers_from_local_state_without_a_leader() -> None:
    assert read_from_a_lagging_survivor("stale-reads") != "v2"


@pytest.mark.timeout(120)
def test_correct_mode_refuses_reads_without_a_leader() -> None:
    with pytest.raises(RaftKVError):
        read_from_a_lagging_survivor(None)
