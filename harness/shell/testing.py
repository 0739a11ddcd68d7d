"""Run a Splitbrain test from Python and judge its verdict (what the pytest plugin is made of).

    outcome = run("--target", "example-kv", nemesis="partition", time_limit=10,
                  target_opt={"reads": "local"})
    outcome.expect(Verdict.INVALID)

:func:`run` takes exactly the options of ``splitbrain run``: as command-line arguments, as keyword
arguments named like the options (``time_limit=10`` is ``--time-limit 10``), or both. They are
parsed by the ``run`` command itself, so types, ranges and defaults are the CLI's. The run is the
CLI's too (:func:`harness.shell.run.run_test`); only the printing differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checkers.verdict import ExitCode, Verdict

if TYPE_CHECKING:
    from harness.kernel.config import TestConfig
    from harness.shell.run_results import RunResults


class OptionsError(TypeError):
    """A keyword argument that is no option of ``splitbrain run``, or a value it cannot take."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Outcome:
    """What a run ended with: its verdict and where to look (``report``, ``run_dir``)."""

    test: TestConfig
    verdict: Verdict
    exit_code: ExitCode
    run_dir: Path
    results: RunResults | None = None
    """The run's ``results.json``, typed (:class:`harness.shell.run_results.RunResults`)."""
    interrupted: bool = False

    @property
    def report(self) -> Path:
        """``<run_dir>/report.html``: open it in a browser."""
        return self.run_dir / "report.html"

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def invalid(self) -> bool:
        return self.verdict is Verdict.INVALID

    def explain(self) -> str:
        """One paragraph: verdict, each checker's, seed, and the report's path."""
        return (f"{self.test.name}: {self.verdict.value}{breakdown(self.results)}; "
                f"seed {self.test.seed}; report: {self.report}")

    def expect(self, verdict: Verdict | str) -> Outcome:
        """Return self if the verdict is ``verdict``; else raise AssertionError with the
        checkers' verdicts, the seed and the report's path."""
        wanted = Verdict(verdict)
        if self.verdict is not wanted:
            raise AssertionError(f"expected {wanted.value}, got {self.explain()}")
        return self

    def __repr__(self) -> str:  # what pytest shows for ``assert outcome.valid``
        return f"<splitbrain outcome {self.explain()}>"


def breakdown(results: RunResults | None) -> str:
    """`` (linearizable: invalid; stats: valid)``: as ``splitbrain run`` prints it."""
    from harness.shell.commands.run import _breakdown

    return _breakdown(results) if results is not None else ""


def arguments(options: Mapping[str, object]) -> list[str]:
    """Keyword options -> ``splitbrain run`` arguments.

    ``name=value`` is ``--name value`` (underscores become dashes); a repeatable option takes a
    mapping (``target_opt={"bug": "stale-reads"}``) or a sequence of ``K=V``; ``nemesis`` also
    takes a sequence of names; a flag takes a bool; None leaves the option out.
    Raises :class:`OptionsError` for an unknown name.
    """
    from harness.shell.commands.run import command

    params = {p.name: p for p in command.params if p.name is not None}
    args: list[str] = []
    for name, value in options.items():
        param = params.get(name)
        if param is None:
            raise OptionsError(f"splitbrain run has no option {name!r}; options: "
                               f"{', '.join(sorted(params))}")
        if value is None:
            continue
        flag = max(param.opts, key=len)  # --time-limit
        if getattr(param, "is_flag", False):
            if value is True:
                args.append(flag)
            elif value is not False:
                raise OptionsError(f"{name} is a flag: give True or False, not {value!r}")
        elif param.multiple:
            items = ([f"{k}={v}" for k, v in value.items()] if isinstance(value, Mapping)
                     else [value] if isinstance(value, str | Path)
                     else list(value) if isinstance(value, Sequence) else [value])
            for item in items:
                args += [flag, str(item)]
        elif isinstance(value, Sequence) and not isinstance(value, str):
            args += [flag, ",".join(str(v) for v in value)]
        else:
            args += [flag, str(value)]
    return args


def config(*args: str, **options: object) -> TestConfig:
    """The :class:`TestConfig` that ``splitbrain run ARGS OPTIONS`` would run.

    Raises :class:`OptionsError`, ``click.UsageError`` or
    :class:`harness.shell.run_options.RunOptionError` for bad options.
    """
    from harness.shell.commands.run import parse_args

    return parse_args([*args, *arguments(options)]).to_test()


def run(*args: str, **options: object) -> Outcome:
    """Run ``splitbrain run ARGS OPTIONS`` in this process and return its :class:`Outcome`.

    Bad options raise (see :func:`config`), as do a target, workload or nemesis that cannot be
    resolved (:data:`harness.shell.commands.run.BAD_INPUT`) and harness failures (a target that
    would not start, no root for namespaces). The verdict is for the caller to judge.
    """
    from harness.shell.run import plan, run_test

    test = config(*args, **options)
    done = run_test(test, resolved=plan(test))
    return Outcome(test=test, verdict=done.verdict, exit_code=done.exit_code,
                   run_dir=done.run_dir, results=done.results, interrupted=done.interrupted)


__all__ = ["OptionsError", "Outcome", "arguments", "config", "run"]
