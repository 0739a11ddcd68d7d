"""Reading histories in any supported format, and finding them in folders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

from harness.errors import HistoryFormatError
from harness.history import History
from harness.jepsen_files import read_edn, read_jepsen_log
from harness.jsonl import read_jsonl


class HistoryFormat(StrEnum):
    """The formats ``splitbrain check --format`` accepts."""

    AUTO = "auto"
    JSONL = "jsonl"
    EDN = "edn"
    JEPSEN_LOG = "jepsen-log"


_READERS: dict[HistoryFormat, Callable[[str | os.PathLike[str]], History]] = {
    HistoryFormat.JSONL: read_jsonl,
    HistoryFormat.EDN: read_edn,
    HistoryFormat.JEPSEN_LOG: read_jepsen_log,
}
_BY_SUFFIX = {
    ".jsonl": HistoryFormat.JSONL,
    ".json": HistoryFormat.JSONL,
    ".edn": HistoryFormat.EDN,
    ".log": HistoryFormat.JEPSEN_LOG,
    ".txt": HistoryFormat.JEPSEN_LOG,
}
_FOLDER_NAMES = {"history.txt", "jepsen.log"}
"""Text-log names picked up when searching folders (other .log/.txt files are node logs)."""


def detect_format(path: str | os.PathLike[str]) -> HistoryFormat:
    """The format of a file, from its suffix or else from its first meaningful character."""
    p = Path(path)
    if p.suffix.lower() in _BY_SUFFIX:
        return _BY_SUFFIX[p.suffix.lower()]
    try:
        with open(p, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError as e:
        raise HistoryFormatError(f"cannot read: {e.strerror}", file=str(p)) from e
    if "jepsen.util" in head:
        return HistoryFormat.JEPSEN_LOG
    for raw in head.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith('{"'):
            return HistoryFormat.JSONL
        if line[0] in "[({":
            return HistoryFormat.EDN
        return HistoryFormat.JEPSEN_LOG
    raise HistoryFormatError("empty file: no history format can be detected", file=str(p))


def read_history(
    path: str | os.PathLike[str], fmt: HistoryFormat = HistoryFormat.AUTO
) -> History:
    """Read one history file; raises :class:`HistoryFormatError` for anything malformed."""
    chosen = detect_format(path) if fmt is HistoryFormat.AUTO else fmt
    history = _READERS[chosen](path)
    history.operations()  # pairing errors are format errors too: raise them here, with lines
    return history


def find_histories(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files given directly, plus the history files found (recursively) in given folders.

    In folders: ``*.jsonl``, ``*.edn`` and Jepsen logs named ``history.txt`` or ``jepsen.log``.
    """
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for candidate in sorted(p.rglob("*")):
                if candidate.is_file() and (
                    candidate.suffix in (".jsonl", ".edn") or candidate.name in _FOLDER_NAMES
                ):
                    found.append(candidate)
        else:
            found.append(p)
    return found


__all__ = ["HistoryFormat", "detect_format", "find_histories", "read_history"]
