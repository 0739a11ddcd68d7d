"""The targets on docker nodes, end to end through ``run_test``: the Raft KV (correct and
``stale-reads``), etcd with linearizable reads, Redis+Sentinel losing acknowledged writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers.eventual import SetResult
from checkers.verdict import Verdict
from harness.kernel.config import RuntimeKind, TestConfig, options
from harness.shell.run import run_test
from harness.shell.run_results import RunResults
from harness.shell.runtime.docker._runtime import ip_forward

pytestmark = [pytest.mark.integration]


def _run(tmp_path: Path, **kw: object) -> tuple[Verdict, Path]:
    forward = ip_forward()
    test = TestConfig(name="docker-test", store=tmp_path / "store", runtime=RuntimeKind.DOCKER,
                      **kw)  # type: ignore[arg-type]
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert ip_forward() == forward
    assert list((tmp_path / "state").glob("*.json")) == []  # torn down
    return outcome.verdict, outcome.run_dir


@pytest.mark.timeout(300)
def test_raftkv_on_5_docker_nodes_is_valid_under_every_process_fault(
    tmp_path: Path, node_image: str
) -> None:
    verdict, run_dir = _run(
        tmp_path, target="raftkv", workload="register", seed=3,
        nemesis=("partition", "kill", "pause", "clock"), time_limit=20, rate=100,
        nemesis_options=options({"interval": "2", "recovery": "3"}),
    )
    assert verdict is Verdict.VALID, (run_dir / "results.json").read_text()
    history = (run_dir / "history.jsonl").read_text()
    for f in ("start-partition", '"kill"', '"pause"', "clock"):
        assert f in history, f
    for node in ("n1", "n2", "n3", "n4", "n5"):  # node logs collected into the store
        assert (run_dir / "nodes" / node / "raftkv.log").stat().st_size > 0


@pytest.mark.timeout(240)
def test_raftkv_stale_reads_are_found_on_docker_nodes(tmp_path: Path, node_image: str) -> None:
    verdict, run_dir = _run(
        tmp_path, target="raftkv", workload="register", seed=1, nodes=("n1", "n2", "n3"),
        nemesis=("partition",), time_limit=12, rate=100, concurrency=5,
        target_options=options({"bug": "stale-reads"}),
        nemesis_options=options({"interval": "2", "recovery": "2"}),
    )
    assert verdict is Verdict.INVALID, (run_dir / "results.json").read_text()


@pytest.mark.timeout(240)
def test_etcd_with_linearizable_reads_is_valid_on_docker_nodes(
    tmp_path: Path, node_image: str
) -> None:
    verdict, run_dir = _run(
        tmp_path, target="etcd", workload="register", seed=2, nodes=("n1", "n2", "n3"),
        nemesis=("partition", "kill"), time_limit=15, rate=100, concurrency=5,
        nemesis_options=options({"interval": "3", "recovery": "3"}),
    )
    assert verdict is Verdict.VALID, (run_dir / "results.json").read_text()
    assert (run_dir / "nodes" / "n1" / "etcd.log").stat().st_size > 0


@pytest.mark.timeout(300)
def test_redis_sentinel_loses_acknowledged_writes_on_docker_nodes(
    tmp_path: Path, node_image: str
) -> None:
    verdict, run_dir = _run(
        tmp_path, target="redis", workload="set", seed=4, nodes=("n1", "n2", "n3"),
        nemesis=("partition",), time_limit=20, rate=100, concurrency=5,
        workload_options=options({"final-wait": "20"}),
        nemesis_options=options({"interval": "8", "topologies": "isolate-primary"}),
    )
    results = RunResults.read(run_dir / "results.json")
    assert verdict is Verdict.INVALID, results
    found = results.checker("set")
    assert isinstance(found, SetResult) and found.lost, found
