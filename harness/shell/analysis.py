"""Judging a history: the workload's checkers, the coverage checks, and ``results.json``.

``splitbrain run`` judges the history it recorded; ``splitbrain analyze RUN_DIR`` (Jepsen's
``analyze``) judges a stored run again with the current code, so that old runs can be re-judged
after a checker improves. Both write ``results.json``
(:class:`harness.shell.run_results.RunResults`) through :func:`write_results`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from checkers.verdict import ExitCode, Verdict, exit_code, merge
from harness.kernel.config import ConfigError, TestConfig
from harness.kernel.errors import BadInputError
from harness.kernel.history import History
from harness.kernel.jsonl import read_jsonl
from harness.kernel.jsontypes import JSON
from harness.shell.run_results import (
    RESULTS_FILE,
    RESULTS_SCHEMA,
    SCHEMA_KEY,
    ResultsFileError,
    RunResults,
)
from harness.shell.store import write_json
from workloads.base import Workload


class AnalysisError(BadInputError):
    """A directory that cannot be analysed (no readable test.json or history)."""


def write_results(path: Path, results: RunResults) -> RunResults:
    """Write ``results.json`` (atomically, in the current schema); returns ``results``."""
    write_json(path, results.to_json())
    return results


def check_history(test: TestConfig, workload: Workload, history: History) -> RunResults:
    """The workload's checker, then the coverage checks (which only turn valid into unknown)."""
    from checkers.coverage import check_coverage  # here: run's start-up imports no checkers

    result = workload.checker.check(test, history)
    coverage = check_coverage(test, history)
    verdict = merge([result.verdict, coverage.verdict])
    reason = None
    if verdict is Verdict.UNKNOWN and result.verdict is Verdict.VALID:
        reason = coverage.reason
    return RunResults(verdict=verdict, workload=result, coverage=coverage, reason=reason)


@dataclass(frozen=True, kw_only=True, slots=True)
class Analysis:
    """What ``analyze`` found and wrote."""

    verdict: Verdict
    exit_code: ExitCode
    results: RunResults
    previous: JSON
    """The results.json it replaced, as it was (``None`` if there was none or it was torn)."""
    previous_results: RunResults | None = None
    """The same, read (``None`` if there was none, or it could not be read)."""

    @property
    def changed(self) -> bool:
        """True if the new results.json differs from the old one, the schema stamp and the
        checkers' own running times (``seconds`` fields, different on every check) aside. (A
        file of an older schema counts as changed: it was rewritten in the new one.)"""
        old = self.previous
        if isinstance(old, dict):
            old = {k: v for k, v in old.items() if k != SCHEMA_KEY}
        new = {k: v for k, v in self.results.to_json().items() if k != SCHEMA_KEY}
        return bool(_untimed(old) != _untimed(new))

    @property
    def upgraded(self) -> bool:
        """True if the old results.json had the same verdicts and findings in an older schema
        (only its layout changed)."""
        old = self.previous_results
        return (old is not None and old.schema_version < RESULTS_SCHEMA
                and _untimed(old.to_json()) == _untimed(self.results.to_json()))


def _untimed(value: JSON) -> JSON:
    """``value`` without its ``seconds`` fields (how long a checker took), at any depth."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _read_json(path: Path) -> JSON:
    try:
        value: JSON = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise AnalysisError(f"{path}: cannot read it: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AnalysisError(f"{path}: not JSON: {e}") from None
    return value


def analyze(run_dir: Path) -> Analysis:
    """Judge the stored run in ``run_dir`` again and rewrite its ``results.json``.

    The configuration comes from ``test.json`` (:meth:`TestConfig.from_json`), the workload and
    its checkers from the current code. A run the watchdog ended (``harness_failure``) or that was
    interrupted stays at most ``unknown`` unless an anomaly is proven, as when it was recorded; so
    does a run that never finished (no ``results.json``: its controller was killed).
    Raises :class:`AnalysisError` (or another :class:`BadInputError`) for a directory that is not
    a readable run.
    """
    from workloads.registry import get_workload

    data = _read_json(run_dir / "test.json")
    if not isinstance(data, dict):
        raise AnalysisError(f"{run_dir / 'test.json'}: expected a JSON object")
    try:
        test = TestConfig.from_json(data.get("test"))
    except ConfigError as e:
        raise AnalysisError(f"{run_dir / 'test.json'}: test: {e}") from None
    history_path = run_dir / "history.jsonl"
    if not history_path.exists():
        raise AnalysisError(f"{history_path}: missing (is {run_dir} a run directory?)")
    history = read_jsonl(history_path)
    results_path = run_dir / RESULTS_FILE
    previous: JSON = None
    old: RunResults | None = None
    finished = results_path.exists()  # written at the end of every run that got that far
    if finished:
        try:
            previous = _read_json(results_path)
            old = RunResults.from_json(previous, str(results_path))
        except (AnalysisError, ResultsFileError) as e:
            # the results being replaced: a torn one must not block this
            logging.getLogger("splitbrain.analyze").warning("%s; replacing it", e)
    workload = get_workload(test)
    try:
        results = check_history(test, workload, history)
    except Exception as e:  # a checker that raises never loses the run
        results = RunResults(verdict=Verdict.UNKNOWN, error=f"{type(e).__name__}: {e}")
    verdict = results.verdict
    code = exit_code(verdict)
    failure = old.harness_failure if old is not None else None
    reason = old.reason if old is not None else None
    if failure is not None and verdict is not Verdict.INVALID:
        verdict, code = Verdict.UNKNOWN, ExitCode.HARNESS_FAILED
    if not finished:
        reason = ("interrupted: the run did not finish (no results.json: was its controller "
                  "killed?); the history is a prefix")
    if reason is not None and reason.startswith("interrupted") \
            and verdict is not Verdict.INVALID:
        verdict, code = Verdict.UNKNOWN, ExitCode.UNKNOWN
        results = replace(results, reason=reason)
    results = replace(results, verdict=verdict, harness_failure=failure)
    written = write_results(results_path, results)
    return Analysis(verdict=verdict, exit_code=code, results=written, previous=previous,
                    previous_results=old)


__all__ = ["RESULTS_SCHEMA", "SCHEMA_KEY", "Analysis", "AnalysisError", "analyze",
           "check_history", "write_results"]
