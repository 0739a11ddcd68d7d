"""The example plugin, installed from its own folder, run by name end to end under partitions:
real namespace nodes, real server processes, real iptables rules, the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.kernel.jsonl import read_jsonl
from harness.kernel.ops import OpType

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"


@pytest.mark.integration
@pytest.mark.timeout(240)
def test_example_kv_runs_by_name_and_is_valid_under_partitions(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SPLITBRAIN), "run", "--target", "example-kv", "--nemesis", "partition",
         "--nemesis-opt", "interval=1.5", "--nodes", "3", "--concurrency", "5", "--rate", "100",
         "--time-limit", "8", "--seed", "21", "--store", str(tmp_path / "store")],
        capture_output=True, text=True, timeout=200, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verdict: valid" in done.stdout
    (run_dir,) = (tmp_path / "store" / "example-kv-register-partition").iterdir()
    assert json.loads((run_dir / "test.json").read_text())["test"]["target"] == "example-kv"
    history = read_jsonl(run_dir / "history.jsonl")
    ok = [op for op in history.operations() if op.type is OpType.OK]
    assert len(ok) > 100, len(ok)
    assert {op.f for op in ok} == {"read", "write", "cas"}
    cuts = [op for op in history if op.f == "start-partition" and isinstance(op.value, dict)
            and "grudge" in op.value]
    assert cuts, "no partition was applied"
    for node in ("n1", "n2", "n3"):
        log = (run_dir / "nodes" / node / "server.log").read_text()
        assert ("primary" if node == "n1" else "replica") in log
