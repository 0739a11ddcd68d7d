"""Remove what crashed runs left behind: only what their run-state files (or, for runtimes that
label what they create, their labels) record."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.kernel.config import RuntimeKind
from harness.kernel.nodes import RuntimeOptionError
from harness.shell.runtime import runstate
from harness.shell.runtime.registry import all_specs, get_spec
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
    *, state_dir: Path | None = None, run_id: str | None = None, force: bool = False,
    runtimes: tuple[RuntimeKind, ...] | None = None, sweep: bool = False,
) -> CleanupSummary:
    """Clean up every dead run (or just ``run_id``); live runs are skipped unless ``force``.

    ``runtimes`` limits it to runs of those kinds (default: all); ``sweep`` also asks runtimes
    that label what they create (docker) for leftovers of dead runs without a run-state file.
    """
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
        if runtimes is not None and state.runtime not in {k.value for k in runtimes}:
            continue
        if runstate.controller_alive(state) and not force:
            reports.append(CleanupReport(
                run_id=state.run_id,
                skipped=f"its controller (pid {state.controller_pid}) is still running",
            ))
            continue
        try:
            spec = get_spec(state.runtime)
            removed = spec.cleanup(state)
        except (RuntimeOptionError, RuntimeError, OSError) as e:
            errors.append(f"run {state.run_id} ({state.runtime}): {e}")
            continue
        if state.store_dir:  # the faults its nemesis recorded went with the nodes
            removed += [f"{fault} (healed)" for fault in ledger.settle(Path(state.store_dir))]
        state.delete()
        reports.append(CleanupReport(run_id=state.run_id, removed=tuple(removed),
                                     store_dir=state.store_dir))
    if sweep:
        for spec in all_specs():
            if spec.sweep is None or (runtimes is not None and spec.kind not in runtimes):
                continue
            try:
                found = spec.sweep(run_id)
            except (RuntimeError, OSError) as e:
                errors.append(f"{spec.kind.value}: {e}")
                continue
            for result in found:
                if run_id is None or result.run_id == run_id:
                    reports.append(CleanupReport(run_id=result.run_id, removed=result.removed))
    if run_id is not None and not any(r.run_id == run_id for r in reports) and not errors:
        errors.append(f"no run-state file for run {run_id!r}")
    return CleanupSummary(runs=tuple(reports), errors=tuple(errors))


def wait_gone(state: runstate.RunState, timeout: float = 5.0) -> None:
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


__all__ = ["CleanupReport", "CleanupSummary", "cleanup", "wait_gone"]
