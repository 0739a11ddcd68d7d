"""The Raft KV under the set and counter workloads: correct mode stays valid, replicas converge."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers.verdict import Verdict
from harness.kernel.config import TestConfig, options
from harness.kernel.intranges import plain_set_reads
from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType
from harness.shell.run import run_test

NODES = ("n1", "n2", "n3")


@pytest.mark.integration
@pytest.mark.timeout(180)
@pytest.mark.parametrize(("workload", "nemesis"), [("set", ("partition",)), ("counter", ())])
def test_valid_with_final_reads_on_every_node(tmp_path: Path, workload: str,
                                              nemesis: tuple[str, ...]) -> None:
    test = TestConfig(
        name="it-raftkv", target="raftkv", workload=workload, nemesis=nemesis, nodes=NODES,
        concurrency=6, time_limit=8.0 if nemesis else 3.0, rate=100, seed=61,
        store=tmp_path / "store",
        nemesis_options=options({"interval": "2", "recovery": "2"} if nemesis else {}),
        workload_options=options({"final-wait": "1"}),
    )
    outcome = run_test(test, state_dir=tmp_path / "state")
    assert outcome.verdict is Verdict.VALID, outcome.results
    history = plain_set_reads(read_jsonl(outcome.run_dir / "history.jsonl"))
    finals = [op for op in history.operations() if op.f == "final-read" and op.type is OpType.OK]
    assert sorted(op.node or "" for op in finals) == list(NODES)
    assert len({str(op.output) for op in finals}) == 1
    adds = [op for op in history.operations() if op.f == "add" and op.type is OpType.OK]
    assert len(adds) > 20
