"""Targets, workloads and nemeses from other installed packages (plugins).

A name given to ``--target``, ``--workload`` or ``--nemesis`` resolves, in this order, to:

1. a builtin, declared in the kind's registry (:data:`targets.registry.TARGETS`,
   :data:`workloads.registry.WORKLOADS`, :data:`nemesis.registry.NEMESES`);
2. an entry point of an installed distribution, in the group of the kind
   (``splitbrain.targets``, ``splitbrain.workloads``, ``splitbrain.nemeses``), found through
   :mod:`importlib.metadata`; e.g. in a plugin's ``pyproject.toml``::

       [project.entry-points."splitbrain.targets"]
       example-kv = "splitbrain_example_kv.target:target"

3. a direct reference ``package.module:factory`` (any name with a ``:``), imported as is.

Every entry is a factory taking the :class:`~harness.kernel.config.TestConfig` and returning the
kind's object (a ``Target``, a ``Workload``, a ``NemesisPackage``). Only the plugin that is asked
for is imported. A plugin that cannot be imported, is not callable, raises something other than the
kind's own bad-option error, or returns the wrong type raises :class:`PluginError` naming the
plugin and where it comes from (the CLI prints it and exits 254).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from typing import TypeVar

from harness.kernel.config import TestConfig
from harness.kernel.errors import BadInputError

T = TypeVar("T")

BUILTIN = "builtin"


class PluginKind(StrEnum):
    """What a plugin provides."""

    TARGET = "target"
    WORKLOAD = "workload"
    NEMESIS = "nemesis"

    @property
    def group(self) -> str:
        """The entry-point group of this kind, e.g. ``splitbrain.targets``."""
        return _GROUPS[self]


_GROUPS = {
    PluginKind.TARGET: "splitbrain.targets",
    PluginKind.WORKLOAD: "splitbrain.workloads",
    PluginKind.NEMESIS: "splitbrain.nemeses",
}


class PluginError(BadInputError):
    """A plugin could not be loaded or used; the message names it and where it comes from."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Entry:
    """One name a kind resolves: a builtin, an installed entry point or a direct reference."""

    kind: PluginKind
    name: str
    reference: str
    """``module:attribute`` of the factory."""
    distribution: str | None = None
    """The distribution that declares the entry point (None for builtins and references)."""
    version: str | None = None
    builtin: bool = False

    @property
    def origin(self) -> str:
        """``builtin``, ``<distribution> <version>`` or ``reference``: where the name comes from."""
        if self.builtin:
            return BUILTIN
        if self.distribution is not None:
            return f"{self.distribution} {self.version or ''}".strip()
        return "reference"

    def describe(self) -> str:
        """E.g. ``target plugin example-kv (splitbrain-example-kv 0.1.0, pkg.target:target)``."""
        if self.builtin:
            return f"builtin {self.kind.value} {self.name}"
        if self.distribution is None:
            return f"{self.kind.value} plugin {self.name}"
        return f"{self.kind.value} plugin {self.name} ({self.origin}, {self.reference})"


@dataclass(frozen=True, kw_only=True, slots=True)
class Resolved:
    """A factory found for a name, with where it came from."""

    entry: Entry
    factory: Callable[[TestConfig], object]


def _reference(obj: object) -> str:
    module = getattr(obj, "__module__", None) or "?"
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or "?"
    return f"{module}:{name}"


def builtin_entries(
    kind: PluginKind, builtins: Mapping[str, Callable[[TestConfig], object]]
) -> list[Entry]:
    return [Entry(kind=kind, name=name, reference=_reference(factory), builtin=True)
            for name, factory in builtins.items()]


def installed(kind: PluginKind) -> list[tuple[Entry, metadata.EntryPoint]]:
    """The entry points of ``kind``'s group in every installed distribution (not imported)."""
    found: dict[tuple[str, str, str], tuple[Entry, metadata.EntryPoint]] = {}
    for dist in metadata.distributions():
        dist_name = dist.metadata["Name"] or "?"
        for ep in dist.entry_points:
            if ep.group != kind.group:
                continue
            entry = Entry(kind=kind, name=ep.name, reference=ep.value,
                          distribution=dist_name, version=dist.version)
            # a distribution seen twice on sys.path (e.g. a build directory) counts once
            found.setdefault((ep.name, dist_name, ep.value), (entry, ep))
    return sorted(found.values(), key=lambda pair: (pair[0].name, pair[0].origin))


def available(
    kind: PluginKind, builtins: Mapping[str, Callable[[TestConfig], object]]
) -> list[Entry]:
    """Builtins, then installed plugins, each sorted by name (for ``splitbrain list``)."""
    return [*builtin_entries(kind, builtins), *(entry for entry, _ in installed(kind))]


def known_names(kind: PluginKind, builtins: Iterable[str]) -> list[str]:
    return sorted({*builtins, *(entry.name for entry, _ in installed(kind))})


def resolve(
    kind: PluginKind, name: str, builtins: Mapping[str, Callable[[TestConfig], object]],
    unknown: Callable[[str], Exception],
) -> Resolved:
    """The factory that ``name`` resolves to (see the module docstring for the order).

    Raises ``unknown(message)`` for a name that is nowhere, and :class:`PluginError` for a plugin
    that is ambiguous, cannot be imported or is not callable.
    """
    factory = builtins.get(name)
    if factory is not None:
        return Resolved(entry=Entry(kind=kind, name=name, reference=_reference(factory),
                                    builtin=True), factory=factory)
    candidates = [pair for pair in installed(kind) if pair[0].name == name]
    if len(candidates) > 1:
        raise PluginError(
            f"{kind.value} {name!r} is declared by several installed distributions: "
            f"{'; '.join(e.describe() for e, _ in candidates)}; uninstall all but one"
        )
    if candidates:
        entry, ep = candidates[0]
        try:
            loaded = ep.load()
        except Exception as e:  # ImportError, AttributeError, or whatever the module raises
            raise PluginError(
                f"{entry.describe()} failed to import: {type(e).__name__}: {e}"
            ) from None
        return Resolved(entry=entry, factory=_callable(entry, loaded))
    if ":" in name:
        entry = Entry(kind=kind, name=name, reference=name)
        return Resolved(entry=entry, factory=_callable(entry, load_reference(entry)))
    raise unknown(
        f"unknown {kind.value} {name}; known: {', '.join(known_names(kind, builtins))} "
        f"(or give package.module:factory)"
    )


def load_reference(entry: Entry) -> object:
    """Import ``module:attr.path`` of ``entry.reference``; :class:`PluginError` if impossible."""
    module_name, _, attr_path = entry.reference.partition(":")
    if not module_name or not attr_path:
        raise PluginError(f"{entry.kind.value} {entry.name!r}: expected package.module:factory")
    try:
        obj: object = importlib.import_module(module_name)
    except Exception as e:
        raise PluginError(
            f"{entry.describe()} failed to import: {type(e).__name__}: {e}"
        ) from None
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise PluginError(
                f"{entry.describe()}: module {module_name} has no attribute {attr_path!r}"
            ) from None
    return obj


def _callable(entry: Entry, obj: object) -> Callable[[TestConfig], object]:
    if not callable(obj):
        raise PluginError(
            f"{entry.describe()} is a {type(obj).__name__}, not a factory taking the test config"
        )
    factory: Callable[[TestConfig], object] = obj
    return factory


def build(
    resolved: Resolved, test: TestConfig, expected: type[T],
    passes: tuple[type[Exception], ...],
) -> T:
    """Call the factory; check that it returned an ``expected``.

    A builtin is called as is. For a plugin, an exception other than ``passes`` (the kind's own
    bad-option errors, which keep their message) becomes a :class:`PluginError` naming it.
    """
    if resolved.entry.builtin:
        made = resolved.factory(test)
    else:
        try:
            made = resolved.factory(test)
        except passes:
            raise
        except Exception as e:
            raise PluginError(
                f"{resolved.entry.describe()} raised {type(e).__name__}: {e}"
            ) from e
    if not isinstance(made, expected):
        raise PluginError(
            f"{resolved.entry.describe()} returned a {type(made).__name__}, "
            f"not a {expected.__name__}"
        )
    return made


__all__ = [
    "BUILTIN",
    "Entry",
    "PluginError",
    "PluginKind",
    "Resolved",
    "available",
    "build",
    "builtin_entries",
    "installed",
    "known_names",
    "load_reference",
    "resolve",
]
