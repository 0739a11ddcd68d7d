"""The linearizability counterexample of each failing key: the end of the longest partial
linearization, the model state it reached, and the operations that could not come next."""

from __future__ import annotations

from collections.abc import Sequence

from checkers.linearizable import (
    Counterexample,
    LinearizabilityResult,
    OperationRef,
    PartialLinearization,
    StuckOperation,
    StuckReason,
)
from harness.kernel.history import History
from harness.kernel.valuetext import show_key, show_short
from reports._html import esc, seconds, table
from reports._lanes import Bar, Role, lanes_html
from reports._results import CheckerResult
from reports._timeline import compact, us

MAX_PREFIXES = 3
"""Partial linearizations shown per key (the checker may report more)."""
MAX_KEYS = 20
"""Failing keys shown with their counterexample (the rest are counted)."""
_W, _ROW, _LEFT, _RIGHT = 1000, 22, 90, 150


def _time(history: History | None, position: int | None) -> int | None:
    if history is None or position is None or not 0 <= position < len(history.ops):
        return None
    return history.ops[position].time


def _index(history: History | None, position: int | None) -> int | None:
    if history is None or position is None or not 0 <= position < len(history.ops):
        return position
    return history.ops[position].index


def _op_text(op: OperationRef) -> str:
    if op.description:
        return op.description
    return f"{op.f} {show_short(op.value)} → {show_short(op.output)}"


def _focus_link(history: History | None, op: OperationRef) -> str:
    call = _time(history, op.call)
    if call is None:
        return ""
    ret = _time(history, op.ret)
    end = ret if ret is not None else call
    index = _index(history, op.call)
    return (f' <a href="#timeline-section" data-focus-start="{us(call)}" '
            f'data-focus-end="{us(end)}" data-focus-index="{index}">timeline</a>')


def _bar(history: History | None, op: OperationRef, role: Role, title: str) -> Bar | None:
    call, ret = _time(history, op.call), _time(history, op.ret)
    if call is None:
        return None
    return Bar(lane=f"process {op.process}", start=call, end=ret, label=_op_text(op), role=role,
               title=title, index=_index(history, op.call))


def _why(s: StuckOperation) -> str:
    """The stuck operation's explanation (from the checker), or a generic one for results
    written before explanations existed."""
    if s.explanation:
        return s.explanation
    if s.reason is StuckReason.ILLEGAL:
        return "the model does not allow it in this state"
    return (f"allowed (→ state {compact(s.next_state)}) but no linearization of the "
            "rest follows")


def headline(counterexample: Counterexample | None) -> str | None:
    """The key's explanation: that of the first operation found illegal (the same sentence as
    ``splitbrain check``'s ``why:`` line, see ``reports.linearizable_text.headline``)."""
    if counterexample is None:
        return None
    for prefix in counterexample.prefixes:
        for s in prefix.stuck:
            if s.reason is StuckReason.ILLEGAL and s.explanation:
                return s.explanation
    return None


def _prefix(history: History | None, prefix: PartialLinearization, n: int) -> str:
    length = prefix.length
    tail = prefix.tail
    stuck = prefix.stuck
    stuck_total = prefix.stuck_total or len(stuck)
    first = length - len(tail) + 1
    rows = []
    roles: dict[int | None, tuple[Role, str]] = {}
    order: list[tuple[OperationRef, Role, str]] = []
    failing = next((s for s in stuck if s.reason is StuckReason.ILLEGAL),
                   stuck[0] if stuck else None)
    for s in stuck:
        op = s.operation
        role = Role.FAILING if s is failing else Role.CANDIDATE
        what = "could not be linearized next" if role is Role.CANDIDATE else "failing operation"
        roles[op.call] = (role, f"{what}: {_op_text(op)}\n{_why(s)}")
        order.append((op, role, ""))
    if failing is not None:
        for op in failing.related:
            if op.call not in roles:
                roles[op.call] = (Role.CONFLICT, f"conflicting operation: {_op_text(op)}")
                order.append((op, Role.CONFLICT, ""))
    for i, op in enumerate(tail):
        call, ret = _time(history, op.call), _time(history, op.ret)
        if op.call not in roles:
            roles[op.call] = (Role.PLAIN, f"linearized #{first + i}: {_op_text(op)}")
            order.append((op, Role.PLAIN, ""))
        rows.append((str(first + i), esc(op.process), esc(_op_text(op)), esc(op.type.value),
                     esc(seconds(call)), esc(seconds(ret)),
                     esc(_index(history, op.call)) + _focus_link(history, op)))
    bars = [b for op, _, _ in order
            for b in [_bar(history, op, *roles[op.call])] if b is not None]
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
                 f"{esc(prefix.state)}</code></p>")
    stuck_rows = []
    for s in stuck:
        op = s.operation
        call, ret = _time(history, op.call), _time(history, op.ret)
        stuck_rows.append((esc(op.process),
                           f'<span class="stuck-text">{esc(_op_text(op))}</span>',
                           esc(op.type.value), f'<span class="why">{esc(_why(s))}</span>',
                           esc(seconds(call)), esc(seconds(ret)),
                           esc(_index(history, op.call)) + _focus_link(history, op)))
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
        if not isinstance(c.result, LinearizabilityResult):
            continue
        failing = [k for k in c.result.keys if k.counterexample is not None]
        for k in failing[:MAX_KEYS]:
            cx = k.counterexample
            assert cx is not None
            prefixes = cx.prefixes
            group = f" (group {esc(k.group)})" if k.group else ""
            body = [f'<div class="counterexample" data-key="{esc(k.key)}">'
                    f"<h3>{esc(c.name)}: key <code>{esc(show_key(k.key))}</code>{group} "
                    f"— {esc(k.operations)} operations, not linearizable</h3>"]
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
