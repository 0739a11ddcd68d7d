"""End to end: a plain `splitbrain run` injects faults, verified, and shows them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.kernel.jsonl import read_jsonl

SPLITBRAIN = Path(sys.executable).parent / "splitbrain"


@pytest.mark.integration
@pytest.mark.timeout(180)
def test_plain_run_records_verified_nemesis_ops(tmp_path: Path) -> None:
    env = {**os.environ, "SPLITBRAIN_STATE_DIR": str(tmp_path / "state")}
    proc = subprocess.run(
        [str(SPLITBRAIN), "run", "--nodes", "3", "--concurrency", "5", "--rate", "100",
         "--time-limit", "15", "--nemesis-opt", "interval=2", "--seed", "21",
         "--store", str(tmp_path / "store")],
        env=env, capture_output=True, text=True, timeout=170, check=False,
    )
    assert proc.returncode in (0, 2), proc.stderr[-3000:]  # correct Raft KV: never invalid
    assert "faults: partition, kill, pause, clock" in proc.stderr
    run_dir = next((tmp_path / "store").glob("raftkv-register/*/"))
    assert json.loads((run_dir / "test.json").read_text())["test"]["nemesis"] == [
        "partition", "kill", "pause", "clock"]
    nemesis = read_jsonl(run_dir / "history.jsonl").nemesis_ops()
    starts = {op.f for op in nemesis}
    assert {"start-partition", "kill", "pause"} <= starts, starts
    # completions of fault starts carry their verification, and it held
    checked = [op.value for op in nemesis if op.f in ("start-partition", "kill", "pause")
               and isinstance(op.value, dict) and "verified" in op.value]
    assert checked, "no verification recorded"
    assert all(v["verified"] is True for v in checked), checked
    results = json.loads((run_dir / "results.json").read_text())
    assert all(n > 0 for n in results["coverage"]["faults_applied"].values()), results
