"""A stored run as the report sees it: its files, read leniently (a crashed run still reports)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jepsen_files import read_edn
from harness.kernel.jsonl import iter_jsonl, read_jsonl
from harness.kernel.jsontypes import JSON
from harness.shell.primaries import PRIMARIES, PrimaryChange, read_primaries

TEST_JSON = "test.json"
HISTORY = "history.jsonl"
HISTORY_EDN = "history.edn"
RESULTS = "results.json"
REPORT = "report.html"
NODES = "nodes"
MAX_LOG_FILES = 500
"""Node log files listed by name at most (the rest are counted)."""


class RunError(ValueError):
    """The directory is not a run that can be reported (the message says why)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeLog:
    """A file under ``nodes/``: its path relative to the run directory and its size."""

    node: str
    path: str
    size: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Run:
    """What a run directory holds; missing or broken parts are ``None`` with a note why."""

    path: Path
    config: dict[str, JSON] | None
    history: History | None
    results: JSON | None
    node_logs: tuple[NodeLog, ...]
    node_logs_elided: int = 0
    files: tuple[str, ...] = ()
    """Top-level files present (for links)."""
    problems: tuple[str, ...] = field(default=())
    """What could not be read, in words."""
    primaries: tuple[PrimaryChange, ...] = ()
    """Who was primary when (``primaries.jsonl``, see ``harness/shell/primaries.py``); empty if the
    target cannot say or the file is missing."""


def _read_json(path: Path, problems: list[str]) -> JSON | None:
    if not path.exists():
        problems.append(f"{path.name} is missing")
        return None
    try:
        value: JSON = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        problems.append(f"{path.name} cannot be read: {e}")
        return None
    except json.JSONDecodeError as e:
        problems.append(f"{path.name} is not valid JSON (line {e.lineno}, column {e.colno}): "
                        f"{e.msg}")
        return None
    return value


def _read_prefix(jsonl: Path, problems: list[str]) -> History:
    """The ops of ``history.jsonl`` up to its first bad line (named in ``problems``)."""
    ops = []
    lines = []
    try:
        for lineno, op in iter_jsonl(jsonl):
            lines.append(lineno)
            ops.append(op)
    except HistoryFormatError as e:
        problems.append(f"history read up to the first bad line: {e.describe()}")
    return History(tuple(ops), source=str(jsonl), lines=tuple(lines))


def _read_history(run_dir: Path, problems: list[str]) -> History | None:
    jsonl = run_dir / HISTORY
    if jsonl.exists():
        try:
            history = read_jsonl(jsonl)
        except HistoryFormatError:
            history = _read_prefix(jsonl, problems)
    elif (run_dir / HISTORY_EDN).exists():
        try:
            history = read_edn(run_dir / HISTORY_EDN)
        except HistoryFormatError as e:
            problems.append(f"history cannot be read: {e.describe()}")
            return None
    else:
        problems.append(f"{HISTORY} is missing")
        return None
    try:
        history.operations()
    except HistoryFormatError as e:
        problems.append(f"history operations cannot be paired: {e.describe()}")
        return History(tuple(op for op in history.ops if not op.is_client), source=history.source)
    return history


def _node_logs(run_dir: Path) -> tuple[list[NodeLog], int]:
    root = run_dir / NODES
    if not root.is_dir():
        return [], 0
    logs: list[NodeLog] = []
    elided = 0
    root_real = root.resolve()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if not path.resolve().is_relative_to(root_real):
            continue  # a symlink out of the run is not linked
        if len(logs) >= MAX_LOG_FILES:
            elided += 1
            continue
        rel = path.relative_to(root)
        logs.append(NodeLog(node=rel.parts[0] if len(rel.parts) > 1 else "",
                            path=path.relative_to(run_dir).as_posix(),
                            size=path.stat().st_size))
    return logs, elided


def load_run(path: str | Path) -> Run:
    """Read a run directory; raises :class:`RunError` if it is not one."""
    run_dir = Path(path)
    if not run_dir.exists():
        raise RunError(f"{run_dir}: no such directory")
    if not run_dir.is_dir():
        raise RunError(f"{run_dir}: not a directory (expected a run directory of the store)")
    known = (TEST_JSON, HISTORY, HISTORY_EDN, RESULTS)
    if not any((run_dir / name).exists() for name in known):
        raise RunError(f"{run_dir}: not a run directory (none of {', '.join(known)} is there)")
    problems: list[str] = []
    config = _read_json(run_dir / TEST_JSON, problems)
    if config is not None and not isinstance(config, dict):
        problems.append(f"{TEST_JSON} is not a JSON object")
        config = None
    results = _read_json(run_dir / RESULTS, problems)
    history = _read_history(run_dir, problems)
    primaries, bad = read_primaries(run_dir / PRIMARIES)
    problems.extend(bad)
    logs, elided = _node_logs(run_dir)
    files = tuple(sorted(p.name for p in run_dir.iterdir() if p.is_file() and p.name != REPORT))
    return Run(path=run_dir, config=config, history=history, results=results,
               node_logs=tuple(logs), node_logs_elided=elided, files=files,
               problems=tuple(problems), primaries=tuple(primaries))


__all__ = [
    "HISTORY",
    "NODES",
    "REPORT",
    "RESULTS",
    "TEST_JSON",
    "NodeLog",
    "Run",
    "RunError",
    "load_run",
]
