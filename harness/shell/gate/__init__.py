"""``splitbrain gate``: the CI regression gate.

A suite (TOML, :mod:`harness.shell.gate._suite`) lists cases, each a test configuration with seeds
and an expectation (``valid``, or ``invalid`` for a known bug that must keep being found) and
budgets for ``unknown`` runs and missed bugs. The gate runs them (:func:`run_cases`), judges each
run (:func:`judge`), writes JUnit XML and an index page, and compares key figures with a baseline.
"""

from harness.shell.gate._baseline import (
    Baseline,
    BaselineError,
    Regression,
    compare,
    compare_case,
    load_baseline,
    save_baseline,
)
from harness.shell.gate._figures import (
    Figures,
    history_figures,
    mean_figures,
    percentile,
    run_figures,
)
from harness.shell.gate._gate import GateReport, conclusion, run_cases
from harness.shell.gate._index import index_html, write_index
from harness.shell.gate._judge import CaseJudgement, RunJudgement, RunResult, Status, judge
from harness.shell.gate._junit import junit_xml, write_junit
from harness.shell.gate._replay import ReplayError, config_from_json, load_replay
from harness.shell.gate._runner import (
    CaseRunner,
    LocalRunner,
    build_run_report,
    read_results,
    result_from_run_dir,
)
from harness.shell.gate._suite import (
    Case,
    Expectation,
    Suite,
    SuiteError,
    Thresholds,
    load_suite,
    parse_suite,
)
from harness.shell.gate._summary import anomalies, anomaly_count, anomaly_summary, checker_parts

__all__ = [
    "Baseline",
    "BaselineError",
    "Case",
    "CaseJudgement",
    "CaseRunner",
    "Expectation",
    "Figures",
    "GateReport",
    "LocalRunner",
    "Regression",
    "ReplayError",
    "RunJudgement",
    "RunResult",
    "Status",
    "Suite",
    "SuiteError",
    "Thresholds",
    "anomalies",
    "anomaly_count",
    "anomaly_summary",
    "build_run_report",
    "checker_parts",
    "compare",
    "compare_case",
    "conclusion",
    "config_from_json",
    "history_figures",
    "index_html",
    "judge",
    "junit_xml",
    "load_baseline",
    "load_replay",
    "load_suite",
    "mean_figures",
    "parse_suite",
    "percentile",
    "read_results",
    "result_from_run_dir",
    "run_cases",
    "run_figures",
    "save_baseline",
    "write_index",
    "write_junit",
]
