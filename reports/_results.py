"""``results.json`` as the report reads it: verdicts are read, never recomputed.

Accepted shapes (the controller writes the first):

- ``{"verdict": V, "workload": {"verdict": V, "checkers": {name: result, ...}}}``, and any
  nesting of such composed results (``"checkers"`` may also be a list of results, each naming
  itself with ``"checker"``; ``"results"`` is accepted for ``"checkers"``); the report shows the
  leaves;
- ``{"verdict": V, "checkers": {name: result, ...}}``;
- one checker's result (an object with ``"checker"`` and ``"verdict"``);
- ``{name: result, ...}`` where each result has a ``"verdict"``.

A result's verdict is ``"verdict"``, or Jepsen's ``"valid?"`` (true/false/"unknown").
"""

from __future__ import annotations

from dataclasses import dataclass

from checkers.verdict import Verdict, merge
from harness.jsontypes import JSON

_VERDICTS = {v.value: v for v in Verdict}


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckerResult:
    """One checker's result: its name, its verdict (``None`` if it states none) and its data."""

    name: str
    verdict: Verdict | None
    data: dict[str, JSON]

    @property
    def kind(self) -> str:
        """The checker that produced it (``"linearizable"``, ``"set"``, ...; else the name)."""
        checker = self.data.get("checker")
        return checker if isinstance(checker, str) else self.name


@dataclass(frozen=True, kw_only=True, slots=True)
class Results:
    """The run's verdict and its checkers' results."""

    verdict: Verdict | None
    """As stated in results.json; merged from the checkers only if it states none."""
    stated: bool
    """True if results.json stated the overall verdict itself."""
    checkers: tuple[CheckerResult, ...]
    problems: tuple[str, ...] = ()


def verdict_of(value: JSON) -> Verdict | None:
    """The verdict a result object states, if any."""
    if not isinstance(value, dict):
        return None
    v = value.get("verdict")
    if isinstance(v, str) and v.lower() in _VERDICTS:
        return _VERDICTS[v.lower()]
    jepsen = value.get("valid?")
    if jepsen is True:
        return Verdict.VALID
    if jepsen is False:
        return Verdict.INVALID
    if jepsen == "unknown":
        return Verdict.UNKNOWN
    return None


def _children(value: dict[str, JSON]) -> JSON:
    """The nested results of a composed result (``None`` if it is a leaf)."""
    if "checker" in value:
        return None
    nested = value.get("checkers", value.get("results"))
    return nested if isinstance(nested, dict | list) else None


def _expand(name: str, value: JSON, *, top: bool = False) -> list[CheckerResult]:
    """A result, or the leaves of a composed one (``{"verdict", "checkers": {...}}``), named
    ``parent/child`` unless the parent is the conventional ``workload`` wrapper."""
    if isinstance(value, dict):
        nested = _children(value)
        if nested is not None:
            prefix = "" if top or name == "workload" else f"{name}/"
            return [CheckerResult(name=prefix + c.name, verdict=c.verdict, data=c.data)
                    for c in _checkers(nested)]
        return [CheckerResult(name=name, verdict=verdict_of(value), data=value)]
    return [CheckerResult(name=name, verdict=verdict_of(value), data={"value": value})]


def _checkers(value: JSON) -> list[CheckerResult]:
    out: list[CheckerResult] = []
    if isinstance(value, dict):
        for name, v in value.items():
            out.extend(_expand(str(name), v))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            label = v.get("checker", v.get("name")) if isinstance(v, dict) else None
            out.extend(_expand(label if isinstance(label, str) else f"checker {i + 1}", v))
    return out


def read_results(value: JSON | None) -> Results:
    """Normalize the decoded results.json (``None`` when it is missing or unreadable)."""
    if value is None:
        return Results(verdict=None, stated=False, checkers=(),
                       problems=("no results: the run did not finish its analysis",))
    if not isinstance(value, dict):
        return Results(verdict=None, stated=False, checkers=(),
                       problems=("results.json is not a JSON object",))
    stated = verdict_of(value)
    problems: list[str] = []
    if "checker" in value:
        checkers = _expand(str(value["checker"]), value)
    elif _children(value) is not None:
        checkers = _expand("", value, top=True)
    else:
        checkers = _checkers({k: v for k, v in value.items() if verdict_of(v) is not None})
    stated_verdict = stated is not None
    if stated is None:
        found = [c.verdict for c in checkers if c.verdict is not None]
        stated = merge(found) if found else None
        if stated is None:
            problems.append("results.json states no verdict")
    for field in ("error", "reason"):
        text = value.get(field)
        if isinstance(text, str):
            problems.append(f"{field}: {text}")
    failure = value.get("harness_failure")
    if isinstance(failure, dict):
        problems.append(f"harness failure ({failure.get('kind', '?')}): "
                        f"{failure.get('reason', 'no reason given')}; the run was ended early "
                        "and its history is a prefix")
    return Results(verdict=stated, stated=stated_verdict, checkers=tuple(checkers),
                   problems=tuple(problems))


__all__ = ["CheckerResult", "Results", "read_results", "verdict_of"]
