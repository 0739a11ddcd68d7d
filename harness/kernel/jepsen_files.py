"""Readers for Jepsen's history files: ``history.edn`` and the text log."""

from __future__ import annotations

import os
import re
from pathlib import Path

from harness.kernel.edn import Keyword, parse_all, parse_prefix
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jepsen_ops import OpBuilder
from harness.kernel.ops import Op


def _read_text(path: str | os.PathLike[str]) -> str:
    """The file's text; a UTF-8 byte-order mark is dropped (it is not part of line 1)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise HistoryFormatError(f"not UTF-8 text ({e.reason})", file=str(path)) from e
    except OSError as e:
        raise HistoryFormatError(f"cannot read: {e.strerror}", file=str(path)) from e


def _is_tuple_op(form: object) -> bool:
    """A Knossos-style ``[process type f value]`` (or ``[process type f value error]``) vector."""
    return (
        isinstance(form, list)
        and 3 <= len(form) <= 5
        and isinstance(form[1], Keyword)
        and str(form[1]) in _OP_TYPES
    )


def _op_of(builder: OpBuilder, form: object, line: int) -> Op:
    if isinstance(form, list) and _is_tuple_op(form):
        return builder.build(
            line=line,
            process=form[0],
            type_=form[1],
            f=form[2],
            value=form[3] if len(form) > 3 else None,
            error=form[4] if len(form) > 4 else None,
        )
    return builder.from_map(form, line)


def read_edn(path: str | os.PathLike[str]) -> History:
    """A Jepsen EDN history: one vector or list of ops, or one op per line (or form).

    An op is a map (``{:type :invoke, :f :read, :process 0, ...}``, also as a
    ``#jepsen.history.Op{...}`` record) or a Knossos-style vector ``[process type f value]``.
    """
    name = str(path)
    forms = parse_all(_read_text(path), file=name)
    builder = OpBuilder(file=name)
    ops: list[Op] = []
    lines: list[int] = []
    if len(forms) == 1 and isinstance(forms[0][1], list) and not _is_tuple_op(forms[0][1]):
        elements = forms[0][1]
        for element in elements:
            line = getattr(element, "line", forms[0][0])
            ops.append(_op_of(builder, element, line))
            lines.append(line)
    else:
        for line, form in forms:
            ops.append(_op_of(builder, form, line))
            lines.append(line)
    return History(tuple(ops), source=name, lines=tuple(lines))


_OP_TYPES = frozenset({"invoke", "ok", "fail", "info"})
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)[ T](\d\d):(\d\d):(\d\d)[,.](\d{3})")
_LOG_LINE = re.compile(
    r"^\s*(?:\[?\d{4}-\d\d-\d\d|(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b)"
)
"""A line written by a logger: it starts with a date or a level (every Jepsen layout does)."""
_MARKER = re.compile(r"\bjepsen\.util(?:\s+-\s+|:\s+|\s+)")
"""The logger that writes ops: ``jepsen.util - `` (2015, unilog), ``jepsen.util `` (0.1, log4j
``%c %m``), ``jepsen.util: `` (logback, 0.2 and 0.3)."""
_OP_START = re.compile(
    r"(?P<process>-?\d+|:nemesis)[ \t]+(?P<type>:\S*)[ \t]+(?P<f>\S+)(?:[ \t]+|$)"
)
_OP_ANYWHERE = re.compile(
    r"(?:^|(?<=[\s\]]))(?P<process>-?\d+|:nemesis)[ \t]+:(?:invoke|ok|fail|info)[ \t]+:"
)
"""An op inside a log line of a layout with another logger name."""
_TYPE_TOKEN = re.compile(r"(?:^|\s):(?:invoke|ok|fail|info)(?:\s|$)")
"""A ``jepsen.util`` message with one of these is meant to be an op, and must read as one."""


def _timestamp_ms(line: str) -> int | None:
    m = _TIMESTAMP.search(line)
    if m is None:
        return None
    _, hh, mm, ss, ms = m.groups()
    return ((int(hh) * 60 + int(mm)) * 60 + int(ss)) * 1000 + int(ms)


def _error_form(tail: str) -> object:
    """The error column as an EDN value when it is one (``:timeout``), else the raw text."""
    try:
        forms = parse_all(tail)
    except HistoryFormatError:
        return tail
    return forms[0][1] if len(forms) == 1 else tail


def read_jepsen_log(path: str | os.PathLike[str]) -> History:
    """Jepsen's text history (``history.txt``) or its log (``jepsen.log``), in any layout.

    An op is ``PROCESS TYPE F VALUE [ERROR]`` separated by tabs or spaces. In a log (a file with
    lines that start with a date or a log level), ops are the messages of the ``jepsen.util``
    logger in any of Jepsen's layouts (2015 ``INFO  jepsen.util - 4	:invoke ...``; 0.1
    ``INFO [date] jepsen worker 4 - jepsen.util 4	:invoke ...``; logback 0.2/0.3
    ``date{GMT}	INFO	[jepsen worker 4] jepsen.util: 4	:invoke ...``),
    bare op lines, or, in a log without any ``jepsen.util`` line, op-shaped messages of another
    logger; other log lines (and stack traces) are skipped. A ``jepsen.util`` message
    that starts like an op must be one. In a plain history every non-blank line (``;`` starts a
    comment) must be an op, possibly in brackets (Knossos's ``[process type f value]``): the first
    one that is not is an error naming its line (a file with no op line at all has no operations).
    Times come
    from the log timestamps when present (relative to the first op), else they are 0.
    """
    name = str(path)
    builder = OpBuilder(file=name)
    ops: list[Op] = []
    lines: list[int] = []
    first_ms: int | None = None
    text_lines = [line.removesuffix("\r") for line in _read_text(path).split("\n")]
    # (not splitlines(): U+0085, U+2028 ... inside a string value do not end a line)
    is_log = any(_LOG_LINE.match(raw) for raw in text_lines[:2000])
    # When jepsen.util writes the ops, other loggers' lines are never ops.
    marked = is_log and any(_MARKER.search(raw) for raw in text_lines)
    first_bad: HistoryFormatError | None = None
    for lineno, raw in enumerate(text_lines, start=1):
        body = raw.strip()
        if not body or body.startswith(";"):
            continue
        strict = True
        if is_log:
            marker = _MARKER.search(raw)
            if marker is not None:
                body = raw[marker.end():].strip()
                strict = (
                    _OP_START.match(body) is not None or _TYPE_TOKEN.search(body) is not None
                )
            else:
                found = _OP_ANYWHERE.search(raw)
                if found is None or (marked and raw[: found.start()].strip()):
                    continue
                body = raw[found.start():].strip()
            if not strict:
                continue
        elif body.startswith("[") and body.endswith("]"):
            body = body[1:-1].strip()  # a Knossos [process type f value] line
        m = _OP_START.match(body)
        if m is None:
            if first_bad is None:
                first_bad = HistoryFormatError(
                    "not an operation (expected PROCESS TYPE F VALUE, e.g. "
                    f"'3\t:invoke\t:read\tnil'): {_clip(body)}",
                    file=name, line=lineno,
                )
            continue
        if first_bad is not None:
            raise first_bad  # a line that is not an op, among ops: never skipped silently
        proc_text = m.group("process")
        process: object = Keyword("nemesis") if proc_text == ":nemesis" else int(proc_text)
        rest = body[m.end():]
        value: object = None
        error: object = None
        if rest.strip():
            try:
                value, tail = parse_prefix(rest)
            except (HistoryFormatError, ValueError) as e:
                message = e.message if isinstance(e, HistoryFormatError) else str(e)
                raise HistoryFormatError(
                    f"malformed EDN value: {message}", file=name, line=lineno, field="value"
                ) from None
            error = _error_form(tail) if tail else None
        stamp = _timestamp_ms(raw) if is_log else None
        time_ns = None
        if stamp is not None:
            first_ms = stamp if first_ms is None else first_ms
            time_ns = max(0, stamp - first_ms) * 1_000_000
        type_text = m.group("type")[1:]
        f_text = m.group("f")
        ops.append(
            builder.build(
                line=lineno,
                type_=Keyword(type_text) if type_text else None,
                process=process,
                f=f_text[1:] if f_text.startswith(":") and len(f_text) > 1 else None,
                value=value,
                time=time_ns,
                error=error,
            )
        )
        lines.append(lineno)
    if first_bad is not None and ops:
        raise first_bad
    return History(tuple(ops), source=name, lines=tuple(lines))


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["read_edn", "read_jepsen_log"]
