"""Remove what crashed runs left behind: only what their run-state files record."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import faketime
from harness.runtime import runstate
from harness.runtime.netns import kill_recorded, remove_network
from nemesis import ledger


@dataclass(frozen=True, kw_only=True, slots=True)
class CleanupReport:
    run_id: str
    removed: tuple[str, ...] = ()
    skipped: str | None = None
    """Why the run was left alone (e.g. its controller is still running)."""
    store_dir: str | None = None
    """The run's directory in the store (its history prefix is kept there)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CleanupSummary:
    runs: tuple[CleanupReport, ...] = field(default=())
    errors: tuple[str, ...] = ()


def cleanup(
    *, state_dir: Path | None = None, run_id: str | None = None, force: bool = False
) -> CleanupSummary:
    """Clean up every dead run (or just ``run_id``); live runs are skipped unless ``force``."""
    reports: list[CleanupReport] = []
    errors: list[str] = []
    for path in runstate.all_states(state_dir):
        try:
            state = runstate.load(path)
        except runstate.RunStateError as e:
            errors.append(str(e))
            continue
        if run_id is not None and state.run_id != run_id:
            continue
        if runstate.controller_alive(state) and not force:
            reports.append(CleanupReport(
                run_id=state.run_id,
                skipped=f"its controller (pid {state.controller_pid}) is still running",
            ))
            continue
        removed = kill_recorded(state)
        if removed:
            _wait_gone(state)
        removed += remove_network(state)
        removed += _remove_faketime_files(state)
        if state.store_dir:  # the faults its nemesis recorded went with the nodes
            removed += [f"{fault} (healed)" for fault in ledger.settle(Path(state.store_dir))]
        state.delete()
        reports.append(CleanupReport(run_id=state.run_id, removed=tuple(removed),
                                     store_dir=state.store_dir))
    if run_id is not None and not any(r.run_id == run_id for r in reports) and not errors:
        errors.append(f"no run-state file for run {run_id!r}")
    return CleanupSummary(runs=tuple(reports), errors=tuple(errors))


def _remove_faketime_files(state: runstate.RunState) -> list[str]:
    """libfaketime's /dev/shm files of the run's processes (dead now, or still the same ones)."""
    pids = [p.pid for p in state.processes
            if runstate.process_start_time(p.pid) in (None, p.start_time)]
    return [f"file {path}" for path in faketime.remove_shm_files(pids)]


def _wait_gone(state: runstate.RunState, timeout: float = 5.0) -> None:
    """Give killed processes a moment to die (they are not our children: no wait())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in state.processes if _running(p.pid, p.start_time)]
        if not alive:
            return
        time.sleep(0.05)


def _running(pid: int, start_time: int) -> bool:
    if runstate.process_start_time(pid) != start_time:
        return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie is dead, waiting for its parent to reap it


__all__ = ["CleanupReport", "CleanupSummary", "cleanup"]
