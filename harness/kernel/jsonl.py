"""``history.jsonl``: the strict reader and the streaming writer (DESIGN.md, "History format").

:func:`read_jsonl` first decodes the whole file at once with msgspec into typed rows (types and
ranges checked in C), then builds the ops; anything that this fast path does not accept exactly
(a blank line, a field of the wrong type, a number msgspec cannot hold, a key that is not a
scalar, indexes out of order...) sends the file through the line-by-line reader
(:func:`iter_jsonl`), which is the reference: it reads the same ops, and reports the file, line
and field of what is wrong.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any, Literal

import msgspec
import orjson

from harness.kernel.bulk import gc_paused, positional_constructor
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import NEMESIS, Op, OpType

_TYPES = {t.value: t for t in OpType}
_decode = json.JSONDecoder().decode
_BOM = b"\xef\xbb\xbf"
_dumps = orjson.dumps
_NEWLINE = orjson.OPT_APPEND_NEWLINE


_LONG_NUMBER = re.compile(rb"\d{19}")
"""19 digits or more: maybe beyond 64 bits, which orjson would read as a float or refuse."""


def _loads(raw: bytes) -> JSON:
    """One line's JSON (orjson; the standard library for what orjson reads differently or
    refuses: integers beyond 64 bits, escaped lone surrogates)."""
    if _LONG_NUMBER.search(raw):
        return _decode(raw.decode("utf-8"))  # type: ignore[no-any-return]
    try:
        value: JSON = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = _decode(raw.decode("utf-8"))
    return value


def encode_line(op: Op) -> bytes:
    """THE serialiser of an op: one compact JSON line of ``op.to_json()``, newline included.

    Keys in the order of :meth:`Op.to_json`; UTF-8; what orjson cannot write (integers beyond
    64 bits, lone surrogates) goes through the standard library instead.
    """
    obj = op.to_json()
    try:
        return orjson.dumps(obj) + b"\n"
    except (orjson.JSONEncodeError, TypeError):
        return (json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n").encode()


def encode_lines(ops: Sequence[Op]) -> bytes:
    """``b"".join(encode_line(op) for op in ops)``, faster for a batch (the interpreter's
    history writer encodes each burst at once)."""
    try:
        return b"".join([_dumps(op.to_json(), option=_NEWLINE) for op in ops])
    except (orjson.JSONEncodeError, TypeError):  # something only the standard library writes
        return b"".join([encode_line(op) for op in ops])


def _bad(file: str | None, line: int, fld: str | None, message: str) -> HistoryFormatError:
    return HistoryFormatError(message, file=file, line=line, field=fld)


def parse_op(obj: JSON, *, line: int, file: str | None = None) -> Op:
    """Validate one decoded JSON line and build its :class:`Op`."""
    if type(obj) is not dict:
        raise _bad(file, line, None, f"expected a JSON object, got {type(obj).__name__}")
    try:
        index, time_ns, typ, process, f = (
            obj["index"], obj["time"], obj["type"], obj["process"], obj["f"],
        )
    except KeyError as e:
        raise _bad(file, line, str(e.args[0]), "missing") from None
    # ``type(x) is int`` also rules out bools, which are ints to isinstance.
    if type(index) is not int or index < 0:
        raise _bad(file, line, "index", f"expected a non-negative integer, got {index!r}")
    if type(time_ns) is not int or time_ns < 0:
        raise _bad(
            file, line, "time", f"expected non-negative integer nanoseconds, got {time_ns!r}"
        )
    kind = _TYPES.get(typ) if type(typ) is str else None
    if kind is None:
        raise _bad(file, line, "type", f"expected one of invoke, ok, fail, info; got {typ!r}")
    if type(process) is not int and process != NEMESIS:
        raise _bad(file, line, "process", f'expected an integer or "nemesis", got {process!r}')
    if type(f) is not str or not f:
        raise _bad(file, line, "f", f"expected a non-empty string, got {f!r}")
    key = obj.get("key")
    if isinstance(key, list | dict):
        raise _bad(file, line, "key", f"expected a JSON scalar, got {type(key).__name__}")
    node = obj.get("node")
    if node is not None and type(node) is not str:
        raise _bad(file, line, "node", f"expected a string, got {node!r}")
    error = obj.get("error")
    if error is not None and type(error) is not str:
        error = json.dumps(error)
    assert isinstance(process, int | str)
    scalar_key: Scalar = key
    return Op(
        index=index,
        time=time_ns,
        type=kind,
        process=process,
        f=f,
        value=obj.get("value"),
        key=scalar_key,
        node=node,
        error=error,
    )


def iter_jsonl(path: str | os.PathLike[str]) -> Iterator[tuple[int, Op]]:
    """Yield ``(line_number, op)`` for each non-blank line, validating order as it goes."""
    name = str(path)
    last_index = -1
    last_time = 0
    try:
        handle = open(path, "rb")  # noqa: SIM115
    except OSError as e:
        raise HistoryFormatError(f"cannot read: {e.strerror}", file=name) from e
    with handle:
        for lineno, line in enumerate(handle, start=1):
            raw = line[3:] if lineno == 1 and line.startswith(_BOM) else line  # not data
            if not raw.strip():
                continue
            try:
                obj = _loads(raw)
            except UnicodeDecodeError as e:
                raise HistoryFormatError(
                    f"not UTF-8 text ({e.reason})", file=name, line=lineno) from e
            except json.JSONDecodeError as e:
                raise HistoryFormatError(
                    f"invalid JSON at column {e.colno}: {e.msg}", file=name, line=lineno
                ) from e
            op = parse_op(obj, line=lineno, file=name)
            if op.index <= last_index:
                raise HistoryFormatError(
                    f"{op.index} does not increase (previous {last_index})",
                    file=name, line=lineno, field="index",
                )
            if op.time < last_time:
                raise HistoryFormatError(
                    f"{op.time} is earlier than the previous op's {last_time}",
                    file=name, line=lineno, field="time",
                )
            last_index, last_time = op.index, op.time
            yield lineno, op


class _Row(msgspec.Struct, gc=False):
    """One line as msgspec decodes it: the checks of :func:`parse_op` that types can say."""

    index: Annotated[int, msgspec.Meta(ge=0)]
    time: Annotated[int, msgspec.Meta(ge=0)]
    type: Literal["invoke", "ok", "fail", "info"]
    process: int | Literal["nemesis"]
    f: Annotated[str, msgspec.Meta(min_length=1)]
    value: Any = None
    key: Any = None
    node: str | None = None
    error: Any = None


_ROWS = msgspec.json.Decoder(_Row)
_TWO_ON_A_LINE = re.compile(rb"\}[ \t\r]*\{")
"""Where decode_lines would read two objects from one line (or from a string that says so):
with no such place, one row per line is the same as as many rows as lines."""
_new_op = positional_constructor(Op)


def _read_fast(data: bytes, name: str) -> History | None:
    """The whole file's history, or ``None`` if anything needs the line-by-line reader."""
    body = data[3:] if data.startswith(_BOM) else data
    if not body or _TWO_ON_A_LINE.search(body):
        return None
    try:
        with gc_paused():
            rows = _ROWS.decode_lines(body)  # one JSON value per line, in C
    except msgspec.DecodeError:  # also ValidationError
        return None
    if len(rows) != body.count(b"\n") + (not body.endswith(b"\n")):
        return None  # blank lines, which decode_lines skips: the line numbers need the slow path
    types = _TYPES
    new_op = _new_op
    ops: list[Op] = []
    append = ops.append
    last_index = -1
    last_time = 0
    with gc_paused():
        for row in rows:
            index, time_ns, key, error = row.index, row.time, row.key, row.error
            if index <= last_index or time_ns < last_time or isinstance(key, list | dict):
                return None
            if error is not None and type(error) is not str:
                error = json.dumps(error)
            append(new_op(index, time_ns, types[row.type], row.process, row.f, row.value, key,
                          row.node, error))
            last_index, last_time = index, time_ns
        return History(tuple(ops), source=name, lines=tuple(range(1, len(ops) + 1)))


def read_jsonl(path: str | os.PathLike[str]) -> History:
    """Read a whole ``history.jsonl``; raises :class:`HistoryFormatError` on anything malformed."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise HistoryFormatError(f"cannot read: {e.strerror}", file=str(path)) from e
    fast = _read_fast(data, str(path))
    del data
    if fast is not None:
        return fast
    return read_jsonl_by_line(path)


def read_jsonl_by_line(path: str | os.PathLike[str]) -> History:
    """:func:`read_jsonl` one line at a time (the reference reader; slower on big files)."""
    lines: list[int] = []
    ops: list[Op] = []
    for lineno, op in iter_jsonl(path):
        lines.append(lineno)
        ops.append(op)
    return History(tuple(ops), source=str(path), lines=tuple(lines))


def dumps_op(op: Op) -> str:
    """One compact JSON line (without the newline): :func:`encode_line` as text."""
    return encode_line(op)[:-1].decode()


class JsonlWriter:
    """Appends ops to ``history.jsonl``, flushing after each so that a crash loses nothing."""

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self.path = Path(path)
        self._fsync = fsync
        self._handle = open(self.path, "ab")  # noqa: SIM115

    def write(self, op: Op) -> None:
        self._handle.write(encode_line(op))
        self._handle.flush()
        if self._fsync:
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            self._handle.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_jsonl(path: str | os.PathLike[str], ops: Iterable[Op]) -> None:
    """Write a whole history (replacing the file)."""
    Path(path).write_bytes(b"".join(encode_line(op) for op in ops))


__all__ = ["JsonlWriter", "dumps_op", "encode_line", "iter_jsonl", "parse_op", "read_jsonl",
           "read_jsonl_by_line", "write_jsonl"]
