"""``splitbrain run``: start a target, run a workload under a nemesis, check, give a verdict."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from checkers.verdict import ExitCode, Verdict
from harness.kernel.config import RuntimeKind
from harness.kernel.errors import BadInputError
from harness.kernel.nodes import RuntimeUnavailableError
from harness.shell.commands.ssh_options import ssh_flags, ssh_runtime_options
from harness.shell.progress import LiveProgress
from harness.shell.run import plan, run_test
from harness.shell.run_options import DEFAULTS, RunOptionError, RunOptions, pairs
from harness.shell.run_results import RunResults
from harness.shell.runtime.netns import MAX_NODES
from harness.shell.runtime.registry import all_specs, capability_table
from harness.shell.signals import Interrupted, interrupts_raise

if TYPE_CHECKING:
    from checkers.result_json import AnyResult

BAD_INPUT = (BadInputError,)
"""What a bad ``splitbrain run`` input raises (exit 254): every :class:`BadInputError`, e.g.
:class:`TargetError`, :class:`WorkloadOptionError`, :class:`UnknownWorkloadError`,
:class:`NemesisOptionError`, :class:`StoreError`, :class:`PluginError`, :class:`RunOptionError`
and :class:`RuntimeOptionError`."""


def _runtime_epilog() -> str:
    """The runtimes and the capability table (runtime x fault), for ``--help``."""
    lines = ["\b", "Runtimes (--runtime):"]
    lines += [f"  {spec.kind.value:<8}{spec.summary}" for spec in all_specs()]
    lines += ["", "\b", "Faults each runtime can inject (others are refused, exit 254):"]
    lines += ["  " + row for row in capability_table().splitlines()]
    return "\n".join(lines)


def _fail(message: str, code: ExitCode) -> None:
    click.echo(f"splitbrain run: {message}", err=True)
    sys.exit(code)


@click.command("run", epilog=_runtime_epilog())
@click.option("--target", default=DEFAULTS.target, show_default=True,
              help="System under test: a builtin (raftkv, etcd, redis), an installed plugin's "
                   "name, or package.module:factory (see `splitbrain list`).")
@click.option("--workload", default=DEFAULTS.workload, show_default=True,
              help="Workload to run: a builtin, a plugin's name, or package.module:factory.")
@click.option("--nemesis", default=",".join(DEFAULTS.nemesis), show_default=True,
              help="Comma-separated faults: partition, kill, pause, clock, packet (or loss, "
                   "bandwidth, delay), a plugin's name or package.module:factory; "
                   "default = partition, kill, pause and clock, as far as the target and the "
                   "runtime can take them; none = no faults. Built-in faults are mixed with "
                   "targeted patterns (see `splitbrain nemeses`).")
@click.option("--nodes", type=click.IntRange(1, MAX_NODES), default=DEFAULTS.nodes,
              show_default=True, help="Number of nodes (n1..nN).")
@click.option("--concurrency", type=click.IntRange(1, 1000), default=DEFAULTS.concurrency,
              show_default=True, help="Number of client processes.")
@click.option("--time-limit", type=click.FloatRange(0.1, 86_400), default=DEFAULTS.time_limit,
              show_default=True, help="Seconds of workload.")
@click.option("--rate", type=click.FloatRange(0, 1_000_000), default=DEFAULTS.rate,
              show_default=True,
              help="Client operations per second in total (0 = as fast as possible).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Random seed (default: a fresh one, printed and stored).")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULTS.store, show_default=True, help="Where runs are stored.")
@click.option("--name", default=None, help="Test name (default: target-workload[-nemesis]).")
@click.option("--target-opt", multiple=True, metavar="K=V",
              help="Target option (repeatable), e.g. bug=stale-reads (raftkv) or "
                   "reads=serializable (etcd); an unknown key is refused (exit 254) with the "
                   "known ones.")
@click.option("--workload-opt", multiple=True, metavar="K=V",
              help="Workload option (repeatable), e.g. values=1000 (register) or final-wait=20 "
                   "(set); an unknown key is refused (exit 254) with the known ones.")
@click.option("--nemesis-opt", multiple=True, metavar="K=V",
              help="Nemesis option (repeatable), e.g. interval=5, kill.targets=majority, "
                   "topologies=bridge, patterns=none; `splitbrain nemeses` lists every key "
                   "with its meaning and default.")
@click.option("--op-timeout", type=click.FloatRange(0.01, 3600), default=DEFAULTS.op_timeout,
              show_default=True, help="Seconds after which a client op is recorded as info.")
@click.option("--min-ok", type=click.IntRange(0, 10**9), default=DEFAULTS.min_ok,
              show_default=True,
              help="Operations of each kind that must succeed during the workload; fewer makes "
                   "the verdict unknown (too little traffic), never valid.")
@click.option("--stall-timeout", type=click.FloatRange(1, 86_400),
              default=DEFAULTS.stall_timeout, show_default=True,
              help="Watchdog: seconds with nothing dispatched or completed while clients are "
                   "free before the run is ended as a harness failure (exit 255, or 1 if an "
                   "anomaly was already found).")
@click.option("--grace", type=click.FloatRange(0, 86_400), default=DEFAULTS.grace,
              show_default=True,
              help="Watchdog: seconds a run may go on past time limit + recovery + op timeout "
                   "before it is ended as a harness failure.")
@click.option("--runtime", type=click.Choice([k.value for k in RuntimeKind]),
              default=DEFAULTS.runtime, show_default=True,
              help="Where the nodes live: netns (namespaces on this host, needs root), docker "
                   "(containers on an internal network of the Docker engine at DOCKER_HOST or "
                   "the default socket) or ssh (real hosts: --hosts FILE and the ssh flags "
                   "below; docs/ssh.md); see the table below.")
@click.option("--runtime-opt", multiple=True, metavar="K=V",
              help="Runtime option (repeatable): the docker runtime's are adopt, adopt-names "
                   "and image; the ssh runtime's config, dir, hosts, key, known-hosts, "
                   "no-host-key-check and user (the flags below set them).")
@click.option("--docker-image", default=None, metavar="NAME",
              help="docker: run nodes from this image instead of the node image Splitbrain "
                   "builds (it needs python3 and what the target runs, at Debian's paths).")
@click.option("--adopt", default=None, metavar="LABEL=VALUE",
              help="docker: take the running containers with this label as the nodes (e.g. "
                   "com.docker.compose.project=myapp); they are never removed or changed.")
@click.option("--adopt-names", default=None, metavar="A,B,C",
              help="docker: take these running containers (by name) as the nodes.")
@ssh_flags
@click.pass_context
def command(ctx: click.Context, /, **_: object) -> None:
    """Run a test: start the target on nodes (namespaces or containers), drive the workload
    from concurrent clients while the nemesis injects faults, record the history, check it.

    Prints the verdict and the run directory; exits 0 valid, 1 invalid, 2 unknown (or
    interrupted), 254 bad arguments, 255 harness failure (e.g. the target would not start).
    """
    try:
        test = run_options(**ctx.params).to_test()
    except RunOptionError as e:
        _fail(str(e), ExitCode.BAD_INPUT)
    try:
        resolved = plan(test)
    except BAD_INPUT as e:
        _fail(str(e), ExitCode.BAD_INPUT)
    click.echo(f"splitbrain: seed {test.seed} (rerun with --seed {test.seed})", err=True)
    from harness.shell.fault_reach import short_time_limit_warning  # here: only `run` needs it

    warning = short_time_limit_warning(resolved.test)
    if warning is not None:
        click.echo(f"splitbrain: warning: {warning}", err=True)
    progress = LiveProgress(sys.stderr)
    try:
        with interrupts_raise() as guard:
            outcome = run_test(test, observer=progress, guard=guard, resolved=resolved)
    except RuntimeUnavailableError as e:
        _fail(str(e), ExitCode.HARNESS_FAILED)
    except BAD_INPUT as e:
        _fail(str(e), ExitCode.BAD_INPUT)
    except Interrupted as e:
        _fail(f"interrupted by {e} before the run directory existed", ExitCode.UNKNOWN)
    except Exception as e:
        if os.environ.get("SPLITBRAIN_DEBUG") == "1":
            click.echo("".join(traceback.format_exception(e)), err=True)
        _fail(f"the harness failed: {e}", ExitCode.HARNESS_FAILED)
    if outcome.interrupted:
        click.echo(f"splitbrain: interrupted; torn down. History prefix in {outcome.run_dir}",
                   err=True)
    failure = outcome.results.harness_failure
    if failure is not None:
        click.echo(f"splitbrain: harness failure: {failure.reason}; torn down and "
                   f"analysed (see controller.log)", err=True)
    click.echo(f"verdict: {outcome.verdict.value}{_breakdown(outcome.results)}")
    click.echo(f"run directory: {outcome.run_dir}")
    sys.exit(outcome.exit_code)


def run_options(
    *, target: str, workload: str, nemesis: str, nodes: int, concurrency: int,
    time_limit: float, rate: float, seed: int | None, store: Path, name: str | None,
    target_opt: Sequence[str], workload_opt: Sequence[str], nemesis_opt: Sequence[str],
    op_timeout: float, runtime: str = DEFAULTS.runtime, runtime_opt: Sequence[str] = (),
    docker_image: str | None = None, adopt: str | None = None, adopt_names: str | None = None,
    min_ok: int = DEFAULTS.min_ok, stall_timeout: float = DEFAULTS.stall_timeout,
    grace: float = DEFAULTS.grace, **ssh: str | bool | None,
) -> RunOptions:
    """The typed options from the values click parsed (the parameters are the option names;
    ``ssh_*`` are the ssh flags); raises :class:`RunOptionError` for a malformed K=V or an empty
    ``--nemesis``."""
    runtime_options = _runtime_options(runtime_opt, docker_image, adopt, adopt_names)
    runtime_options.update(ssh_runtime_options(ssh))
    return RunOptions(
        target=target, workload=workload,
        nemesis=tuple(n.strip() for n in nemesis.split(",") if n.strip()),
        nodes=nodes, concurrency=concurrency, time_limit=time_limit, rate=rate, seed=seed,
        store=store, name=name,
        target_options=pairs(list(target_opt), "--target-opt"),
        workload_options=pairs(list(workload_opt), "--workload-opt"),
        nemesis_options=pairs(list(nemesis_opt), "--nemesis-opt"),
        op_timeout=op_timeout, runtime=runtime,
        runtime_options=runtime_options,
        min_ok=min_ok, stall_timeout=stall_timeout, grace=grace,
    )


def _runtime_options(values: Sequence[str], image: str | None, adopt: str | None,
                     adopt_names: str | None) -> dict[str, str]:
    out = pairs(list(values), "--runtime-opt")
    for key, value in (("image", image), ("adopt", adopt), ("adopt-names", adopt_names)):
        if value is not None:
            out[key] = value
    return out


def parse_args(args: Sequence[str]) -> RunOptions:
    """The options of ``splitbrain run ARGS``, parsed by the command itself (its types, ranges and
    defaults); raises ``click.UsageError`` or :class:`RunOptionError` for bad ones."""
    with command.make_context("splitbrain run", list(args)) as ctx:
        params: dict[str, Any] = dict(ctx.params)
    return run_options(**params)


def _reason(result: AnyResult) -> str | None:
    """What a result says about why it is not valid, if anything."""
    from checkers.compose import CheckerFailure, SimpleResult
    from checkers.coverage import CoverageResult
    from checkers.elle import TxnCheckResult
    from checkers.linearizable import LinearizabilityResult
    from checkers.result_json import OtherResult
    from checkers.stats import StatsResult

    if isinstance(result, StatsResult | TxnCheckResult | CoverageResult | LinearizabilityResult):
        return result.reason
    if isinstance(result, CheckerFailure):
        return result.error
    if isinstance(result, OtherResult | SimpleResult):  # a plugin's: its JSON is all there is
        reason = result.data.get("reason")
        return reason if isinstance(reason, str) else None
    return None


def _breakdown(results: RunResults) -> str:
    """`` (linearizable: invalid; stats: valid; behaviour: CP-like)``: the verdict of each of
    the workload's checkers (the CP/AP label for the classification), and of the run-level
    checks that are not valid."""
    from checkers.behaviour import BehaviourResult  # here: run's start-up imports no checkers
    from checkers.compose import CompositeResult

    workload = results.workload
    if not isinstance(workload, CompositeResult) or not workload.parts:
        reason = results.reason or results.error
        return f" ({reason})" if reason else ""
    parts = []
    for name, part in workload.parts.items():
        if isinstance(part, BehaviourResult):  # informational: no verdict of its own
            parts.append(f"{name}: {part.behaviour.value}")
        elif part.verdict is not None:
            detail = _reason(part) if part.verdict is not Verdict.VALID else None
            parts.append(f"{name}: {part.verdict.value}" + (f", {detail}" if detail else ""))
    checked = len(parts)
    coverage = results.coverage  # run-level checks (traffic, faults applied)
    if coverage is not None and coverage.verdict is not Verdict.VALID:
        parts.append(f"coverage: {coverage.verdict.value}"
                     + (f", {coverage.reason}" if coverage.reason else ""))
    if len(parts) == checked and results.verdict is not Verdict.VALID and results.reason:
        parts.append(results.reason)  # e.g. interrupted by SIGINT
    return f" ({'; '.join(parts)})"
