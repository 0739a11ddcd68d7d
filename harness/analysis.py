"""Judging a history: the workload's checkers, the coverage checks, and ``results.json``.

``splitbrain run`` judges the history it recorded; ``splitbrain analyze RUN_DIR`` (Jepsen's
``analyze``) judges a stored run again with the current code, so that old runs can be re-judged
after a checker improves. Both write ``results.json`` through :func:`write_results`, which stamps
it with :data:`RESULTS_SCHEMA`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from checkers.verdict import ExitCode, Verdict, exit_code, merge
from harness.config import ConfigError, TestConfig
from harness.errors import BadInputError
from harness.history import History
from harness.jsonl import read_jsonl
from harness.jsontypes import JSON
from harness.store import write_json
from workloads.base import Workload

RESULTS_SCHEMA = 1
"""Version of the layout of ``results.json``: ``{"schema_version", "verdict", "workload":
<the workload's composed result>, "coverage": ..., ["reason"], ["error"],
["harness_failure"]}``. Readers accept files without it (written before it existed)."""

SCHEMA_KEY = "schema_version"


class AnalysisError(BadInputError):
    """A directory that cannot be analysed (no readable test.json or history)."""


def write_results(path: Path, results: dict[str, JSON]) -> dict[str, JSON]:
    """Write ``results.json`` (atomically), with the schema version first; returns what was
    written."""
    stamped: dict[str, JSON] = {SCHEMA_KEY: RESULTS_SCHEMA}
    stamped.update((k, v) for k, v in results.items() if k != SCHEMA_KEY)
    write_json(path, stamped)
    return stamped


def check_history(test: TestConfig, workload: Workload, history: History
                  ) -> tuple[Verdict, dict[str, JSON]]:
    """The workload's checker, then the coverage checks (which only turn valid into unknown)."""
    from checkers.coverage import check_coverage  # here: run's start-up imports no checkers

    result = workload.checker.check(test, history)
    coverage = check_coverage(test, history)
    verdict = merge([result.verdict, coverage.verdict])
    results: dict[str, JSON] = {"verdict": verdict.value, "workload": result.to_json(),
                                "coverage": coverage.to_json()}
    if verdict is Verdict.UNKNOWN and result.verdict is Verdict.VALID:
        results["reason"] = "; ".join(coverage.problems)
    return verdict, results


@dataclass(frozen=True, kw_only=True, slots=True)
class Analysis:
    """What ``analyze`` found and wrote."""

    verdict: Verdict
    exit_code: ExitCode
    results: dict[str, JSON]
    previous: JSON
    """The results.json it replaced (``None`` if there was none)."""

    @property
    def changed(self) -> bool:
        """True if the new results differ from the old ones, the schema stamp and the checkers'
        own running times (``seconds`` fields, different on every check) aside."""
        old = self.previous
        if isinstance(old, dict):
            old = {k: v for k, v in old.items() if k != SCHEMA_KEY}
        new = {k: v for k, v in self.results.items() if k != SCHEMA_KEY}
        return bool(_untimed(old) != _untimed(new))


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
    results_path = run_dir / "results.json"
    previous: JSON = None
    finished = results_path.exists()  # written at the end of every run that got that far
    if finished:
        try:
            previous = _read_json(results_path)
        except AnalysisError as e:  # the results being replaced: a torn one must not block this
            logging.getLogger("splitbrain.analyze").warning("%s; replacing it", e)
    workload = get_workload(test)
    try:
        verdict, results = check_history(test, workload, history)
    except Exception as e:  # a checker that raises never loses the run
        verdict = Verdict.UNKNOWN
        results = {"verdict": verdict.value, "error": f"{type(e).__name__}: {e}"}
    code = exit_code(verdict)
    old = previous if isinstance(previous, dict) else {}
    failure = old.get("harness_failure")
    reason = old.get("reason")
    if failure is not None and verdict is not Verdict.INVALID:
        verdict, code = Verdict.UNKNOWN, ExitCode.HARNESS_FAILED
    if not finished:
        reason = ("interrupted: the run did not finish (no results.json: was its controller "
                  "killed?); the history is a prefix")
    if isinstance(reason, str) and reason.startswith("interrupted") \
            and verdict is not Verdict.INVALID:
        verdict, code = Verdict.UNKNOWN, ExitCode.UNKNOWN
        results["reason"] = reason
    results["verdict"] = verdict.value
    if failure is not None:
        results["harness_failure"] = failure
    written = write_results(results_path, results)
    return Analysis(verdict=verdict, exit_code=code, results=written, previous=previous)


__all__ = ["RESULTS_SCHEMA", "SCHEMA_KEY", "Analysis", "AnalysisError", "analyze",
           "check_history", "write_results"]
