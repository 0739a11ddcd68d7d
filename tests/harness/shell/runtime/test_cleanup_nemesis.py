from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness.shell import faketime
from harness.shell.runtime.cleanup import cleanup
from harness.shell.runtime.runstate import ProcessRecord, RunState
from nemesis.ledger import Ledger, leftovers


@pytest.mark.integration  # writes to /dev/shm
def test_cleanup_removes_faketime_files_of_dead_recorded_processes(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    state = RunState.create("ftclean", tmp_path)
    state.add_process(ProcessRecord(pid=dead.pid, start_time=1, node="n1", name="raftkv"))
    files = faketime.shm_files(dead.pid)
    for path in files:
        path.write_text("")
    try:
        summary = cleanup(state_dir=tmp_path, run_id="ftclean", force=True)
        (report,) = summary.runs
        assert sorted(report.removed) == sorted(f"file {p}" for p in files)
        assert not any(p.exists() for p in files)
    finally:
        for path in files:
            path.unlink(missing_ok=True)


def test_cleanup_settles_the_nemesis_ledger(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    Ledger(run_dir, "partition").record("partition", {"grudge": {"n1": ["n2"]}})
    state = RunState.create("ledger", tmp_path / "state")
    state.store_dir = str(run_dir)
    state.save()
    summary = cleanup(state_dir=tmp_path / "state", run_id="ledger", force=True)
    (report,) = summary.runs
    assert report.removed == (
        'nemesis partition: partition {"grudge": {"n1": ["n2"]}} (healed)',
    )
    assert leftovers(run_dir) == {}
