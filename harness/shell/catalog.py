"""What is installed: the targets, workloads, nemeses and models, builtins and plugins
(``splitbrain list``).

Every installed plugin is imported here, so that one that cannot be imported shows up (with
its error) before a run needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from harness.kernel.config import TestConfig
from harness.kernel.jsontypes import JSON
from harness.shell.plugins import BUILTIN, Entry, PluginKind, builtin_entries, installed


class Section(StrEnum):
    TARGETS = "targets"
    WORKLOADS = "workloads"
    NEMESES = "nemeses"
    MODELS = "models"

    @property
    def singular(self) -> str:
        return "nemesis" if self is Section.NEMESES else self.value[:-1]


@dataclass(frozen=True, kw_only=True, slots=True)
class Listing:
    """One row of ``splitbrain list``."""

    section: Section
    name: str
    origin: str
    """``builtin`` or ``<distribution> <version>``."""
    reference: str
    """``module:attribute`` of the factory."""
    description: str = ""
    error: str | None = None
    """Why the plugin cannot be used (it failed to import, or a builtin has its name)."""

    def to_json(self) -> dict[str, JSON]:
        return {"section": self.section.value, "name": self.name, "origin": self.origin,
                "reference": self.reference, "description": self.description,
                "error": self.error}


def summary(obj: object) -> str:
    """The first line of ``obj``'s docstring ('' if none)."""
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or not doc.strip():
        return ""
    return doc.strip().splitlines()[0].strip()


_SECTIONS = {
    PluginKind.TARGET: Section.TARGETS,
    PluginKind.WORKLOAD: Section.WORKLOADS,
    PluginKind.NEMESIS: Section.NEMESES,
}


def _kind(
    kind: PluginKind, builtins: Mapping[str, Callable[[TestConfig], object]]
) -> list[Listing]:
    section = _SECTIONS[kind]
    rows = [
        Listing(section=section, name=e.name, origin=e.origin, reference=e.reference,
                description=summary(builtins[e.name]))
        for e in builtin_entries(kind, builtins)
    ]
    counts: dict[str, int] = {}
    plugins = installed(kind)
    for entry, _ in plugins:
        counts[entry.name] = counts.get(entry.name, 0) + 1
    for entry, ep in plugins:
        rows.append(_plugin_row(section, entry, ep.load, builtins, counts[entry.name]))
    return rows


def _plugin_row(
    section: Section, entry: Entry, load: Callable[[], object],
    builtins: Mapping[str, object], declared: int,
) -> Listing:
    error: str | None = None
    description = ""
    try:
        description = summary(load())
    except Exception as e:
        error = f"failed to import: {type(e).__name__}: {e}"
    if error is None and entry.name in builtins:
        error = "shadowed: a builtin has this name, so the builtin is used"
    elif error is None and declared > 1:
        error = "ambiguous: several installed distributions declare this name"
    return Listing(section=section, name=entry.name, origin=entry.origin,
                   reference=entry.reference, description=description, error=error)


def catalog() -> list[Listing]:
    """Every target, workload, nemesis and model; plugins are imported to check them."""
    from checkers.linearizable.models import MODEL_NAMES
    from nemesis.registry import builtins as nemeses
    from targets.registry import TARGETS
    from workloads.registry import WORKLOADS

    rows = [
        *_kind(PluginKind.TARGET, TARGETS),
        *_kind(PluginKind.WORKLOAD, WORKLOADS),
        *_kind(PluginKind.NEMESIS, nemeses()),
    ]
    for name in MODEL_NAMES:
        rows.append(Listing(section=Section.MODELS, name=name, origin=BUILTIN,
                            reference="checkers.linearizable.models",
                            description="for `splitbrain check --model`"))
    for name in ("list-append", "rw-register"):  # checkers.elle.TXN_MODELS (kept import-free)
        rows.append(Listing(section=Section.MODELS, name=name, origin=BUILTIN,
                            reference="checkers.elle",
                            description="transactional anomalies, for `splitbrain check "
                                        "--model` (with --consistency-model)"))
    return rows


__all__ = ["Listing", "Section", "catalog", "summary"]
