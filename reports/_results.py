"""``results.json`` as the report reads it: typed results; verdicts are read, never recomputed.

A file the controller wrote (it has ``schema_version`` or a ``workload``) is read as
:class:`harness.shell.run_results.RunResults`; the report shows the leaves of the workload's
composed result, then ``coverage``. Other shapes are accepted too, their results typed where they
name a known checker and kept as :class:`checkers.result_json.OtherResult` otherwise:

- ``{"verdict": V, "checkers": {name: result, ...}}`` and any nesting of such composed results
  (``"checkers"`` may also be a list of results, each naming itself with ``"checker"``;
  ``"results"`` is accepted for ``"checkers"``);
- one checker's result (an object with ``"checker"`` and ``"verdict"``);
- ``{name: result, ...}`` where each result has a ``"verdict"`` (or Jepsen's ``"valid?"``).

A result that names a known checker but does not have its shape is shown as it is, with the
problem named.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkers.result_json import (
    AnyResult,
    OtherResult,
    ResultFormatError,
    kind_of,
    result_from_json,
    verdict_of,
)
from checkers.verdict import Verdict, merge
from harness.kernel.jsontypes import JSON
from harness.shell.run_results import SCHEMA_KEY, ResultsFileError, RunResults


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckerResult:
    """One checker's typed result under the name the run gave it."""

    name: str
    result: AnyResult

    @property
    def verdict(self) -> Verdict | None:
        """Its verdict (``None`` if it states none, e.g. the CP/AP classification)."""
        if isinstance(self.result, OtherResult):
            return self.result.verdict
        from checkers.behaviour import BehaviourResult

        return None if isinstance(self.result, BehaviourResult) else self.result.verdict

    @property
    def data(self) -> dict[str, JSON]:
        """Its JSON (what the report shows as "result JSON")."""
        return self.result.to_json()

    @property
    def kind(self) -> str:
        """The checker that produced it (``"linearizable"``, ``"set"``, ...; else the name)."""
        if isinstance(self.result, OtherResult):
            return self.result.kind or self.name
        return kind_of(self.data) or self.name


@dataclass(frozen=True, kw_only=True, slots=True)
class Results:
    """The run's verdict and its checkers' results."""

    verdict: Verdict | None
    """As stated in results.json; merged from the checkers only if it states none."""
    stated: bool
    """True if results.json stated the overall verdict itself."""
    checkers: tuple[CheckerResult, ...]
    problems: tuple[str, ...] = ()


def _leaf(name: str, value: JSON, problems: list[str]) -> CheckerResult:
    try:
        result = result_from_json(value, name)
    except ResultFormatError as e:
        problems.append(f"a result does not have its checker's shape: {e}")
        result = OtherResult.from_json(value, name)
    return CheckerResult(name=name, result=result)


def _children(value: dict[str, JSON]) -> JSON:
    """The nested results of a composed result (``None`` if it is a leaf)."""
    if "checker" in value and value.get("checker") != "compose":
        return None
    nested = value.get("checkers", value.get("results"))
    return nested if isinstance(nested, dict | list) else None


def _expand(name: str, value: JSON, problems: list[str], *, top: bool = False
            ) -> list[CheckerResult]:
    """A result, or the leaves of a composed one, named ``parent/child`` unless the parent is
    the conventional ``workload`` wrapper."""
    if isinstance(value, dict):
        nested = _children(value)
        if nested is not None:
            prefix = "" if top or name == "workload" else f"{name}/"
            return [CheckerResult(name=prefix + c.name, result=c.result)
                    for c in _checkers(nested, problems)]
        return [_leaf(name, value, problems)]
    return [CheckerResult(name=name, result=OtherResult.from_json(value, name))]


def _checkers(value: JSON, problems: list[str]) -> list[CheckerResult]:
    out: list[CheckerResult] = []
    if isinstance(value, dict):
        for name, v in value.items():
            out.extend(_expand(str(name), v, problems))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            label = v.get("checker", v.get("name")) if isinstance(v, dict) else None
            out.extend(_expand(label if isinstance(label, str) else f"checker {i + 1}", v,
                               problems))
    return out


def _run_results(results: RunResults) -> Results:
    problems = [f"{field}: {text}" for field, text in (("error", results.error),
                                                       ("reason", results.reason)) if text]
    failure = results.harness_failure
    if failure is not None:
        problems.append(f"harness failure ({failure.kind}): {failure.reason}; the run was "
                        "ended early and its history is a prefix")
    return Results(verdict=results.verdict, stated=True,
                   checkers=tuple(CheckerResult(name=n, result=r)
                                  for n, r in results.checkers()),
                   problems=tuple(problems))


def read_results(value: JSON | None) -> Results:
    """Normalize the decoded results.json (``None`` when it is missing or unreadable)."""
    if value is None:
        return Results(verdict=None, stated=False, checkers=(),
                       problems=("no results: the run did not finish its analysis",))
    if not isinstance(value, dict):
        return Results(verdict=None, stated=False, checkers=(),
                       problems=("results.json is not a JSON object",))
    problems: list[str] = []
    if SCHEMA_KEY in value or "workload" in value:
        try:
            return _run_results(RunResults.from_json(value))
        except ResultsFileError as e:
            problems.append(str(e))
    stated = verdict_of(value)
    if "checker" in value and value.get("checker") != "compose":
        checkers = _expand(str(value["checker"]), value, problems)
    elif _children(value) is not None:
        checkers = _expand("", value, problems, top=True)
    else:
        checkers = _checkers({k: v for k, v in value.items() if verdict_of(v) is not None},
                             problems)
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
    return Results(verdict=stated, stated=stated_verdict, checkers=tuple(checkers),
                   problems=tuple(problems))


__all__ = ["CheckerResult", "Results", "read_results", "verdict_of"]
