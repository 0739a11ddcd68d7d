"""The interpreter's history writer: ``history.jsonl`` lines, written in small bursts.

Same format as :class:`harness.jsonl.JsonlWriter` (the JSON of :func:`~harness.jsonl.dumps_op`), but
``write`` only buffers and ``flush`` hands the burst to the OS in one system call. The interpreter
flushes before it hands any invocation to a worker and before it waits, so a crash can only lose
records of operations that had not been sent yet, or completions whose invocations are then read
as indeterminate: the prefix on disk is always a correct history.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType
from typing import cast

from harness.ops import Op, OpType

_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
_STRING = json.encoder.encode_basestring_ascii  # what the encoder uses for str (C)
_TYPES = {t: f',"type":"{t.value}","process":' for t in OpType}


def _value(v: object) -> str:
    kind = type(v)
    if kind is int:
        return str(v)
    if kind is str:
        return _STRING(cast(str, v))
    if v is None:
        return "null"
    return _ENCODER.encode(v)


def encode_op(op: Op) -> str:
    """Exactly :func:`harness.jsonl.dumps_op` (same keys, order and separators), faster."""
    process = op.process
    line = (
        f'{{"index":{op.index},"time":{op.time}{_TYPES[op.type]}'
        f'{str(process) if type(process) is int else _value(process)}'
        f',"f":{_STRING(op.f)},"value":{_value(op.value)}'
    )
    if op.key is not None:
        line += f',"key":{_value(op.key)}'
    if op.node is not None:
        line += f',"node":{_STRING(op.node)}'
    if op.error is not None:
        line += f',"error":{_STRING(op.error)}'
    return line + "}"


class HistoryLog:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._pending: list[str] = []

    def write(self, op: Op) -> None:
        self._pending.append(encode_op(op))

    def flush(self) -> None:
        if not self._pending or self._fd is None:
            return
        data = ("\n".join(self._pending) + "\n").encode()
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


__all__ = ["HistoryLog", "encode_op"]
