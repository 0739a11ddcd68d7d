"""``splitbrain report RUN_DIR``: (re)build the self-contained HTML report of a stored run."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from checkers.verdict import ExitCode
from harness.shell.run_results import RESULTS_FILE, ResultsFileError, RunResults
from reports import DEFAULT_BUDGET, RunError, build_report


@click.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the page (default: RUN_DIR/report.html).")
@click.option("--max-ops", type=click.IntRange(100, 1_000_000), default=DEFAULT_BUDGET,
              show_default=True,
              help="Operations drawn in the timeline; the rest are elided (and counted).")
def command(run_dir: Path, output: Path | None, max_ops: int) -> None:
    """Rebuild RUN_DIR/report.html from test.json, history.jsonl and results.json.

    The report shows the verdicts the run's checkers wrote; it does not check again. A
    results.json that is torn or not shaped as written is refused (exit 254; `splitbrain
    analyze RUN_DIR` judges the run again and rewrites it).
    """
    results = run_dir / RESULTS_FILE
    if results.exists():
        try:
            RunResults.read(results)
        except ResultsFileError as e:
            click.echo(f"splitbrain report: {e}; `splitbrain analyze {run_dir}` judges the run "
                       "again and rewrites it", err=True)
            sys.exit(ExitCode.BAD_INPUT)
    try:
        info = build_report(run_dir, output=output, budget=max_ops)
    except RunError as e:
        click.echo(f"splitbrain report: {e}", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    except OSError as e:
        click.echo(f"splitbrain report: cannot write the report: {e}", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    click.echo(f"{info.path} ({info.bytes / 1e6:.2f} MB; {info.shown} of {info.operations} "
               f"operations in the timeline; verdict {info.verdict or 'none'})")
