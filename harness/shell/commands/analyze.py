"""``splitbrain analyze RUN_DIR``: judge a stored run again with the current checkers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from checkers.verdict import ExitCode
from harness.kernel.errors import BadInputError, HistoryFormatError
from harness.shell.analysis import analyze
from harness.shell.run_results import RESULTS_SCHEMA


@click.command("analyze")
@click.argument("run_dirs", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-report", is_flag=True, help="Rewrite results.json only, not report.html.")
def command(run_dirs: tuple[Path, ...], no_report: bool) -> None:
    """Re-run every checker of the stored runs RUN_DIRS with the current code (Jepsen's
    analyze): read test.json and history.jsonl, rewrite results.json and report.html.

    Prints each run's verdict and whether it changed (or that the run had no results.json,
    e.g. its controller was killed). Exits like ``splitbrain run``: 0 all
    valid, 1 some invalid, 2 unknown, 254 a directory that is not a readable run, 255 a run the
    watchdog had ended (still not valid); over several runs (each is judged, whatever the
    others), 255 > 254 > 1 > 2 > 0.
    """
    worst = ExitCode.VALID
    for run_dir in run_dirs:
        had_results = (run_dir / "results.json").exists()
        try:
            outcome = analyze(run_dir)
        except (HistoryFormatError, BadInputError) as e:  # say so, judge the others
            text = e.describe() if isinstance(e, HistoryFormatError) else str(e)
            click.echo(f"splitbrain analyze: {text}", err=True)
            worst = max(worst, ExitCode.BAD_INPUT, key=_RANK.__getitem__)
            continue
        report = ""
        if not no_report:
            from reports import build_report  # heavy: only when a report is written

            try:
                info = build_report(run_dir)
                report = f"; {info.path.name} rewritten"
            except Exception as e:  # the verdict is in results.json whatever happens here
                report = f"; report not written: {type(e).__name__}: {e}"
        if not had_results:
            change = "first results.json: there was none"
        else:
            change = ("unchanged; rewritten in schema " + str(RESULTS_SCHEMA) if outcome.upgraded
                      else "changed" if outcome.changed else "unchanged")
        click.echo(f"{run_dir}: {outcome.verdict.value} ({change}){report}")
        worst = max(worst, outcome.exit_code, key=_RANK.__getitem__)
    sys.exit(worst)


_RANK = {ExitCode.VALID: 0, ExitCode.UNKNOWN: 1, ExitCode.INVALID: 2, ExitCode.BAD_INPUT: 3,
         ExitCode.HARNESS_FAILED: 4}
"""Which exit code wins over several runs: a failed harness, then invalid, then unknown."""


__all__ = ["command"]
