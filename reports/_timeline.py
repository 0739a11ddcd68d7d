"""The data the page's script draws: shown operations, fault windows, and the time series.

Everything is plain JSON in columns (one list per field) to keep the page small; times are
microseconds since the start of the test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from checkers.fault_windows import FaultWindow, NemesisAction
from harness.kernel.history import History, Operation
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import OpType
from harness.kernel.valuetext import show, show_key, show_short
from harness.shell.primaries import PrimaryChange
from reports._sample import Selection
from reports._series import Series

TEXT_LIMIT = 100
"""Characters of an operation's value and result shown in its tooltip."""
_RESULTS = frozenset({"read", "get", "dequeue", "final-read"})
"""Operations whose result is worth showing even when it is absent (``→ nil``)."""
_KIND_COLOURS = ("#d35400", "#2874a6", "#7d3c98", "#138d75", "#b7950b", "#a93226", "#566573")


def compact(value: JSON, limit: int = TEXT_LIMIT) -> str:
    """Short text, cut to ``limit`` characters: a string as it is (a message, a name), anything
    else as users write values (``nil``, ``[1, 2]``); for values use :func:`show_short`."""
    text = value if isinstance(value, str) else show(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(o: Operation) -> str:
    """``f value → output`` for a tooltip or a table."""
    parts = [o.f]
    if o.value is not None:
        parts.append(show_short(o.value, TEXT_LIMIT))
    if o.type is OpType.OK and (o.output is not None or o.f in _RESULTS):
        parts.append("→ " + show_short(o.output, TEXT_LIMIT))
    if o.error:
        parts.append(f"({compact(o.error, 60)})")
    return " ".join(parts)


def kind_colour(kind: str) -> str:
    """A stable colour per fault kind."""
    digest = hashlib.sha1(kind.encode()).digest()[0]
    return _KIND_COLOURS[digest % len(_KIND_COLOURS)]


def rows_of(
    operations: Sequence[Operation], concurrency: int | None
) -> tuple[list[str], dict[int, int]]:
    """Timeline rows: one per client thread (``process mod concurrency``, as in Jepsen, where a
    crashed process's thread continues as ``process + concurrency``), or one per process."""
    processes = sorted({o.process for o in operations})
    if concurrency and concurrency > 0 and len(processes) > concurrency:
        threads = sorted({p % concurrency for p in processes})
        index = {t: i for i, t in enumerate(threads)}
        return [f"thread {t}" for t in threads], {p: index[p % concurrency] for p in processes}
    return [f"process {p}" for p in processes], {p: i for i, p in enumerate(processes)}


def us(ns: int) -> float:
    return round(ns / 1000, 3)


MAX_PRIMARY_SPANS = 2000
"""Primary intervals drawn at most (the rest of the run's changes are counted)."""


def primary_spans(changes: Sequence[PrimaryChange], end: int) -> tuple[list[JSON], int]:
    """The primary band: one span per answer, from its poll to the next change (or ``end``);
    ``p`` is the primaries' names joined by ``+`` ('' when none). Returns the spans and how many
    were left out."""
    spans: list[JSON] = []
    for i, c in enumerate(changes[:MAX_PRIMARY_SPANS]):
        stop = changes[i + 1].time if i + 1 < len(changes) else max(end, c.end)
        spans.append({"s": us(c.time), "e": us(max(stop, c.time)), "p": "+".join(c.primaries),
                      "n": len(c.primaries), "seen": us(c.end)})
    return spans, max(0, len(changes) - MAX_PRIMARY_SPANS)


class _NextStart:
    """The first invocation time of a timeline row after a given time (columnar: the rows'
    invocation times sorted once, on first use, then two binary searches per question)."""

    def __init__(self, operations: Sequence[Operation], row_of: Mapping[int, int]) -> None:
        self._operations = operations
        self._row_of = row_of
        self._rows: np.ndarray | None = None
        self._starts: np.ndarray | None = None

    def __call__(self, row: int, after: int, default: int) -> int:
        if self._rows is None or self._starts is None:
            n = len(self._operations)
            rows = np.fromiter((self._row_of[o.process] for o in self._operations),
                               dtype=np.int64, count=n)
            starts = np.fromiter((o.call_time for o in self._operations), dtype=np.int64,
                                 count=n)
            by = np.lexsort((starts, rows))
            self._rows, self._starts = rows[by], starts[by]
        lo = int(np.searchsorted(self._rows, row, side="left"))
        hi = int(np.searchsorted(self._rows, row, side="right"))
        nxt = lo + int(np.searchsorted(self._starts[lo:hi], after, side="right"))
        return int(self._starts[nxt]) if nxt < hi else default


def timeline_data(
    history: History,
    operations: Sequence[Operation],
    selection: Selection,
    *,
    windows: Sequence[FaultWindow],
    events: Iterable[NemesisAction],
    series: Series | None,
    focus: Iterable[int],
    end: int,
    concurrency: int | None,
    primaries: Sequence[PrimaryChange] = (),
) -> dict[str, JSON]:
    """The page script's input (see ``assets/report.js``)."""
    rows, row_of = rows_of(operations, concurrency)
    next_start = _NextStart(operations, row_of)
    focus_set = set(focus)
    fs: dict[str, int] = {}
    nodes: dict[str, int] = {}
    cols: dict[str, list[JSON]] = {c: [] for c in ("r", "s", "e", "t", "f", "p", "i", "d", "k",
                                                     "n", "x")}
    for j in selection.shown:
        o = operations[j]
        row = row_of[o.process]
        # indeterminate: drawn until its thread's next invocation, or the end
        stop = o.ret_time if o.ret_time is not None else next_start(row, o.call_time, end)
        cols["r"].append(row)
        cols["s"].append(us(o.call_time))
        cols["e"].append(us(stop))
        cols["t"].append(0 if o.type is OpType.OK else 1 if o.type is OpType.FAIL else 2)
        cols["f"].append(fs.setdefault(o.f, len(fs)))
        cols["p"].append(o.process)
        cols["i"].append(history.ops[o.call].index if o.call < len(history.ops) else o.call)
        cols["d"].append(describe(o))
        cols["k"].append(None if o.key is None else show_short(show_key(o.key), 40))
        cols["n"].append(-1 if o.node is None else nodes.setdefault(o.node, len(nodes)))
        cols["x"].append(1 if (o.call in focus_set or o.ret in focus_set) else 0)
    windows_json: list[JSON] = [
        {"kind": w.kind, "s": us(w.start), "e": us(w.end), "label": w.label(),
         "open": w.open_ended, "color": kind_colour(w.kind),
         "v": None if w.value is None else compact(w.value, 200)}
        for w in windows
    ]
    events_json: list[JSON] = [{"f": a.f, "s": us(a.start)} for a in events]
    series_json: JSON = None
    if series is not None:
        series_json = {
            "start": us(series.start),
            "width": us(series.width),
            "ok": [round(v, 3) for v in series.ok],
            "fail": [round(v, 3) for v in series.fail],
            "info": [round(v, 3) for v in series.info],
            "latency": {k: [None if v is None else us(int(v)) for v in vals]
                        for k, vals in series.latency.items()},
        }
    ops_json: dict[str, JSON] = dict(cols.items())
    spans, spans_elided = primary_spans(primaries, end)
    return {
        "leaders": spans,
        "leaders_elided": spans_elided,
        "t1": us(end),
        "rows": list(rows),
        "ops": ops_json,
        "fs": list(fs),
        "nodes": list(nodes),
        "windows": windows_json,
        "events": events_json,
        "series": series_json,
    }


def script_json(data: Mapping[str, JSON]) -> str:
    """JSON safe to embed in a ``<script type="application/json">`` element."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


__all__ = ["compact", "describe", "kind_colour", "rows_of", "script_json", "timeline_data", "us"]
