"""``splitbrain check --model list-append|rw-register``: one file through the Elle-style
checkers (kept apart from the linearizability path of ``check``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from checkers.elle import check_history
from checkers.verdict import Verdict
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON
from reports.elle_text import explain

if TYPE_CHECKING:
    from harness.shell.commands.check import FileOutcome


def check_txn_file(path: Path, history: History, workload: str, consistency_model: str,
                   time_limit: float | None) -> tuple[FileOutcome, str | None]:
    """The outcome for one file and its text explanation (None when valid)."""
    from harness.shell.commands.check import FileOutcome

    started = time.perf_counter()
    try:
        result = check_history(history, workload, model=consistency_model,
                               time_limit=time_limit)
    except HistoryFormatError as e:
        return FileOutcome(file=str(path), verdict=Verdict.UNKNOWN, seconds=0.0,
                           ops=len(history), error=e.located(str(path)).describe()
                           if e.file is None else e.describe(), bad_input=True), None
    except Exception as e:  # a checker that raises is unknown, never a lost run (DESIGN.md)
        return FileOutcome(file=str(path), verdict=Verdict.UNKNOWN,
                           seconds=time.perf_counter() - started, ops=len(history),
                           error=f"checker failed: {type(e).__name__}: {e}"), None
    seconds = time.perf_counter() - started
    details = result.to_json()
    summary: dict[str, JSON] = {k: details[k] for k in
                                ("anomalies", "not", "also-not", "possible", "complete")}
    text = explain(result) if result.verdict is not Verdict.VALID or result.anomalies else None
    return FileOutcome(file=str(path), verdict=result.verdict, seconds=seconds,
                       ops=len(history), details=details, summary=summary), text


__all__ = ["check_txn_file"]
