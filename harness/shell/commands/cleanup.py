"""``splitbrain cleanup``: remove namespaces, bridges and processes left by crashed runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from checkers.verdict import ExitCode
from harness.kernel.config import RuntimeKind
from harness.kernel.nodes import RuntimeUnavailableError
from harness.shell.runtime.cleanup import cleanup
from harness.shell.runtime.netns import check_prerequisites
from harness.shell.runtime.runstate import STATE_DIR


@click.command("cleanup")
@click.option("--run-id", default=None, help="Only this run (default: every dead run).")
@click.option("--state-dir", type=click.Path(path_type=Path), default=STATE_DIR,
              show_default=True, help="Where runs record what they create.")
@click.option("--force", is_flag=True,
              help="Also clean up runs whose controller still seems to be running.")
@click.option("--runtime", "runtime", type=click.Choice(["all", *(k.value for k in RuntimeKind)]),
              default="all", show_default=True,
              help="Only runs of this runtime (docker needs no root, only the engine).")
@click.option("--sweep/--no-sweep", default=True, show_default=True,
              help="Also remove containers and networks labelled splitbrain.run=<id> whose "
                   "controller is dead but whose run-state file is gone (docker).")
def command(run_id: str | None, state_dir: Path, force: bool, runtime: str, sweep: bool) -> None:
    """Remove what crashed or killed runs left behind.

    Only things recorded in the runs' state files are touched: their network namespaces, veths,
    bridge and processes (checked by PID and start time before being killed); for docker runs,
    the containers and networks labelled with the run's id (never an adopted container, and
    nothing without the label); for ssh runs, it logs in to the run's hosts again (same keys and
    known_hosts), kills the run's processes, removes the run's iptables chains and directory,
    and fetches the node logs into the run's store directory first.
    """
    kinds = None if runtime == "all" else (RuntimeKind(runtime),)
    if kinds is None or RuntimeKind.NETNS in kinds:
        try:
            check_prerequisites()
        except RuntimeUnavailableError as e:
            click.echo(f"splitbrain cleanup: {e}", err=True)
            sys.exit(ExitCode.HARNESS_FAILED)
    summary = cleanup(state_dir=state_dir, run_id=run_id, force=force, runtimes=kinds,
                      sweep=sweep)
    for report in summary.runs:
        if report.skipped:
            click.echo(f"run {report.run_id}: left alone: {report.skipped}")
        elif report.removed:
            click.echo(f"run {report.run_id}: removed " + ", ".join(report.removed))
        else:
            click.echo(f"run {report.run_id}: nothing left to remove")
        if report.store_dir and not report.skipped:
            click.echo(f"run {report.run_id}: its history (a prefix) is in {report.store_dir}")
    if not summary.runs and not summary.errors:
        click.echo("nothing to clean up")
    for error in summary.errors:
        click.echo(f"splitbrain cleanup: {error}", err=True)
    sys.exit(ExitCode.BAD_INPUT if summary.errors else 0)
