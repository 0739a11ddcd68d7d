"""The verdicts section: each checker's verdict and the reasons its typed result states.

Linearizability, set and counter results have their own view; every typed result states its
errors, reasons and problems; a result without a view also shows its scalar fields at a glance.
A checker this code has no type for (:class:`checkers.result_json.OtherResult`) shows its
``problems``/``error``/``reason``/``detail`` fields. Every checker's JSON is shown as well.
"""

from __future__ import annotations

from checkers.compose import CheckerFailure
from checkers.counter import CounterResult
from checkers.coverage import CoverageResult
from checkers.elle import TxnCheckResult
from checkers.eventual import SetResult
from checkers.linearizable import LinearizabilityResult
from checkers.result_json import AnyResult, OtherResult
from checkers.stats import StatsResult
from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON
from harness.kernel.valuetext import show_key
from reports._html import badge, esc, pretty
from reports._results import CheckerResult, Results
from reports._timeline import compact


def _linearizable(r: LinearizabilityResult) -> list[str]:
    out = [f"model {compact(r.model)}: {len(r.valid_keys)} key(s) linearizable, "
           f"{len(r.invalid_keys)} not, {len(r.unknown_keys)} undecided "
           f"({r.operations} operations)"]
    for k in r.keys:
        if k.verdict is Verdict.INVALID:
            msg = f"key {show_key(k.key)}: not linearizable"
            prefixes = k.counterexample.prefixes if k.counterexample is not None else ()
            if prefixes:
                p = prefixes[0]
                names = [compact(s.operation.description or s.operation.f, 60) for s in p.stuck]
                msg += (f"; after {p.length} linearized operation(s), "
                        f"none of {p.stuck_total or len(p.stuck)} candidate(s) "
                        f"could follow (e.g. {', '.join(names[:3]) or '?'})")
            out.append(msg)
        elif k.verdict is Verdict.UNKNOWN:
            reason = k.reason.value if k.reason is not None else "undecided"
            detail = f": {compact(k.detail, 120)}" if k.detail else ""
            out.append(f"key {show_key(k.key)}: unknown ({compact(reason)}){detail}")
    return out


def _set(r: SetResult) -> list[str]:
    out = [f"{r.acknowledged} of {r.attempted} added elements acknowledged"]
    if r.lost:
        out.append(f"{len(r.lost)} acknowledged element(s) lost")
    if r.unexpected:
        out.append(f"{len(r.unexpected)} element(s) read that were never added")
    if not r.converged:
        out.append("final reads of the nodes disagree (not converged)")
    if r.stale_count:
        out.append(f"{r.stale_count} element(s) missing from some reads after "
                   "they were known (stale reads)")
    if r.recovered:
        out.append(f"{len(r.recovered)} indeterminate add(s) recovered")
    return out


def _counter(r: CounterResult) -> list[str]:
    out = [f"{r.reads} read(s); acknowledged sum {r.acknowledged_sum}, attempted sum "
           f"{r.attempted_sum}"]
    if r.error_count:
        out.append(f"{r.error_count} read(s) outside the possible bounds")
    if not r.converged:
        out.append("final reads of the nodes disagree (not converged)")
    return out


def _view(result: AnyResult) -> list[str] | None:
    """The reasons a result type has its own view for (None for the others)."""
    if isinstance(result, LinearizabilityResult):
        return _linearizable(result)
    if isinstance(result, SetResult):
        return _set(result)
    if isinstance(result, CounterResult):
        return _counter(result)
    return None


def _notes(result: AnyResult) -> list[str]:
    """The errors, reasons and problems a result states about itself."""
    if isinstance(result, SetResult | CounterResult):
        return [f"problems: {compact(p, 200)}" for p in result.problems[:10]]
    if isinstance(result, CheckerFailure):
        return [f"error: {result.error}"] if result.error else []
    if isinstance(result, StatsResult | TxnCheckResult | LinearizabilityResult):
        return [f"reason: {result.reason}"] if result.reason else []
    if isinstance(result, CoverageResult):
        return ([f"reason: {result.reason}"] if result.reason else []) + [
            f"problems: {compact(p, 200)}" for p in result.problems[:10]]
    if isinstance(result, OtherResult):
        return _generic(result.data)
    return []


_GENERIC_FIELDS = ("error", "reason", "detail", "message", "problems", "errors")


def _generic(data: dict[str, JSON]) -> list[str]:
    """What a result of a checker this code has no type for says in its usual fields."""
    out: list[str] = []
    for name in _GENERIC_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value:
            out.append(f"{name}: {value}")
        elif isinstance(value, list):
            out.extend(f"{name}: {compact(v, 200)}" for v in value[:10])
    return out


MAX_REASONS = 25
"""Reasons listed per checker (the rest are counted; all are in its result JSON)."""


def reasons(result: CheckerResult) -> list[str]:
    """Plain-text reasons for a checker's verdict, from its own result fields (at most
    :data:`MAX_REASONS`, the last one saying how many more there are)."""
    out = _reasons(result)
    if len(out) > MAX_REASONS:
        out = [*out[: MAX_REASONS - 1],
               f"… and {len(out) - MAX_REASONS + 1} more (see the result JSON)"]
    return out


def _scalars(data: dict[str, JSON]) -> list[str]:
    """``key: value`` of a result's scalar fields (what a result without its own view tells at
    a glance)."""
    return [f"{k}: {compact(v, 80)}" for k, v in data.items()
            if k not in ("verdict", "checker") and not isinstance(v, list | dict)][:8]


def _reasons(c: CheckerResult) -> list[str]:
    view = _view(c.result)
    out = [*(view or []), *_notes(c.result)]
    if not out and view is None:
        out = _scalars(c.data)
    return out


def verdicts_section(results: Results) -> str:
    parts = []
    if results.verdict is not None and not results.stated:
        parts.append('<p class="note">results.json states no overall verdict; shown is the '
                     "merge of its checkers' verdicts (invalid &gt; unknown &gt; valid).</p>")
    if results.problems:
        parts.append('<ul class="problems">' + "".join(f"<li>{esc(p)}</li>"
                                                      for p in results.problems) + "</ul>")
    if not results.checkers:
        parts.append("<p>No checker results.</p>")
    for c in results.checkers:
        name = c.verdict.value if c.verdict is not None else "none"
        items = "".join(f"<li>{esc(r)}</li>" for r in reasons(c)) or "<li>no reasons stated</li>"
        kind = f' <span class="muted">({esc(c.kind)})</span>' if c.kind != c.name else ""
        parts.append(
            f'<div class="checker {name}" data-checker="{esc(c.name)}">'
            f"<h3>{esc(c.name)}{kind} {badge(c.verdict)}</h3><ul>{items}</ul>"
            f"<details><summary>result JSON</summary>{pretty(c.data)}</details></div>"
        )
    return "".join(parts)


__all__ = ["MAX_REASONS", "reasons", "verdicts_section"]
