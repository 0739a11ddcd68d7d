"""The transactional workloads end to end on real clusters in namespaces (root): the Raft KV's
transactions are strict serializable under partitions and kills, its bug mode is caught, and
Redis MULTI/EXEC is checked under partitions with whatever is found reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers.elle import TxnCheckResult
from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.kernel.jsontypes import JSON
from harness.shell.run import run_test
from harness.shell.run_results import RunResults


def _txn_result(results: RunResults, workload: str) -> dict[str, JSON]:
    part = results.checker(workload)
    assert isinstance(part, TxnCheckResult), part
    return part.to_json()


def _run(tmp_path: Path, **kw: object) -> tuple[Verdict, dict[str, JSON]]:
    workload = str(kw.get("workload", "list-append"))
    test = TestConfig(**{"name": "it-txn", "workload": workload, "concurrency": 5,
                         "rate": 100, "store": tmp_path / "store", **kw})  # type: ignore[arg-type]
    outcome = run_test(test, state_dir=tmp_path / "state")
    return outcome.verdict, _txn_result(outcome.results, workload)


@pytest.mark.integration
@pytest.mark.timeout(300)
@pytest.mark.parametrize("workload", ["list-append", "rw-register"])
def test_raftkv_transactions_are_strict_serializable_under_partitions_and_kills(
        tmp_path: Path, workload: str) -> None:
    verdict, found = _run(tmp_path, target="raftkv", workload=workload,
                          nemesis=("partition", "kill"), nodes=("n1", "n2", "n3"),
                          time_limit=15.0, seed=3,
                          nemesis_options=options({"interval": "2", "recovery": "3"}))
    assert found["anomalies"] == [], found["findings"]
    assert "strict-serializable" in found["possible"]  # type: ignore[operator]
    assert isinstance(found["txn-count"], int) and found["txn-count"] > 200
    assert verdict is Verdict.VALID


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_raftkv_reads_outside_the_log_are_caught(tmp_path: Path) -> None:
    verdict, found = _run(tmp_path, target="raftkv", nemesis=("partition",),
                          nodes=("n1", "n2", "n3"), time_limit=10.0, seed=1,
                          target_options=options({"bug": "txn-reads-outside-log"}))
    assert verdict is Verdict.INVALID
    anomalies = set(found["anomalies"])  # type: ignore[arg-type]
    assert anomalies & {"G-single", "G2-item", "G-nonadjacent"}, anomalies
    assert "serializable" in found["also-not"] or "serializable" in found["not"]  # type: ignore[operator]


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_redis_multi_exec_without_faults_is_valid_and_under_partition_is_reported(
        tmp_path: Path) -> None:
    verdict, found = _run(tmp_path / "quiet", target="redis", nodes=("n1", "n2", "n3"),
                          time_limit=5.0, seed=2)
    assert verdict is Verdict.VALID, found["findings"]
    verdict, found = _run(tmp_path / "partition", target="redis", nemesis=("partition",),
                          nodes=("n1", "n2", "n3"), time_limit=20.0, seed=1)
    # Shown honestly, not asserted: a failover loses appends acknowledged by the isolated
    # primary (incompatible-order, cycles); what a given schedule shows varies.
    print("redis list-append under partition:", verdict.value, found["anomalies"])
    assert isinstance(found["txn-count"], int) and found["txn-count"] > 100
    assert verdict in (Verdict.VALID, Verdict.INVALID)


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_etcd_txns_under_partitions_and_kills_are_reported(tmp_path: Path) -> None:
    verdict, found = _run(tmp_path, target="etcd", nemesis=("partition", "kill"),
                          nodes=("n1", "n2", "n3"), time_limit=15.0, seed=1)
    # Optimistic etcd txns (compare every key's revision) should be strict serializable; what
    # the run finds is printed and the verdict asserted only to be a decided one.
    print("etcd list-append under partition,kill:", verdict.value, found["anomalies"])
    assert isinstance(found["txn-count"], int) and found["txn-count"] > 100
    assert verdict in (Verdict.VALID, Verdict.INVALID)
