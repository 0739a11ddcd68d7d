"""``splitbrain check``: verdicts for existing histories (jsonl, Jepsen EDN or Jepsen text log)."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import click

from checkers.consistency import TRANSACTIONAL
from checkers.elle import TXN_MODELS
from checkers.evidence import lack_of_evidence
from checkers.linearizable import (
    MODEL_NAMES,
    LinearizabilityResult,
    Progress,
    check,
    get_model,
)
from checkers.verdict import ExitCode, Verdict, exit_code, merge
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.historyio import HistoryFormat, LoadedHistory, find_histories, load_history
from harness.kernel.independent import Independence, split_independent
from harness.kernel.intranges import IntRangesError, plain_set_reads
from harness.kernel.jsontypes import JSON
from reports.linearizable_text import explain

EPILOG = """\b
Examples:
  splitbrain check store/latest/history.jsonl --model cas-register
  splitbrain check runs/ --model register --json > verdicts.jsonl
  splitbrain check history.edn --model knossos-cas-register --time-limit 10
  splitbrain check jepsen.log --format jepsen-log --model mutex
  splitbrain check elle-history.edn --model list-append --consistency-model serializable

\b
Formats (--format auto decides from the content, never the file name): history.jsonl;
Jepsen history.edn (op maps, #jepsen.history.Op records or Knossos [process type f value]
vectors); Jepsen text histories and jepsen.log files in every layout (2015, 0.1, logback 0.2/0.3).

\b
Exit codes: 0 all valid, 1 some invalid, 2 unknown (could not decide within the budget),
254 unreadable, malformed or uninterpretable input, no operations in a file, or none that
completed ok (nothing to judge: never valid); the message names file, line and field.
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class FileOutcome:
    """The verdict on one file, or why it could not be read."""

    file: str
    verdict: Verdict
    seconds: float
    ops: int
    error: str | None = None
    bad_input: bool = False
    details: JSON = None
    format: str | None = None
    """The format the file was read as (``None`` when it could not be read)."""
    independent_keys: int | None = None
    """Keys found in jepsen.independent ``[key value]`` values (``None``: not split)."""
    no_evidence: bool = False
    """True when the file was read but holds nothing to judge (no operation completed ok):
    verdict unknown, ``error`` says why, exit 254 (:mod:`checkers.evidence`)."""
    summary: dict[str, JSON] | None = None

    def to_json(self, model: str) -> dict[str, JSON]:
        out: dict[str, JSON] = {
            "file": self.file,
            "verdict": self.verdict.value,
            "seconds": round(self.seconds, 6),
            "ops": self.ops,
            "model": model,
            "format": self.format,
            "independent_keys": self.independent_keys,
        }
        if self.error is not None:
            out["error"] = self.error
            out["bad_input"] = self.bad_input
        if self.no_evidence:
            out["no_evidence"] = True
        if self.summary is not None:
            out.update(self.summary)
        if self.details is not None:
            out["result"] = self.details
        return out


def _key_progress(path: Path) -> Progress:
    """A one-line progress display of keys checked, for long checks on a terminal."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if total > 1 and time.monotonic() - started > 0.5:
            end = "\n" if done == total else ""
            click.echo(f"\r  {path.name}: {done}/{total} keys checked", err=True, nl=False)
            click.echo(end, err=True, nl=False)

    return show


def _shown(loaded: LoadedHistory) -> str:
    return loaded.format.value + (" (detected)" if loaded.detected else "")


def _bad(path: Path, error: str, *, ops: int = 0, fmt: str | None = None) -> FileOutcome:
    return FileOutcome(file=str(path), verdict=Verdict.UNKNOWN, seconds=0.0, ops=ops,
                       error=error, bad_input=True, format=fmt)


def _nothing_to_judge(path: Path, history: History, model_name: str,
                      fmt: str) -> FileOutcome | None:
    """The outcome for a history with no operation that completed ok, else None.

    Raises :class:`HistoryFormatError` when the history cannot be paired into operations."""
    operations = history.operations()
    if model_name in TXN_MODELS:
        operations = [o for o in operations if o.f == "txn"]
        if not operations:
            return None  # the transaction reader names what is missing ("no txn operations")
    reason = lack_of_evidence(operations)
    if reason is None:
        return None
    return FileOutcome(file=str(path), verdict=Verdict.UNKNOWN, seconds=0.0, ops=len(history),
                       error=f"{path}: {reason}; a verdict needs at least one operation that "
                             "completed ok",
                       no_evidence=True, format=fmt)


def _problem_error(history: History, result: LinearizabilityResult) -> HistoryFormatError | None:
    """The first operation the model could not interpret, as an error naming its line."""
    problems = result.problems
    if not problems:
        return None
    problem = min(problems, key=lambda p: p.operation)
    operations = history.operations()
    line = None
    if 0 <= problem.operation < len(operations):
        op = operations[problem.operation]
        position = op.ret if problem.completion and op.ret is not None else op.call
        line = history.line_of(position)
    return HistoryFormatError(
        f"the model cannot interpret this operation: {problem.message}",
        file=history.source, line=line, field=problem.field,
    )


def _check_file(
    path: Path, fmt: HistoryFormat, model_name: str, time_limit: float | None,
    progress: Progress | None = None, *, independence: Independence = Independence.AUTO,
    all_keys: bool = False, consistency_model: str = "strict-serializable",
) -> tuple[FileOutcome, str | None]:
    try:
        loaded = load_history(path, fmt)
        loaded = replace(loaded, history=plain_set_reads(loaded.history))  # compact set reads
        empty = _nothing_to_judge(path, loaded.history, model_name, _shown(loaded))
        if empty is not None:
            return empty, None
        if model_name in TXN_MODELS:
            from harness.shell.commands._check_txn import check_txn_file

            outcome, text = check_txn_file(path, loaded.history, model_name, consistency_model,
                                           time_limit)
            return replace(outcome, format=_shown(loaded)), text
        split = split_independent(loaded.history, independence)
    except IntRangesError as e:
        return _bad(path, f"{path}: {e}"), None
    except HistoryFormatError as e:
        return _bad(path, e.describe()), None
    history = split.history
    shown_format = _shown(loaded)
    model = get_model(model_name)
    started = time.perf_counter()
    try:
        result = check(history, model, time_limit=time_limit, progress=progress,
                       stop_on_invalid=not all_keys)
    except HistoryFormatError as e:
        return _bad(path, e.describe(), ops=len(history), fmt=shown_format), None
    except Exception as e:  # a checker that raises is unknown, never a lost run (DESIGN.md)
        return FileOutcome(file=str(path), verdict=Verdict.UNKNOWN,
                           seconds=time.perf_counter() - started, ops=len(history),
                           error=f"checker failed: {type(e).__name__}: {e}",
                           format=shown_format), None
    seconds = time.perf_counter() - started
    problem = _problem_error(history, result)
    if problem is not None:
        return _bad(path, problem.describe(), ops=len(history), fmt=shown_format), None
    text = explain(result) if result.verdict is not Verdict.VALID else None
    from harness.shell.commands._sessions import session_summary

    sessions, session_text = session_summary(model_name, history, result.verdict)
    if session_text is not None and text is not None:
        text = f"{text}\n{session_text}"
    counts = result.status_counts()
    if len(result.keys) > 1:
        statuses = ", ".join(f"{n} {s.value}" for s, n in sorted(counts.items()))
        note = f"keys: {statuses}"
        text = note if text is None else f"{note}\n{text}"
    return FileOutcome(file=str(path), verdict=result.verdict, seconds=seconds,
                       ops=len(history), details=result.to_json(), format=shown_format,
                       independent_keys=split.keys if split.split else None,
                       summary=sessions), text


def _table(outcomes: list[FileOutcome]) -> str:
    width = min(max((len(o.file) for o in outcomes), default=4), 70)
    rows = [f"{'verdict':<9} {'ops':>8} {'seconds':>9}  {'format':<21} file"]
    for o in outcomes:
        name = o.file if len(o.file) <= width else "…" + o.file[-(width - 1):]
        label = "bad-input" if o.bad_input else o.verdict.value
        fmt = o.format or "-"
        if o.independent_keys is not None:
            fmt += f" [{o.independent_keys} keys]"
        rows.append(f"{label:<9} {o.ops:>8} {o.seconds:>9.3f}  {fmt:<21} {name}")
    counts: dict[str, int] = {}
    for o in outcomes:
        key = "bad input" if o.bad_input else o.verdict.value
        counts[key] = counts.get(key, 0) + 1
    total = sum(o.seconds for o in outcomes)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    rows.append(f"{len(outcomes)} file(s): {summary}; {total:.3f} s checking")
    return "\n".join(rows)


@click.command(name="check", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", "-m", "model_name", required=True,
              type=click.Choice((*MODEL_NAMES, *TXN_MODELS)),
              help="The model the history must be linearizable against, or a transactional "
                   "workload (list-append, rw-register) for Elle-style anomaly checking.")
@click.option("--consistency-model", default="strict-serializable", show_default=True,
              type=click.Choice(TRANSACTIONAL),
              help="With list-append or rw-register: the model the history must satisfy "
                   "(invalid only for anomalies this model forbids; all found are listed).")
@click.option("--format", "fmt", type=click.Choice([f.value for f in HistoryFormat]),
              default=HistoryFormat.AUTO.value, show_default=True,
              help="Input format; auto decides from the content (not the file name) and the "
                   "table says which format was used.")
@click.option("--independent/--no-independent", "independent", default=None,
              help="Split jepsen.independent values ([key value], cas [key [old new]]) by key "
                   "(--independent: every op must be such a pair) or never (--no-independent). "
                   "Default: split when every client op has such a value; refuse (exit 254) "
                   "when that is ambiguous, e.g. one operation invoked with [key value] in some "
                   "ops and with a plain value in others.")
@click.option("--all-keys", is_flag=True,
              help="Keep checking every key after one is found invalid (default: stop at the "
                   "first invalid key, since the verdict is then known; the others are reported "
                   "as not decided).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, help="Seconds of search per file before the verdict is unknown.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per file (file, verdict, seconds, ...) instead of text.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary table (text mode).")
def command(
    *,
    paths: tuple[Path, ...],
    model_name: str,
    consistency_model: str,
    fmt: str,
    time_limit: float,
    independent: bool | None,
    all_keys: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Check histories for linearizability against a model, or for transactional anomalies.

    PATHS are history files or folders; folders are searched for *.jsonl, *.edn, history.txt
    and jepsen.log. Each file gets its own verdict; the exit code is the worst of them.
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {missing[0]}", param_hint="PATHS")
    files = find_histories(paths)
    if not files:
        raise click.BadParameter("no history files found in the given folders", param_hint="PATHS")
    outcomes: list[FileOutcome] = []
    show_bar = not as_json and len(files) > 1 and sys.stderr.isatty()
    with click.progressbar(files, label="checking", file=sys.stderr,
                           show_pos=True, item_show_func=lambda p: p.name if p else "") \
            if show_bar else _NoBar(files) as items:
        for path in items:
            progress = _key_progress(path) if sys.stderr.isatty() and not as_json else None
            independence = (
                Independence.AUTO if independent is None
                else Independence.ON if independent else Independence.OFF
            )
            outcome, text = _check_file(path, HistoryFormat(fmt), model_name, time_limit,
                                        progress, independence=independence, all_keys=all_keys,
                                        consistency_model=consistency_model)
            outcomes.append(outcome)
            if as_json:
                click.echo(json.dumps(outcome.to_json(model_name), separators=(",", ":")))
                continue
            if outcome.error is not None:
                click.echo(f"splitbrain check: {outcome.error}", err=True)
            elif text is not None and not quiet:
                click.echo(f"\n{outcome.file}: {outcome.verdict.value}\n{text}")
    if not as_json:
        click.echo(_table(outcomes))
    if any(o.bad_input or o.no_evidence for o in outcomes):
        sys.exit(ExitCode.BAD_INPUT)
    sys.exit(exit_code(merge(o.verdict for o in outcomes)))


class _NoBar:
    """A stand-in for ``click.progressbar`` when no bar is shown."""

    def __init__(self, items: list[Path]) -> None:
        self.items = items

    def __enter__(self) -> list[Path]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


__all__ = ["command"]
