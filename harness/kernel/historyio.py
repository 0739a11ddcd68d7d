"""Reading histories in any supported format, and finding them in folders.

``--format auto`` decides from the file's content, never from its name: the first meaningful line
says JSON (``{"``), EDN (``{:``, ``[``, ``(``, ``#``) or Jepsen text (anything else); if that
reader fails or finds no client operation, the other readers are tried, and the first one that
reads client operations wins. A file from which no client operation can be read is an error
("no operations found"), never an empty, trivially valid history.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jepsen_files import read_edn, read_jepsen_log
from harness.kernel.jsonl import read_jsonl


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
_FOLDER_NAMES = {"history.txt", "jepsen.log"}
"""Text-log names picked up when searching folders (other .log/.txt files are node logs)."""
_HEAD_BYTES = 65536


@dataclass(frozen=True, kw_only=True, slots=True)
class LoadedHistory:
    """A history and the format it was read as (``detected``: chosen by ``auto``)."""

    history: History
    format: HistoryFormat
    detected: bool


def _head(path: str | os.PathLike[str]) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_HEAD_BYTES)
    except OSError as e:
        raise HistoryFormatError(f"cannot read: {e.strerror}", file=str(path)) from e
    return raw.decode("utf-8", errors="replace").removeprefix("\ufeff")


def detect_format(path: str | os.PathLike[str]) -> HistoryFormat:
    """The format a file's content looks like (its first meaningful line), whatever its name."""
    for raw in _head(path).split("\n"):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith('{"') or line.startswith("{ \"") or line == "{":
            return HistoryFormat.JSONL
        if line[0] in "[({#":
            return HistoryFormat.EDN
        return HistoryFormat.JEPSEN_LOG
    raise HistoryFormatError(
        "no operations found: the file is empty (formats tried: "
        + ", ".join(f.value for f in _READERS) + ")",
        file=str(path),
    )


def _json_array(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts like a JSON array of objects (``[{"index": ...``)."""
    return "".join(_head(path).split()).startswith('[{"')


def _has_client_ops(history: History) -> bool:
    return any(op.is_client for op in history.ops)


def load_history(
    path: str | os.PathLike[str], fmt: HistoryFormat = HistoryFormat.AUTO
) -> LoadedHistory:
    """Read one history file, saying which format it was read as.

    Raises :class:`HistoryFormatError` (naming file, line and field) for anything malformed, and
    for a file with no client operation ("no operations found in FILE; formats tried: ...").
    """
    name = str(path)
    if fmt is not HistoryFormat.AUTO:
        history = _READERS[fmt](path)
        history.operations()  # pairing errors are format errors too: raise them here, with lines
        if not _has_client_ops(history):
            raise HistoryFormatError(f"no operations found in {name}; formats tried: {fmt.value}")
        return LoadedHistory(history=history, format=fmt, detected=False)
    first = detect_format(path)
    order = [first, *(f for f in _READERS if f is not first)]
    first_error: HistoryFormatError | None = None
    for candidate in order:
        try:
            history = _READERS[candidate](path)
            if _has_client_ops(history):
                history.operations()
                return LoadedHistory(history=history, format=candidate, detected=True)
        except HistoryFormatError as e:
            if first_error is None and candidate is first:
                first_error = e
    if first_error is not None:
        if _json_array(path):
            raise HistoryFormatError(
                f"{first_error.message}; the file looks like one JSON array of ops, but "
                "history.jsonl has one op object per line without the enclosing [ ] "
                "(e.g. jq -c '.[]' FILE > history.jsonl)",
                file=first_error.file, line=first_error.line, field=first_error.field,
            )
        raise first_error
    tried = ", ".join(f.value for f in order)
    raise HistoryFormatError(f"no operations found in {name}; formats tried: {tried}")


def read_history(
    path: str | os.PathLike[str], fmt: HistoryFormat = HistoryFormat.AUTO
) -> History:
    """Read one history file; raises :class:`HistoryFormatError` for anything malformed or for a
    file with no client operation (see :func:`load_history`)."""
    return load_history(path, fmt).history


def find_histories(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files given directly, plus the history files found (recursively) in given folders.

    In folders: ``*.jsonl``, ``*.edn`` and Jepsen logs named ``history.txt`` or ``jepsen.log``;
    inside a Splitbrain run directory (one with a ``test.json``) only its ``history.jsonl`` or
    ``history.edn``, not the run's other records (``primaries.jsonl``, node logs).
    """
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for candidate in sorted(p.rglob("*")):
                if candidate.is_file() and (
                    candidate.suffix in (".jsonl", ".edn") or candidate.name in _FOLDER_NAMES
                ) and not _run_record(candidate, p):
                    found.append(candidate)
        else:
            found.append(p)
    return found


def _run_record(candidate: Path, top: Path) -> bool:
    """True if ``candidate`` lies in a run directory (``test.json``; at or below ``top``) and is
    not that run's history."""
    folder = candidate.parent
    while True:
        if (folder / "test.json").is_file():
            return not (folder == candidate.parent and candidate.name in _RUN_HISTORIES)
        if folder in (top, folder.parent):
            return False
        folder = folder.parent


_RUN_HISTORIES = frozenset({"history.jsonl", "history.edn"})


__all__ = [
    "HistoryFormat",
    "LoadedHistory",
    "detect_format",
    "find_histories",
    "load_history",
    "read_history",
]
