"""Readers for Jepsen's history files: ``history.edn`` and the text log."""

from __future__ import annotations

import os
import re
from pathlib import Path

from harness.edn import Keyword, parse_all, parse_prefix
from harness.errors import HistoryFormatError
from harness.history import History
from harness.jepsen_ops import OpBuilder
from harness.ops import Op


def _read_text(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise HistoryFormatError(f"not UTF-8 text ({e.reason})", file=str(path)) from e
    except OSError as e:
        raise HistoryFormatError(f"cannot read: {e.strerror}", file=str(path)) from e


def read_edn(path: str | os.PathLike[str]) -> History:
    """A Jepsen EDN history: one vector or list of op maps, or one op map per line."""
    name = str(path)
    forms = parse_all(_read_text(path), file=name)
    builder = OpBuilder(file=name)
    ops: list[Op] = []
    lines: list[int] = []
    if len(forms) == 1 and isinstance(forms[0][1], list):
        elements = forms[0][1]
        for element in elements:
            line = getattr(element, "line", forms[0][0])
            ops.append(builder.from_map(element, line))
            lines.append(line)
    else:
        for line, form in forms:
            ops.append(builder.from_map(form, line))
            lines.append(line)
    return History(tuple(ops), source=name, lines=tuple(lines))


_LOG_PREFIX = re.compile(r"jepsen\.util\s+-\s+")
_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d):(\d\d):(\d\d)[,.](\d{3})")
_OP_START = re.compile(r"^(?P<process>-?\d+|:nemesis)\s+(?P<type>:\S*)\s+(?P<f>\S+)(?:\s+|$)")


def _timestamp_ms(line: str) -> int | None:
    m = _TIMESTAMP.match(line)
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
    """Jepsen's text log (``INFO  jepsen.util - 4	:invoke	:read	nil``) or ``history.txt``.

    Op lines are ``PROCESS TYPE F VALUE [ERROR]`` separated by tabs or spaces, optionally after a
    log prefix ending in ``jepsen.util - ``; every other line is ignored. Times come from the log
    timestamps when present (relative to the first op), else they are 0.
    """
    name = str(path)
    builder = OpBuilder(file=name)
    ops: list[Op] = []
    lines: list[int] = []
    first_ms: int | None = None
    for lineno, raw in enumerate(_read_text(path).splitlines(), start=1):
        body = raw
        prefix = _LOG_PREFIX.search(raw)
        if prefix is not None:
            body = raw[prefix.end():]
        m = _OP_START.match(body.strip())
        if m is None:
            continue
        proc_text = m.group("process")
        process: object = Keyword("nemesis") if proc_text == ":nemesis" else int(proc_text)
        rest = body.strip()[m.end():]
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
        stamp = _timestamp_ms(raw)
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
    return History(tuple(ops), source=name, lines=tuple(lines))


__all__ = ["read_edn", "read_jepsen_log"]
