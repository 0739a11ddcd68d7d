"""``splitbrain gate SUITE``: the CI regression gate (run a suite, judge expectations, JUnit XML).

``splitbrain gate --replay RUN_DIR`` re-runs a stored run with its seed and configuration.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from checkers.verdict import ExitCode, exit_code
from harness.kernel.config import TestConfig
from harness.kernel.nodes import RuntimeOptionError, RuntimeUnavailableError
from harness.shell.gate import (
    BaselineError,
    Case,
    CaseRunner,
    GateReport,
    LocalRunner,
    ReplayError,
    Suite,
    SuiteError,
    conclusion,
    index_html,
    junit_xml,
    load_baseline,
    load_replay,
    load_suite,
    read_results,
    run_cases,
    save_baseline,
    write_index,
    write_junit,
)
from harness.shell.run import plan
from harness.shell.runtime.registry import get_spec
from harness.shell.signals import Interrupted, InterruptGuard, interrupts_raise
from nemesis.registry import NemesisOptionError
from targets.registry import TargetError
from workloads.base import WorkloadOptionError
from workloads.registry import UnknownWorkloadError

_BAD_OPTIONS = (TargetError, WorkloadOptionError, UnknownWorkloadError, NemesisOptionError,
                RuntimeOptionError)


def _fail(message: str, code: ExitCode) -> NoReturn:
    click.echo(f"splitbrain gate: {message}", err=True)
    sys.exit(code)


def make_runner(guard: InterruptGuard, reports: bool) -> CaseRunner:
    """The runner the gate uses (tests replace this to run without a cluster)."""
    return LocalRunner(guard=guard, reports=reports)


def _check_cases(suite: Suite, cases: Sequence[Case], store: Path) -> None:
    """Resolve every case's target, workload and nemesis now: bad options fail before any run."""
    for case in cases:
        try:
            plan(case.config(suite=suite.name, seed=0, store=store))
        except _BAD_OPTIONS as e:
            _fail(f"{suite.path}: case {case.name!r}: {e}", ExitCode.BAD_INPUT)


def _preflight(tests: Sequence[TestConfig]) -> None:
    """Check every runtime the runs need before the first run (exit 255 if one cannot work,
    254 if its options cannot: e.g. --adopt matching nothing)."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for test in tests:
        key = (test.runtime.value, test.runtime_options)
        if key in seen:
            continue
        seen.add(key)
        try:
            get_spec(test.runtime).preflight(test)
        except RuntimeUnavailableError as e:
            _fail(str(e), ExitCode.HARNESS_FAILED)
        except RuntimeOptionError as e:
            _fail(str(e), ExitCode.BAD_INPUT)


def _say(line: str) -> None:
    click.echo(line, err=True)


def _outputs(report: GateReport, *, junit: Path | None, index: Path, started: str,
             regressions_fail: bool) -> None:
    if junit is not None:
        write_junit(junit, junit_xml(report.suite.name, report.cases,
                                     regressions=report.regressions,
                                     regressions_fail=regressions_fail, timestamp=started))
        _say(f"JUnit XML: {junit}")
    write_index(index, index_html(index, report.suite.name, report.cases, figures=report.figures,
                                  regressions=report.regressions,
                                  started=f"started {started}"))
    _say(f"index: {index}")


def _replay(run_dir: Path, store: Path | None, reports: bool,
            runner_factory: Callable[[InterruptGuard, bool], CaseRunner]) -> NoReturn:
    try:
        test = load_replay(run_dir, store=store)
        plan(test)
    except ReplayError as e:
        _fail(str(e), ExitCode.BAD_INPUT)
    except _BAD_OPTIONS as e:
        _fail(f"{run_dir}: {e}", ExitCode.BAD_INPUT)
    _preflight([test])
    original = read_results(run_dir)
    before = original.verdict.value if original is not None else None
    _say(f"replaying {test.name} with seed {test.seed} (stored verdict: {before or 'none'})")
    try:
        with interrupts_raise() as guard:
            runner = runner_factory(guard, reports)
            result = runner.run(test)
    except RuntimeUnavailableError as e:
        _fail(str(e), ExitCode.HARNESS_FAILED)
    except Interrupted as e:
        _fail(f"interrupted by {e}", ExitCode.UNKNOWN)
    if result.verdict is None:
        _fail(f"the harness failed: {result.error}", ExitCode.HARNESS_FAILED)
    same = "the same as" if before == result.verdict.value else "differs from"
    click.echo(f"verdict: {result.verdict.value} ({same} the stored run's {before or 'none'})")
    if result.summary:
        click.echo(f"anomalies: {result.summary}")
    click.echo(f"run directory: {result.run_dir}")
    sys.exit(exit_code(result.verdict))


@click.command("gate")
@click.argument("suite", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write JUnit XML here (one testcase per case and seed).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where runs are stored [default: store].")
@click.option("--index", "index_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the index page here [default: STORE/gate-SUITE.html].")
@click.option("--case", "only", multiple=True, metavar="NAME",
              help="Run only this case (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed that derives the seeds of cases given by 'repeat' (default: fresh).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Compare key figures with this baseline and report regressions.")
@click.option("--save-baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Save this run's key figures as a baseline (only when the gate is green).")
@click.option("--fail-on-regression", is_flag=True,
              help="Exit 1 when a figure regressed beyond the suite's thresholds.")
@click.option("--reports/--no-reports", default=True, show_default=True,
              help="Write each run's report.html when the run did not.")
@click.option("--replay", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="RUN_DIR", help="Re-run a stored run with its seed and configuration.")
def command(
    *, suite: Path | None, junit: Path | None, store: Path | None, index_path: Path | None,
    only: tuple[str, ...], seed: int | None, baseline: Path | None, save_baseline: Path | None,
    fail_on_regression: bool, reports: bool, replay: Path | None,
) -> None:
    """Run the cases of SUITE (a TOML file), each with its seeds, and check each run's verdict
    against the case's expectation. Writes JUnit XML (--junit) and an index page.

    Exits 0 when every expectation held (unknown runs within a case's budget are not failures),
    1 when one broke (or, with --fail-on-regression, a figure regressed), 2 when interrupted,
    254 on a bad suite or bad options, 255 when the harness cannot run at all.
    """
    if replay is not None:
        if suite is not None:
            _fail("give a SUITE or --replay RUN_DIR, not both", ExitCode.BAD_INPUT)
        _replay(replay, store, reports, make_runner)
    if suite is None:
        _fail("give a SUITE file (or --replay RUN_DIR); see --help", ExitCode.BAD_INPUT)
    store = store if store is not None else Path("store")
    try:
        loaded = load_suite(suite)
        cases = [loaded.case(name) for name in only] if only else list(loaded.cases)
        base = load_baseline(baseline) if baseline is not None else None
    except (SuiteError, BaselineError) as e:
        _fail(str(e), ExitCode.BAD_INPUT)
    _check_cases(loaded, cases, store)
    _preflight([c.config(suite=loaded.name, seed=0, store=store) for c in cases])
    gate_seed = seed if seed is not None else secrets.randbelow(2**31)
    index = index_path if index_path is not None else store / f"gate-{loaded.name}.html"
    started = datetime.now(UTC).isoformat(timespec="seconds")
    runs = sum(len(c.run_seeds(gate_seed)) for c in cases)
    _say(f"gate {loaded.name}: {len(cases)} case(s), {runs} run(s); seed {gate_seed} "
         f"(rerun with --seed {gate_seed}); store {store}")
    try:
        with interrupts_raise() as guard:
            runner = make_runner(guard, reports)
            report = run_cases(loaded, cases, runner=runner, store=store, gate_seed=gate_seed,
                               say=_say)
    except RuntimeUnavailableError as e:
        _fail(str(e), ExitCode.HARNESS_FAILED)
    except Interrupted as e:
        _fail(f"interrupted by {e}; the runs so far are in {store}", ExitCode.UNKNOWN)
    if base is not None:
        report = report.with_baseline(base)
    _outputs(report, junit=junit, index=index, started=started,
             regressions_fail=fail_on_regression)
    for line in conclusion(report):
        click.echo(line)
    if save_baseline is not None:
        if report.green:
            save_baseline_file(save_baseline, report)
        else:
            click.echo(f"baseline not saved to {save_baseline}: the gate is not green")
    if not report.green or (fail_on_regression and report.regressions):
        sys.exit(ExitCode.INVALID)
    sys.exit(ExitCode.VALID)


def save_baseline_file(path: Path, report: GateReport) -> None:
    try:
        save_baseline(path, report.baseline())
    except OSError as e:
        _fail(f"cannot write the baseline {path}: {e.strerror or e}", ExitCode.BAD_INPUT)
    click.echo(f"baseline saved: {path}")
