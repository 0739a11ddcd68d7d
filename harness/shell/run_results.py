"""``results.json``: a run's verdict and its checkers' results, as one typed record.

Layout (schema :data:`RESULTS_SCHEMA`)::

    {"schema_version": 2, "verdict": V,
     "workload": <the workload's result, usually composed: {"checker": "compose", "verdict",
                  "checkers": {name: result}}>,
     "coverage": <checkers.coverage.CoverageResult>,
     ["reason": str], ["error": str],
     ["harness_failure": {"kind", "reason", "at_s", "detail"}]}

Every result names its type in ``"checker"`` (``linearizable``, ``set``, ``counter``,
``session``, ``elle``, ``stats``, ``behaviour``, ``coverage``, ``compose``, ``failed``; a
plugin's result may name its own, and reads back as
:class:`checkers.result_json.OtherResult`).

Schema 1 (and files without ``schema_version``, written before it existed) had no ``"checker"``
in session, Elle, stats, coverage and composed results, and wrote a failed CP/AP classification
as ``{"verdict": "valid", "error"}``; they read back to the same types (recognised by shape).
A file of a newer schema is refused (:class:`ResultsFileError`, exit 254).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from checkers.result_json import AnyResult, Fields, ResultFormatError, leaves, result_from_json
from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON

if TYPE_CHECKING:
    from checkers.coverage import CoverageResult

RESULTS_SCHEMA = 2
"""Version of the layout of ``results.json`` (see the module docstring)."""

SCHEMA_KEY = "schema_version"
RESULTS_FILE = "results.json"


class ResultsFileError(ResultFormatError):
    """``results.json`` is unreadable, torn, of an unknown schema, or not shaped as written."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HarnessFailure:
    """The watchdog ended the run: ``kind`` (stall, overrun), why, when (s since the start)."""

    kind: str
    reason: str
    at_s: float | None = None
    detail: str | None = None

    def to_json(self) -> dict[str, JSON]:
        return {"kind": self.kind, "reason": self.reason, "at_s": self.at_s,
                "detail": self.detail}

    @classmethod
    def from_json(cls, value: JSON, where: str = "") -> HarnessFailure:
        f = Fields(value, where)
        at = f.raw("at_s")
        return cls(kind=f.text("kind"), reason=f.text("reason"),
                   at_s=None if at is None else f.number("at_s"), detail=f.opt_text("detail"))


@dataclass(frozen=True, kw_only=True, slots=True)
class RunResults:
    """What ``results.json`` holds. ``workload`` is ``None`` when the run was not checked
    (interrupted before it, or a checker raised: ``error``); ``coverage`` is ``None`` then
    too, and for the prefix of an interrupted run."""

    verdict: Verdict
    workload: AnyResult | None = None
    coverage: CoverageResult | None = None
    reason: str | None = None
    error: str | None = None
    harness_failure: HarnessFailure | None = None
    schema_version: int = field(default=RESULTS_SCHEMA, compare=False)
    """The schema the file was written in (not part of the value: a file of schema 1 and its
    rewrite in schema 2 hold equal results)."""

    def to_json(self) -> dict[str, JSON]:
        """The file's JSON, always in the current schema."""
        out: dict[str, JSON] = {SCHEMA_KEY: RESULTS_SCHEMA, "verdict": self.verdict.value}
        if self.workload is not None:
            out["workload"] = self.workload.to_json()
        if self.coverage is not None:
            out["coverage"] = self.coverage.to_json()
        if self.reason is not None:
            out["reason"] = self.reason
        if self.error is not None:
            out["error"] = self.error
        if self.harness_failure is not None:
            out["harness_failure"] = self.harness_failure.to_json()
        return out

    @classmethod
    def from_json(cls, value: JSON, source: str = RESULTS_FILE) -> RunResults:
        """Read a decoded ``results.json`` of schema 1 or 2 (or one without a version); raises
        :class:`ResultsFileError` naming ``source`` and the field at fault
        (``results.json: workload.checkers.set.lost: expected a list, got null``)."""
        from checkers.coverage import CoverageResult  # here: run's start-up imports no checkers

        try:
            f = Fields(value, "")
            version = f.value.get(SCHEMA_KEY, 1)
            if not isinstance(version, int) or isinstance(version, bool) or not \
                    1 <= version <= RESULTS_SCHEMA:
                raise f.error(SCHEMA_KEY, f"{version!r} is not a schema this version of "
                                          f"Splitbrain reads (1 to {RESULTS_SCHEMA})")
            return cls(
                verdict=f.verdict(),
                workload=(result_from_json(f.raw("workload"), f.at("workload"))
                          if f.raw("workload") is not None else None),
                coverage=f.opt_object("coverage", CoverageResult.from_json),
                reason=f.opt_text("reason"), error=f.opt_text("error"),
                harness_failure=f.opt_object("harness_failure", HarnessFailure.from_json),
                schema_version=version,
            )
        except ResultFormatError as e:
            raise ResultsFileError(f"{source}: {e}") from None

    @classmethod
    def read(cls, path: Path) -> RunResults:
        """Read ``results.json`` at ``path``; raises :class:`ResultsFileError` (file missing,
        unreadable, torn, or not shaped as written)."""
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ResultsFileError(f"{path}: cannot read it: {e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise ResultsFileError(f"{path}: not UTF-8 text: {e}") from None
        try:
            value: JSON = json.loads(text)
        except json.JSONDecodeError as e:
            raise ResultsFileError(f"{path}: not JSON (torn or partly written?): {e}") from None
        return cls.from_json(value, str(path))

    def checker(self, name: str) -> AnyResult | None:
        """The result of the checker ``name`` (a leaf of :meth:`checkers`), if there is one."""
        return next((r for n, r in self.checkers() if n == name), None)

    def checkers(self) -> Iterator[tuple[str, AnyResult]]:
        """``(name, result)`` of every checker: the workload's leaves (a composed result is
        opened), then ``coverage``."""
        if self.workload is not None:
            yield from leaves("workload", self.workload)
        if self.coverage is not None:
            yield "coverage", self.coverage


__all__ = ["RESULTS_FILE", "RESULTS_SCHEMA", "SCHEMA_KEY", "HarnessFailure", "ResultsFileError",
           "RunResults"]
