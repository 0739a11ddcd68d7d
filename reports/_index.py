"""The run index: every run in the store, newest first, with its verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reports._results import read_results
from reports._run import HISTORY, REPORT, RESULTS, TEST_JSON

NO_VERDICT = "none"
"""The verdict filter value of runs whose results are missing or state no verdict."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RunSummary:
    """One run directory ``<store>/<test>/<run>``."""

    test: str
    run: str
    verdict: str
    """``valid``, ``invalid``, ``unknown``, or :data:`NO_VERDICT`."""
    has_report: bool

    @property
    def path(self) -> str:
        """Relative to the store, with ``/`` separators."""
        return f"{self.test}/{self.run}"


def _verdict(run_dir: Path) -> str:
    try:
        value = json.loads((run_dir / RESULTS).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return NO_VERDICT
    verdict = read_results(value).verdict
    return verdict.value if verdict is not None else NO_VERDICT


def _is_run(path: Path) -> bool:
    return any((path / name).is_file() for name in (TEST_JSON, HISTORY, RESULTS))


def scan_store(store: Path) -> list[RunSummary]:
    """The runs under ``store`` (symlinks such as ``latest`` are skipped), newest first.

    Run directories are named by their start time (``YYYYmmddTHHMMSS.fff``), so newest first is
    the reverse order of names; runs of different tests are interleaved by that time.
    """
    runs: list[RunSummary] = []
    if not store.is_dir():
        return runs
    for test_dir in store.iterdir():
        if test_dir.is_symlink() or not test_dir.is_dir():
            continue
        for run_dir in test_dir.iterdir():
            if run_dir.is_symlink() or not run_dir.is_dir() or not _is_run(run_dir):
                continue
            runs.append(RunSummary(test=test_dir.name, run=run_dir.name,
                                   verdict=_verdict(run_dir),
                                   has_report=(run_dir / REPORT).is_file()))
    runs.sort(key=lambda r: (r.run, r.test), reverse=True)
    return runs


def filter_runs(runs: list[RunSummary], *, test: str | None = None,
                verdict: str | None = None) -> list[RunSummary]:
    """The runs of ``test`` with ``verdict`` (``None`` or ``""`` = any)."""
    return [r for r in runs
            if (not test or r.test == test) and (not verdict or r.verdict == verdict)]


__all__ = ["NO_VERDICT", "RunSummary", "filter_runs", "scan_store"]
