"""The linearizability counterexample of each failing key: the end of the longest partial
linearization, the model state it reached, and the operations that could not come next."""

from __future__ import annotations

from collections.abc import Sequence

from harness.history import History
from harness.jsontypes import JSON
from harness.valuetext import show_key, show_short
from reports._html import esc, seconds, table
from reports._lanes import Bar, Role, lanes_html
from reports._results import CheckerResult
from reports._timeline import compact, us

MAX_PREFIXES = 3
"""Partial linearizations shown per key (the checker may report more)."""
MAX_KEYS = 20
"""Failing keys shown with their counterexample (the rest are counted)."""
_W, _ROW, _LEFT, _RIGHT = 1000, 22, 90, 150


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
    return f"{op.get('f')} {show_short(op.get('value'))} → {show_short(op.get('output'))}"


def _focus_link(history: History | None, op: dict[str, JSON]) -> str:
    call = _time(history, _int(op.get("call")))
    if call is None:
        return ""
    ret = _time(history, _int(op.get("ret")))
    end = ret if ret is not None else call
    index = _index(history, _int(op.get("call")))
    return (f' <a href="#timeline-section" data-focus-start="{us(call)}" '
            f'data-focus-end="{us(end)}" data-focus-index="{index}">timeline</a>')


def _ops(value: JSON) -> list[dict[str, JSON]]:
    return [op for op in value if isinstance(op, dict)] if isinstance(value, list) else []


def _bar(history: History | None, op: dict[str, JSON], role: Role, title: str) -> Bar | None:
    call, ret = _time(history, _int(op.get("call"))), _time(history, _int(op.get("ret")))
    if call is None:
        return None
    return Bar(lane=f"process {_int(op.get('process'))}", start=call, end=ret,
               label=_op_text(op), role=role, title=title,
               index=_index(history, _int(op.get("call"))))


def _why(s: dict[str, JSON]) -> str:
    """The stuck operation's explanation (from the checker), or a generic one for results
    written before explanations existed."""
    text = s.get("explanation")
    if isinstance(text, str) and text:
        return text
    reason = s.get("reason")
    if reason == "illegal":
        return "the model does not allow it in this state"
    if reason == "dead-end":
        return (f"allowed (→ state {compact(s.get('next_state'))}) but no linearization of the "
                "rest follows")
    return compact(reason)


def headline(counterexample: JSON) -> str | None:
    """The key's explanation: that of the first operation found illegal (the same sentence as
    ``splitbrain check``'s ``why:`` line, see ``reports.linearizable_text.headline``)."""
    if not isinstance(counterexample, dict):
        return None
    for prefix in _ops(counterexample.get("prefixes")):
        for s in _ops(prefix.get("stuck")):
            text = s.get("explanation")
            if s.get("reason") == "illegal" and isinstance(text, str) and text:
                return text
    return None


def _prefix(history: History | None, prefix: dict[str, JSON], n: int) -> str:
    length = _int(prefix.get("length")) or 0
    tail = _ops(prefix.get("tail"))
    stuck = [s for s in _ops(prefix.get("stuck")) if isinstance(s.get("operation"), dict)]
    stuck_total = _int(prefix.get("stuck_total")) or len(stuck)
    first = length - len(tail) + 1
    rows = []
    roles: dict[int | None, tuple[Role, str]] = {}
    order: list[tuple[dict[str, JSON], Role, str]] = []
    failing = next((s for s in stuck if s.get("reason") == "illegal"), stuck[0] if stuck else None)
    for s in stuck:
        op = s["operation"]
        assert isinstance(op, dict)
        role = Role.FAILING if s is failing else Role.CANDIDATE
        what = "could not be linearized next" if role is Role.CANDIDATE else "failing operation"
        roles[_int(op.get("call"))] = (role, f"{what}: {_op_text(op)}\n{_why(s)}")
        order.append((op, role, ""))
    if failing is not None:
        for op in _ops(failing.get("related")):
            call = _int(op.get("call"))
            if call not in roles:
                roles[call] = (Role.CONFLICT, f"conflicting operation: {_op_text(op)}")
                order.append((op, Role.CONFLICT, ""))
    for i, op in enumerate(tail):
        call, ret = _time(history, _int(op.get("call"))), _time(history, _int(op.get("ret")))
        process = _int(op.get("process")) or 0
        if _int(op.get("call")) not in roles:
            roles[_int(op.get("call"))] = (Role.PLAIN, f"linearized #{first + i}: {_op_text(op)}")
            order.append((op, Role.PLAIN, ""))
        rows.append((str(first + i), esc(process), esc(_op_text(op)), esc(op.get("type")),
                     esc(seconds(call)), esc(seconds(ret)),
                     esc(_index(history, _int(op.get("call")))) + _focus_link(history, op)))
    bars = [b for op, _, _ in order
            for b in [_bar(history, op, *roles[_int(op.get("call"))])] if b is not None]
    parts = [f"<h4>Partial linearization {n}: {length} operation(s) linearized</h4>"]
    if length > len(tail):
        parts.append(f'<p class="note">The first {length - len(tail)} linearized operations '
                     "are elided; the last ones are:</p>")
    parts.append(lanes_html(bars, lanes=sorted({b.lane for b in bars},
                                               key=lambda name: int(name.split()[-1])),
                            caption="Hover a bar for its full text."))
    if rows:
        parts.append("<details><summary>The last linearized operations, in order</summary>"
                     + table(["#", "process", "operation", "type", "invoked", "completed",
                              "history index"], rows, numeric=(0,)) + "</details>")
    parts.append(f"<p>Model state after them: <code class=\"model-state\">"
                 f"{esc(prefix.get('state'))}</code></p>")
    stuck_rows = []
    for s in stuck:
        op = s["operation"]
        assert isinstance(op, dict)
        call, ret = _time(history, _int(op.get("call"))), _time(history, _int(op.get("ret")))
        stuck_rows.append((esc(_int(op.get("process"))),
                           f'<span class="stuck-text">{esc(_op_text(op))}</span>',
                           esc(op.get("type")), f'<span class="why">{esc(_why(s))}</span>',
                           esc(seconds(call)), esc(seconds(ret)),
                           esc(_index(history, _int(op.get("call")))) + _focus_link(history, op)))
    if stuck_rows:
        more = (f" ({stuck_total - len(stuck_rows)} more not listed)"
                if stuck_total > len(stuck_rows) else "")
        parts.append(f"<p><strong>Could not be linearized next</strong>{esc(more)}:</p>")
        parts.append(table(["process", "operation", "type", "why", "invoked", "completed",
                            "history index"], stuck_rows,
                           row_class=["stuck-op"] * len(stuck_rows)))
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
                    f"<h3>{esc(c.name)}: key <code>{esc(show_key(k.get('key')))}</code>{group} "
                    f"— {esc(k.get('operations'))} operations, not linearizable</h3>"]
            why = headline(cx)
            if why is not None:
                body.append(f'<p class="explanation">{esc(why)}</p>')
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


__all__ = ["counterexamples_section", "headline"]
