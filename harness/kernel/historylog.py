"""The interpreter's history writer: ``history.jsonl`` lines, written in small bursts.

The lines of :func:`harness.kernel.jsonl.encode_line` (the one serialiser of an op), as
:class:`harness.kernel.jsonl.JsonlWriter` writes them, but
``write`` only keeps the op, and ``flush`` encodes the burst and hands it to the OS in one system
call. The interpreter
flushes before it hands any invocation to a worker and before it waits, so a crash can only lose
records of operations that had not been sent yet, or completions whose invocations are then read
as indeterminate: the prefix on disk is always a correct history.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from harness.kernel.jsonl import encode_lines
from harness.kernel.ops import Op


class HistoryLog:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._pending: list[Op] = []
        self.write: Callable[[Op], None] = self._pending.append
        """Keep ``op`` for the next flush (the list's own append: no wrapper call per op)."""

    def flush(self) -> None:
        if not self._pending or self._fd is None:
            return
        data = encode_lines(self._pending)
        self._pending.clear()
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def close(self) -> None:
        if self._fd is not None:
            self.flush()
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> HistoryLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["HistoryLog"]
