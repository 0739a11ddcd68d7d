"""The run lifecycle: store -> nodes -> db -> clients and nemesis -> interpreter -> analysis.

Each stage is a scope on one :class:`contextlib.ExitStack`; whatever fails (including Ctrl-C and
SIGTERM, which :mod:`harness.shell.signals` turns into :class:`Interrupted`), everything set up so
far is torn down in reverse order. The history is streamed to the store while the test runs, so an
interrupted or killed run still leaves a readable prefix.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from checkers.verdict import ExitCode, Verdict, exit_code
from harness.kernel import generators as g
from harness.kernel.clock import Clock, MonotonicClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.history import History
from harness.kernel.historylog import HistoryLog
from harness.kernel.interpreter import Interpreter, StallError, Stats, Watchdog
from harness.kernel.jsonl import read_jsonl
from harness.kernel.protocols import (
    DB,
    CheckResult,
    HasLogFiles,
    HasPrimaries,
    ReportsFaults,
    ValidatingClient,
)
from harness.shell.analysis import check_history, write_results
from harness.shell.primaries import PRIMARIES, PrimaryPoller
from harness.shell.run_results import HarnessFailure, RunResults
from harness.shell.runtime import registry as runtimes
from harness.shell.runtime.registry import RuntimeRequest, RuntimeSpec
from harness.shell.signals import Interrupted, InterruptGuard
from harness.shell.store import RunDir, collect_logs, controller_log_handler, create_run
from nemesis.defaults import DEFAULT, expand, refuse_unable
from nemesis.registry import NemesisPackage, build
from targets.registry import get_target
from workloads.base import Workload
from workloads.registry import get_workload

PRIMARY_WAIT_S = 15.0
INTERRUPTED_CHECK_S = 10.0
"""How long an interrupted run may spend checking its history prefix for a proven anomaly."""
RUNTIME_LOGGERS = ("splitbrain.netns", "splitbrain.docker", "splitbrain.ssh")
"""Loggers of the node runtimes, copied into the run's controller.log."""


class RunObserver(Protocol):
    """Told what the run is doing (the CLI shows it live)."""

    def phase(self, text: str) -> None: ...

    def workload_started(
        self, stats: Stats, clock: Clock, faults: Callable[[], Sequence[str]]
    ) -> None: ...

    def workload_finished(self) -> None: ...


class QuietObserver:
    def phase(self, text: str) -> None:
        pass

    def workload_started(
        self, stats: Stats, clock: Clock, faults: Callable[[], Sequence[str]]
    ) -> None:
        pass

    def workload_finished(self) -> None:
        pass


@dataclass(frozen=True, kw_only=True, slots=True)
class RunOutcome:
    run_dir: Path
    verdict: Verdict
    exit_code: ExitCode
    results: RunResults
    interrupted: bool = False
    stalled: bool = False
    """The watchdog ended the run (a harness failure, recorded in results.json)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Plan:
    """What a test resolves to before anything is created (bad input fails here, cheaply)."""

    test: TestConfig
    target_db: DB
    client: ValidatingClient
    workload: Workload
    nemesis: NemesisPackage
    runtime: RuntimeSpec


def plan(test: TestConfig) -> Plan:
    """Resolve runtime, target, workload and nemesis; raises ValueError subclasses on bad input
    (:class:`~harness.kernel.nodes.RuntimeOptionError` for a fault the runtime cannot inject).

    ``--nemesis default`` is expanded here to the faults the target and the runtime can take
    (:mod:`nemesis.defaults`): the plan's ``test`` is the one to run and to store."""
    target = get_target(test)
    if DEFAULT in test.nemesis:
        faults = runtimes.usable_faults(test)
        test = dataclasses.replace(
            test, nemesis=expand(test.nemesis, target.db, faults, nodes=len(test.nodes)))
        target = get_target(test)  # a target may refuse some faults (etcd: clock)
    spec = runtimes.validate(test)
    workload = get_workload(test)
    db = target.db if spec.wrap_db is None else spec.wrap_db(test, target.db)
    refuse_unable(test.nemesis, db, test.target)
    return Plan(
        test=test, runtime=spec,
        target_db=db,
        # by the workload's own name: a plugin workload (``--workload pkg.mod:factory``) is named
        # by its module path on the command line, but a target knows it by its name
        client=ValidatingClient(target.client(workload.name)),
        workload=workload,
        nemesis=build(test),
    )


def build_generator(test: TestConfig, workload: Workload, package: NemesisPackage) -> g.Generator:
    """Clients at ``rate`` for ``time_limit`` (+ the nemesis' recovery time); alongside, the
    nemesis schedule for ``time_limit``, then its final (healing) ops; then, once every client is
    idle, the workload's final operations."""
    client_seconds = test.time_limit + (package.recovery_s if package.generator else 0.0)
    client = g.time_limit(
        client_seconds, g.rate(test.rate, workload.generator, g.derive_seed(test.seed, "rate"))
    )
    if workload.final_generator is not None:
        client = g.phases(client, workload.final_generator)
    parts: list[g.Generator] = []
    if package.generator is not None:
        parts.append(g.time_limit(test.time_limit, package.generator))
    if package.final_generator is not None:
        parts.append(package.final_generator)
    return g.clients(client, g.seq(*parts) if parts else None)


def watchdog_for(test: TestConfig, package: NemesisPackage) -> Watchdog:
    """The watchdog of a run of ``test`` (see :attr:`TestConfig.stall_timeout` and ``grace``)."""
    stall = max(test.stall_timeout, test.op_timeout + 5.0, 3.0 / test.rate if test.rate else 0.0)
    recovery = package.recovery_s if package.generator is not None else 0.0
    return Watchdog(stall_s=stall,
                    deadline_s=test.time_limit + recovery + test.op_timeout + test.grace)


def run_test(
    test: TestConfig,
    *,
    observer: RunObserver | None = None,
    guard: InterruptGuard | None = None,
    resolved: Plan | None = None,
    state_dir: Path | None = None,
) -> RunOutcome:
    """Run ``test`` end to end; see the module docstring. Raises on harness failures."""
    obs = observer if observer is not None else QuietObserver()
    the_plan = resolved if resolved is not None else plan(test)
    # before anything exists: 255 no engine, 254 e.g. --adopt matching nothing; the runtime may
    # decide the nodes (adopted containers). The plan's test has the default nemesis expanded.
    test = the_plan.runtime.preflight(the_plan.test)
    the_plan = dataclasses.replace(the_plan, test=test)
    run = create_run(test.store, test)
    log = logging.getLogger(f"splitbrain.run.{run.path.name}")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = controller_log_handler(run)
    log.addHandler(handler)
    for name in RUNTIME_LOGGERS:
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)
    log.info("test %s, seed %d, run dir %s", test.name, test.seed, run.path)
    try:  # controller.log stays attached until the end: the interrupt and the analysis too
        return _run_and_analyse(the_plan, run, log, obs, guard=guard, state_dir=state_dir)
    finally:
        _detach(log, handler)


def _run_and_analyse(
    the_plan: Plan, run: RunDir, log: logging.Logger, obs: RunObserver, *,
    guard: InterruptGuard | None, state_dir: Path | None,
) -> RunOutcome:
    interrupted: Interrupted | None = None
    stalled: StallError | None = None
    try:
        with ExitStack() as stack:
            try:
                _run_stages(stack, the_plan, run, log, obs, state_dir=state_dir)
            finally:
                if guard is not None:
                    guard.shield()  # teardown (the stack unwinding) runs to the end
                obs.phase("tearing down")
    except Interrupted as e:
        interrupted = e
        log.warning("interrupted by %s; torn down", e)
    except StallError as e:
        stalled = e
        log.error("the watchdog ended the run: %s; torn down", e.reason)
    if guard is not None:
        guard.unshield()
    try:
        outcome = _analyse(the_plan, run, log, obs, interrupted, stalled=stalled)
    except Interrupted as e:  # another Ctrl-C while reading or checking: give up, say so
        if guard is not None:
            guard.shield()
        outcome = _not_analysed(run, log, interrupted, e)
    with contextlib.suppress(Interrupted):  # a Ctrl-C while rendering: results.json stands
        _write_report(run.path, obs)
    return outcome


def _not_analysed(run: RunDir, log: logging.Logger, interrupted: Interrupted | None,
                  again: Interrupted) -> RunOutcome:
    """The outcome of a run whose analysis a signal cut short: unknown (exit 2), with
    results.json saying why; the history stays on disk for ``splitbrain analyze``."""
    log.warning("analysis interrupted by %s", again)
    if interrupted is not None:
        reason = (f"interrupted by {interrupted}; the history is a prefix (not checked: "
                  f"interrupted again by {again})")
    else:
        reason = f"analysis interrupted by {again}; the history is complete but not checked"
    results = write_results(run.results, RunResults(verdict=Verdict.UNKNOWN, reason=reason))
    return RunOutcome(run_dir=run.path, verdict=Verdict.UNKNOWN, exit_code=ExitCode.UNKNOWN,
                      results=results, interrupted=True)


def _write_report(run_dir: Path, obs: RunObserver) -> None:
    """Render ``report.html``; a report that cannot be written never changes the outcome."""
    obs.phase("writing the report")
    try:
        from reports import build_report  # imported here: it is heavy, and only needed now

        build_report(run_dir)
    except Exception as e:  # the verdict is in results.json whatever happens here
        logging.getLogger("splitbrain.run").warning(
            "report.html not written: %s: %s", type(e).__name__, e)


def _detach(log: logging.Logger, handler: logging.Handler) -> None:
    log.removeHandler(handler)
    for name in RUNTIME_LOGGERS:
        logging.getLogger(name).removeHandler(handler)
    handler.close()


def _run_stages(
    stack: ExitStack, the_plan: Plan, run: RunDir, log: logging.Logger, obs: RunObserver,
    *, state_dir: Path | None,
) -> None:
    test = the_plan.test
    obs.phase(f"starting {len(test.nodes)} nodes")
    runtime = the_plan.runtime.create(RuntimeRequest(test=test, state_dir=state_dir))
    stack.callback(runtime.close)
    runtime.start(store_dir=run.path)
    clock = MonotonicClock()
    ctx = RunContext(test=test, runtime=runtime, db=the_plan.target_db, run_dir=run.path,
                     clock=clock, rng=random.Random(test.seed), log=log)
    db = the_plan.target_db
    obs.phase(f"starting {test.target} on {', '.join(test.nodes)}")
    stack.callback(_teardown_db, ctx, db)
    _on_all_nodes(ctx, db.setup)
    if isinstance(db, HasPrimaries):
        _wait_for_primary(ctx, db, log)
    setup_client = the_plan.client.open(ctx, test.nodes[0])
    stack.callback(setup_client.close, ctx)
    setup_client.setup(ctx)
    stack.callback(setup_client.teardown, ctx)
    nemesis = the_plan.nemesis.nemesis.setup(ctx)
    stack.callback(nemesis.teardown, ctx)
    writer = HistoryLog(run.history)
    stack.callback(writer.close)
    interpreter = Interpreter(
        ctx=ctx, client=the_plan.client, nemesis=nemesis,
        generator=build_generator(test, the_plan.workload, the_plan.nemesis), sink=writer,
        concurrency=test.concurrency, op_timeout_s=test.op_timeout, keep_history=False,
        watchdog=watchdog_for(test, the_plan.nemesis),
    )

    def faults() -> Sequence[str]:
        if isinstance(nemesis, ReportsFaults):
            return nemesis.active_faults()
        last = interpreter.stats.last_nemesis
        return [last] if last else []

    faults_named = [n for n in test.nemesis if n != "none"]
    obs.phase(f"faults: {', '.join(faults_named) if faults_named else 'none (--nemesis none)'}")
    log.info("workload starts")
    clock.reset()
    if isinstance(db, HasPrimaries):  # who led when, for the report (harness/shell/primaries.py)
        poller = PrimaryPoller(ctx, db, path=run.path / PRIMARIES, clock=clock, log=log)
        poller.start()
        stack.callback(poller.stop)
    obs.workload_started(interpreter.stats, clock, faults)
    try:
        interpreter.run()
    finally:
        obs.workload_finished()
        stats = interpreter.stats
        log.info("workload ended: %d invoked, %d ok, %d fail, %d info, %d nemesis ops",
                 stats.invoked, stats.ok, stats.fail, stats.info, stats.nemesis)


def _on_all_nodes(ctx: RunContext, fn: Callable[[RunContext, str], None]) -> None:
    """``fn(ctx, node)`` on every node in parallel; the first error is raised after all end."""
    with ThreadPoolExecutor(max_workers=len(ctx.nodes)) as pool:
        futures = [pool.submit(fn, ctx, node) for node in ctx.nodes]
    for future in futures:
        future.result()


def _teardown_db(ctx: RunContext, db: DB) -> None:
    def one(ctx: RunContext, node: str) -> None:
        try:
            db.teardown(ctx, node)
        finally:
            if isinstance(db, HasLogFiles):
                collect_logs(ctx.node_dir(node), db.log_files(ctx, node),
                             read=lambda path: ctx.runtime.get_file(node, path))

    _on_all_nodes(ctx, one)


def _wait_for_primary(ctx: RunContext, db: HasPrimaries, log: logging.Logger) -> None:
    deadline = time.monotonic() + PRIMARY_WAIT_S
    while time.monotonic() < deadline:
        primaries = list(db.primaries(ctx))
        if primaries:
            log.info("primary: %s", ", ".join(primaries))
            return
        time.sleep(0.05)
    log.warning("no primary after %.0f s; starting the workload anyway", PRIMARY_WAIT_S)


def _analyse(
    the_plan: Plan, run: RunDir, log: logging.Logger, obs: RunObserver,
    interrupted: Interrupted | None, *, stalled: StallError | None = None,
) -> RunOutcome:
    obs.phase("checking the history")
    history = read_jsonl(run.history)
    if interrupted is not None:
        return _analyse_prefix(the_plan, run, history, interrupted, log)
    try:
        results = _check(the_plan, history)
    except Interrupted as e:
        results = write_results(run.results, RunResults(
            verdict=Verdict.UNKNOWN, reason=f"analysis interrupted by {e}"))
        return RunOutcome(run_dir=run.path, verdict=results.verdict,
                          exit_code=ExitCode.UNKNOWN, results=results, interrupted=True)
    except Exception as e:  # a checker that raises never loses the run
        log.exception("checker failed")
        results = RunResults(verdict=Verdict.UNKNOWN, error=f"{type(e).__name__}: {e}")
    verdict = results.verdict
    code = exit_code(verdict)
    if stalled is not None:
        # the run did not finish: never valid; a proven anomaly still stands (exit 1)
        if verdict is not Verdict.INVALID:
            verdict = Verdict.UNKNOWN
            code = ExitCode.HARNESS_FAILED
        results = replace(results, verdict=verdict, harness_failure=HarnessFailure(
            kind=stalled.kind.value, reason=stalled.reason,
            at_s=round(stalled.at_ns / 1e9, 3),
            detail="the watchdog ended the run; controller.log has what every thread was "
                   "doing"))
    results = write_results(run.results, results)
    return RunOutcome(run_dir=run.path, verdict=verdict, exit_code=code, results=results,
                      stalled=stalled is not None)


def _check(the_plan: Plan, history: History) -> RunResults:
    """The workload's checker, then the coverage checks
    (:func:`harness.shell.analysis.check_history`, shared with ``splitbrain analyze``)."""
    return check_history(the_plan.test, the_plan.workload, history)


def _analyse_prefix(
    the_plan: Plan, run: RunDir, history: History, interrupted: Interrupted,
    log: logging.Logger,
) -> RunOutcome:
    """An interrupted run: check the prefix for a proven anomaly within a short budget (a second
    Ctrl-C gives up at once). Invalid stays invalid (exit 1); anything else is unknown (exit 2)."""
    found: list[CheckResult] = []

    def check() -> None:
        try:
            found.append(the_plan.workload.checker.check(the_plan.test, history))
        except Exception as e:
            log.warning("checking the interrupted prefix failed: %s: %s", type(e).__name__, e)

    checker = threading.Thread(target=check, name="prefix-check", daemon=True)
    checker.start()
    with contextlib.suppress(Interrupted):
        checker.join(INTERRUPTED_CHECK_S)
    reason = f"interrupted by {interrupted}; the history is a prefix"
    verdict = Verdict.UNKNOWN
    prefix = found[0] if found else None
    if prefix is not None:
        if prefix.verdict is Verdict.INVALID:
            verdict = Verdict.INVALID
            reason += ", and it already shows an anomaly"
    else:
        reason += f" (not checked within {INTERRUPTED_CHECK_S:g} s)"
    results = write_results(run.results, RunResults(verdict=verdict, workload=prefix,
                                                    reason=reason))
    return RunOutcome(run_dir=run.path, verdict=verdict, exit_code=exit_code(verdict),
                      results=results, interrupted=True)


__all__ = [
    "Plan",
    "QuietObserver",
    "RunObserver",
    "RunOutcome",
    "build_generator",
    "plan",
    "run_test",
    "watchdog_for",
]
