"""Jepsen op maps (from EDN or from Jepsen's text log) to :class:`Op`.

Jepsen's files are looser than ``history.jsonl``: ``:index`` and ``:time`` may be missing, and
recorded times are not always monotonic. Missing indexes are the position in the file; times are
clamped to be non-decreasing (the file order is the real-time order that matters).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.kernel.edn import EdnMap, Keyword, Symbol, key_text, to_edn, to_json
from harness.kernel.errors import HistoryFormatError
from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import NEMESIS, Op, OpType, Process

_TYPES = {t.value: t for t in OpType}


@dataclass(slots=True)
class OpBuilder:
    """Turns parsed op fields into :class:`Op`, tracking index and time across a file."""

    file: str | None
    position: int = 0
    last_index: int = -1
    last_time: int = 0

    def bad(self, line: int, fld: str | None, message: str) -> HistoryFormatError:
        return HistoryFormatError(message, file=self.file, line=line, field=fld)

    def build(
        self,
        *,
        line: int,
        type_: object,
        process: object,
        f: object,
        value: object,
        index: object = None,
        time: object = None,
        key: object = None,
        node: object = None,
        error: object = None,
    ) -> Op:
        if not isinstance(type_, Keyword) or str(type_) not in _TYPES:
            raise self.bad(
                line, "type", f"expected :invoke, :ok, :fail or :info, got {_show(type_)}"
            )
        proc: Process
        if isinstance(process, int) and not isinstance(process, bool):
            proc = process
        elif isinstance(process, Keyword | Symbol | str) and str(process) == NEMESIS:
            proc = NEMESIS
        else:
            raise self.bad(
                line, "process", f"expected an integer or :nemesis, got {_show(process)}"
            )
        if not isinstance(f, str) or not f:
            raise self.bad(line, "f", f"expected a keyword, got {_show(f)}")
        if index is None:
            idx = max(self.position, self.last_index + 1)
        elif isinstance(index, int) and not isinstance(index, bool) and index > self.last_index:
            idx = index
        else:
            raise self.bad(
                line, "index", f"expected an integer above {self.last_index}, got {_show(index)}"
            )
        if time is None:
            t = self.last_time
        elif isinstance(time, int) and not isinstance(time, bool) and time >= 0:
            t = max(time, self.last_time)
        else:
            raise self.bad(line, "time", f"expected non-negative nanoseconds, got {_show(time)}")
        if key is not None and isinstance(key, list | EdnMap):
            raise self.bad(line, "key", f"expected a scalar, got {_show(key)}")
        if node is not None and not isinstance(node, str):
            raise self.bad(line, "node", f"expected a string, got {_show(node)}")
        self.position += 1
        self.last_index, self.last_time = idx, t
        scalar_key: Scalar = to_json(key)  # type: ignore[assignment]
        return Op(
            index=idx,
            time=t,
            type=_TYPES[str(type_)],
            process=proc,
            f=str(f),
            value=_value(value, line, self),
            key=scalar_key,
            node=None if node is None else str(node),
            error=None if error is None else _error_text(error),
        )

    def from_map(self, m: object, line: int) -> Op:
        if not isinstance(m, EdnMap):
            raise self.bad(line, None, f"expected an op map {{:type … :f …}}, got {_show(m)}")
        fields = {key_text(k): v for k, v in m.items}
        for required in ("type", "process", "f"):
            if required not in fields:
                raise self.bad(m.line, required, "missing")
        return self.build(
            line=m.line,
            type_=fields["type"],
            process=fields["process"],
            f=fields["f"],
            value=fields.get("value"),
            index=fields.get("index"),
            time=fields.get("time"),
            key=fields.get("key"),
            node=fields.get("node"),
            error=fields.get("error"),
        )


def _value(value: object, line: int, builder: OpBuilder) -> JSON:
    try:
        return to_json(value)
    except TypeError as e:
        raise builder.bad(line, "value", str(e)) from None


def _error_text(error: object) -> str:
    if isinstance(error, Keyword | Symbol):
        return str(error)
    if isinstance(error, str):
        return error
    return to_edn(error)


def _show(value: object) -> str:
    text = to_edn(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["OpBuilder"]
