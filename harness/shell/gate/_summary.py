"""Anomaly summaries and counts from a run's results (any workload's checkers), typed.

Known results are summarised precisely (linearizability per key, counter errors, set losses);
any other checker by its verdict and its reason or error. A result of a checker this code has
no type for (:class:`checkers.result_json.OtherResult`, e.g. a plugin's) is summarised from the
count fields such results conventionally carry (``error_count``, ``lost_count``,
``unexpected_count``, ``anomaly_count``).
"""

from __future__ import annotations

from checkers.behaviour import BehaviourResult
from checkers.compose import CheckerFailure, SimpleResult
from checkers.counter import CounterResult
from checkers.elle import TxnCheckResult
from checkers.eventual import SetResult
from checkers.linearizable import LinearizabilityResult
from checkers.result_json import AnyResult, OtherResult, leaves
from checkers.stats import StatsResult
from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON
from harness.shell.run_results import RunResults

COUNT_FIELDS = ("error_count", "lost_count", "unexpected_count", "anomaly_count")
"""Fields that count anomalies in the JSON of results without a type (plugins')."""

MAX_SUMMARY = 600


def checker_parts(results: RunResults | None) -> list[tuple[str, AnyResult]]:
    """The leaf results of the run's workload checker (coverage is not among them)."""
    if results is None or results.workload is None:
        return []
    return list(leaves("workload", results.workload))


def _int(value: JSON) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _counts(part: AnyResult) -> list[tuple[str, int]]:
    """(what, how many) of the anomalies a result counts, in :data:`COUNT_FIELDS` order."""
    if isinstance(part, SetResult):
        return [("lost", len(part.lost)), ("unexpected", len(part.unexpected))]
    if isinstance(part, CounterResult):
        return [("error", part.error_count)]
    if isinstance(part, OtherResult | SimpleResult):
        return [(f.removesuffix("_count"), _int(part.data.get(f))) for f in COUNT_FIELDS]
    return []


def anomaly_count(part: AnyResult) -> int:
    """Anomalies one checker found: invalid keys, counter errors, lost/unexpected elements; an
    invalid checker that does not count them counts 1."""
    if isinstance(part, LinearizabilityResult):
        return len(part.invalid_keys)
    counted = sum(n for _, n in _counts(part))
    if counted:
        return counted
    return 1 if part.verdict is Verdict.INVALID else 0


def anomalies(results: RunResults | None) -> int:
    return sum(anomaly_count(p) for _, p in checker_parts(results))


def _first_stuck(part: LinearizabilityResult) -> str | None:
    """The description of the first operation that could not be linearized, with its key."""
    for key in part.invalid_keys:
        if key.counterexample is None:
            continue
        prefixes = key.counterexample.prefixes
        if not prefixes:
            continue
        if prefixes[0].stuck:
            return (f"key {key.key!r}: cannot linearize "
                    f"{prefixes[0].stuck[0].operation.description}")
        return f"key {key.key!r}"
    return None


def _notes(part: AnyResult) -> list[tuple[str, str]]:
    """(``reason``/``error``, text) that a result states about itself."""
    if isinstance(part, StatsResult | TxnCheckResult):
        return [("reason", part.reason)] if part.reason else []
    if isinstance(part, CheckerFailure):
        return [("error", part.error)] if part.error else []
    if isinstance(part, OtherResult | SimpleResult):
        return [(f, v) for f in ("reason", "error")
                if isinstance(v := part.data.get(f), str) and v]
    return []


def _describe(name: str, part: AnyResult) -> str:
    verdict = part.verdict.value if part.verdict is not None else None
    text = f"{name}: {verdict}"
    if isinstance(part, LinearizabilityResult):
        total = len(part.keys)
        text += f", {len(part.invalid_keys)} of {total} keys not linearizable"
        if part.unknown_keys:
            text += f", {len(part.unknown_keys)} undecided"
        stuck = _first_stuck(part)
        if stuck:
            text += f" (first: {stuck})"
        return text
    counts = [f"{n} {what}" for what, n in _counts(part) if n]
    if counts:
        text += ", " + ", ".join(counts)
    for field, value in _notes(part):
        text += f" ({field}: {value})"
    return text


def anomaly_summary(results: RunResults | None) -> str:
    """One line about every checker that is not valid (the CP/AP classification, which has no
    verdict of its own, is left out); empty when all are valid."""
    if results is None:
        return "no results"
    parts = [_describe(n, p) for n, p in checker_parts(results)
             if p.verdict is not Verdict.VALID and not isinstance(p, BehaviourResult)]
    if not parts:
        for field, value in (("reason", results.reason), ("error", results.error)):
            if value:
                parts.append(f"{field}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 3] + "..."


__all__ = ["anomalies", "anomaly_count", "anomaly_summary", "checker_parts"]
