"""The HTML report of a run, the run index, and ``serve``.

Reports render and never judge: verdicts come from ``results.json``. The page is self-contained
(inline CSS, script and data) and bounded in size whatever the history's length.
"""

from reports._page import ReportInfo, build_report, render
from reports._results import CheckerResult, Results, read_results
from reports._run import REPORT, Run, RunError, load_run
from reports._sample import DEFAULT_BUDGET, Selection, select
from reports._series import DEFAULT_BUCKETS, Series, series

__all__ = [
    "DEFAULT_BUCKETS",
    "DEFAULT_BUDGET",
    "REPORT",
    "CheckerResult",
    "ReportInfo",
    "Results",
    "Run",
    "RunError",
    "Selection",
    "Series",
    "build_report",
    "load_run",
    "read_results",
    "render",
    "select",
    "series",
]
