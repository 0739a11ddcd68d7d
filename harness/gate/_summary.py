"""Anomaly summaries and counts from a run's ``results.json`` (any workload's checkers).

``results.json`` holds ``{"verdict", "workload": <checker result>}`` where a composed result nests
``{"checkers": {name: result}}``. Known result shapes are summarised precisely (linearizability per
key, counter errors, set losses); any other checker by its verdict and ``reason``/``error``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from harness.jsontypes import JSON

COUNT_FIELDS = ("error_count", "lost_count", "unexpected_count", "anomaly_count")
"""Fields that count anomalies in the results of non-linearizability checkers."""

MAX_SUMMARY = 600


def _parts(result: JSON, name: str) -> Iterator[tuple[str, Mapping[str, JSON]]]:
    """(checker name, result) of every leaf checker result under ``result``."""
    if not isinstance(result, dict):
        return
    nested = result.get("checkers")
    if isinstance(nested, dict):
        for child, part in nested.items():
            yield from _parts(part, child)
        return
    yield name, result


def checker_parts(results: JSON) -> list[tuple[str, Mapping[str, JSON]]]:
    """The leaf checker results of a run's ``results.json``."""
    if not isinstance(results, dict):
        return []
    return list(_parts(results.get("workload"), "workload"))


def _int(value: JSON) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def anomaly_count(part: Mapping[str, JSON]) -> int:
    """Anomalies one checker found: invalid keys, counter errors, lost/unexpected elements; an
    invalid checker that does not count them counts 1."""
    summary = part.get("summary")
    if isinstance(summary, dict) and "invalid" in summary:
        return _int(summary.get("invalid"))
    counted = sum(_int(part.get(f)) for f in COUNT_FIELDS)
    if counted:
        return counted
    return 1 if part.get("verdict") == "invalid" else 0


def anomalies(results: JSON) -> int:
    return sum(anomaly_count(p) for _, p in checker_parts(results))


def _first_stuck(part: Mapping[str, JSON]) -> str | None:
    """The description of the first operation that could not be linearized, with its key."""
    keys = part.get("keys")
    if not isinstance(keys, list):
        return None
    for entry in keys:
        if not isinstance(entry, dict) or entry.get("verdict") != "invalid":
            continue
        example = entry.get("counterexample")
        if not isinstance(example, dict):
            continue
        prefixes = example.get("prefixes")
        if not isinstance(prefixes, list) or not prefixes or not isinstance(prefixes[0], dict):
            continue
        stuck = prefixes[0].get("stuck")
        if isinstance(stuck, list) and stuck and isinstance(stuck[0], dict):
            op = stuck[0].get("operation")
            if isinstance(op, dict) and isinstance(op.get("description"), str):
                return f"key {entry.get('key')!r}: cannot linearize {op['description']}"
        return f"key {entry.get('key')!r}"
    return None


def _describe(name: str, part: Mapping[str, JSON]) -> str:
    verdict = part.get("verdict")
    text = f"{name}: {verdict}"
    summary = part.get("summary")
    if isinstance(summary, dict) and "invalid" in summary:
        total = sum(_int(v) for v in summary.values())
        text += f", {_int(summary.get('invalid'))} of {total} keys not linearizable"
        if _int(summary.get("unknown")):
            text += f", {_int(summary.get('unknown'))} undecided"
        stuck = _first_stuck(part)
        if stuck:
            text += f" (first: {stuck})"
        return text
    counts = [f"{_int(part.get(f))} {f.removesuffix('_count')}" for f in COUNT_FIELDS
              if _int(part.get(f))]
    if counts:
        text += ", " + ", ".join(counts)
    for field in ("reason", "error"):
        value = part.get(field)
        if isinstance(value, str) and value:
            text += f" ({field}: {value})"
    return text


def anomaly_summary(results: JSON) -> str:
    """One line about every checker that is not valid; empty when all are valid."""
    if not isinstance(results, dict):
        return "no results"
    parts = [_describe(n, p) for n, p in checker_parts(results) if p.get("verdict") != "valid"]
    if not parts:
        for field in ("reason", "error"):
            value = results.get(field)
            if isinstance(value, str) and value:
                parts.append(f"{field}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 3] + "..."


__all__ = ["anomalies", "anomaly_count", "anomaly_summary", "checker_parts"]
