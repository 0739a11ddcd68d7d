"""The linearizability counterexample of each failing key: the end of the longest partial
linearization, the model state it reached, and the operations that could not come next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.history import History
from harness.jsontypes import JSON
from reports._html import esc, seconds, table
from reports._results import CheckerResult
from reports._timeline import compact, us

MAX_PREFIXES = 3
"""Partial linearizations shown per key (the checker may report more)."""
MAX_KEYS = 20
"""Failing keys shown with their counterexample (the rest are counted)."""
_W, _ROW, _LEFT, _RIGHT = 1000, 22, 90, 150


@dataclass(frozen=True, kw_only=True, slots=True)
class _Bar:
    process: int
    start: int
    end: int | None
    label: str
    title: str
    stuck: bool


def _int(value: JSON) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _time(history: History | None, position: int | None) -> int | None:
    if history is None or position is None or not 0 <= position < len(history.ops):
        return None
    return history.ops[position].time


def _index(history: History | None, position: int | None) -> int | None:
    if history is None or position is None or not 0 <= position < len(history.ops):
        return position
    return history.ops[position].index


def _op_text(op: dict[str, JSON]) -> str:
    text = op.get("description")
    if isinstance(text, str) and text:
        return text
    return f"{op.get('f')} {compact(op.get('value'))} → {compact(op.get('output'))}"


def _diagram(bars: Sequence[_Bar]) -> str:
    if not bars:
        return ""
    starts = [b.start for b in bars]
    ends = [b.end for b in bars if b.end is not None] + starts
    t0, t1 = min(starts), max(ends)
    span = max(1, t1 - t0)
    processes = sorted({b.process for b in bars})
    row = {p: i for i, p in enumerate(processes)}
    height = len(processes) * _ROW + 24

    def x(t: int) -> float:
        return _LEFT + (t - t0) / span * (_W - _LEFT - _RIGHT)

    out = []
    for p in processes:
        out.append(f'<text x="4" y="{row[p] * _ROW + 15}">process {p}</text>')
    for b in bars:
        a = x(b.start)
        z = x(b.end) if b.end is not None else _W - _RIGHT
        cls = "bar stuck" if b.stuck else "bar linearized"
        y = row[b.process] * _ROW + 3
        out.append(f'<rect class="{cls}" x="{a:.1f}" y="{y}" width="{max(3.0, z - a):.1f}" '
                   f'height="{_ROW - 6}" rx="3"><title>{esc(b.title)}</title></rect>')
        out.append(f'<text x="{a + 3:.1f}" y="{y + 12}">{esc(compact(b.label, 40))}</text>')
    out.append(f'<text x="{_LEFT}" y="{height - 4}">{esc(seconds(t0))}</text>')
    out.append(f'<text x="{_W - _RIGHT}" y="{height - 4}" text-anchor="end">'
               f"{esc(seconds(t1))}</text>")
    return (f'<div class="cx-diagram"><svg viewBox="0 0 {_W} {height}" width="{_W}" '
            f'height="{height}">{"".join(out)}</svg></div>')


def _focus_link(history: History | None, op: dict[str, JSON]) -> str:
    call = _time(history, _int(op.get("call")))
    if call is None:
        return ""
    ret = _time(history, _int(op.get("ret")))
    end = ret if ret is not None else call
    index = _index(history, _int(op.get("call")))
    return (f' <a href="#timeline-section" data-focus-start="{us(call)}" '
            f'data-focus-end="{us(end)}" data-focus-index="{index}">timeline</a>')


def _prefix(history: History | None, prefix: dict[str, JSON], n: int) -> str:
    length = _int(prefix.get("length")) or 0
    tail = [op for op in prefix.get("tail") or [] if isinstance(op, dict)]  # type: ignore[union-attr]
    stuck = [s for s in prefix.get("stuck") or [] if isinstance(s, dict)]  # type: ignore[union-attr]
    stuck_total = _int(prefix.get("stuck_total")) or len(stuck)
    first = length - len(tail) + 1
    bars: list[_Bar] = []
    rows = []
    for i, op in enumerate(tail):
        call, ret = _time(history, _int(op.get("call"))), _time(history, _int(op.get("ret")))
        process = _int(op.get("process")) or 0
        if call is not None:
            bars.append(_Bar(process=process, start=call, end=ret,
                             label=f"{first + i}. {_op_text(op)}",
                             title=f"linearized #{first + i}: {_op_text(op)}", stuck=False))
        rows.append((str(first + i), esc(process), esc(_op_text(op)), esc(op.get("type")),
                     esc(seconds(call)), esc(seconds(ret)),
                     esc(_index(history, _int(op.get("call")))) + _focus_link(history, op)))
    parts = [f"<h4>Partial linearization {n}: {length} operation(s) linearized</h4>"]
    if length > len(tail):
        parts.append(f'<p class="note">The first {length - len(tail)} linearized operations '
                     "are elided; the last ones are:</p>")
    if rows:
        parts.append(table(["#", "process", "operation", "type", "invoked", "completed",
                            "history index"], rows, numeric=(0,)))
    parts.append(f"<p>Model state after them: <code class=\"model-state\">"
                 f"{esc(prefix.get('state'))}</code></p>")
    stuck_rows = []
    for s in stuck:
        ref = s.get("operation")
        if not isinstance(ref, dict):
            continue
        op = ref
        call, ret = _time(history, _int(op.get("call"))), _time(history, _int(op.get("ret")))
        process = _int(op.get("process")) or 0
        reason = s.get("reason")
        why = ("the model does not allow it in this state" if reason == "illegal" else
               f"allowed (→ state {compact(s.get('next_state'))}) but no linearization of the "
               "rest follows" if reason == "dead-end" else compact(reason))
        if call is not None:
            bars.append(_Bar(process=process, start=call, end=ret, label=_op_text(op),
                             title=f"could not be linearized next: {_op_text(op)} ({why})",
                             stuck=True))
        stuck_rows.append((esc(process), f'<span class="stuck-text">{esc(_op_text(op))}</span>',
                           esc(op.get("type")), esc(why), esc(seconds(call)), esc(seconds(ret)),
                           esc(_index(history, _int(op.get("call")))) + _focus_link(history, op)))
    if stuck_rows:
        more = (f" ({stuck_total - len(stuck_rows)} more not listed)"
                if stuck_total > len(stuck_rows) else "")
        parts.append(f"<p><strong>Could not be linearized next</strong>{esc(more)}:</p>")
        parts.append(table(["process", "operation", "type", "why", "invoked", "completed",
                            "history index"], stuck_rows,
                           row_class=["stuck-op"] * len(stuck_rows)))
    parts.append(_diagram(bars))
    return f'<div class="prefix">{"".join(parts)}</div>'


def counterexamples_section(checkers: Sequence[CheckerResult], history: History | None) -> str:
    """HTML for every failing key of every linearizability result ('' if there is none)."""
    blocks = []
    for c in checkers:
        if c.kind != "linearizable":
            continue
        keys = [k for k in c.data.get("keys") or [] if isinstance(k, dict)]  # type: ignore[union-attr]
        failing = [k for k in keys if isinstance(k.get("counterexample"), dict)]
        for k in failing[:MAX_KEYS]:
            cx = k.get("counterexample")
            if not isinstance(cx, dict):
                continue
            prefixes = [p for p in cx.get("prefixes") or [] if isinstance(p, dict)]  # type: ignore[union-attr]
            group = f" (group {esc(k.get('group'))})" if k.get("group") else ""
            body = [f'<div class="counterexample" data-key="{esc(k.get("key"))}">'
                    f"<h3>{esc(c.name)}: key <code>{esc(compact(k.get('key')))}</code>{group} "
                    f"— {esc(k.get('operations'))} operations, not linearizable</h3>"]
            body.extend(_prefix(history, p, i + 1) for i, p in enumerate(prefixes[:MAX_PREFIXES]))
            if len(prefixes) > MAX_PREFIXES:
                body.append(f'<p class="note">{len(prefixes) - MAX_PREFIXES} more partial '
                            "linearizations are in the result JSON.</p>")
            body.append("</div>")
            blocks.append("".join(body))
        if len(failing) > MAX_KEYS:
            blocks.append(f'<p class="note">{len(failing) - MAX_KEYS} more failing keys of '
                          f"{esc(c.name)} are in its result JSON.</p>")
    return "".join(blocks)


__all__ = ["counterexamples_section"]
