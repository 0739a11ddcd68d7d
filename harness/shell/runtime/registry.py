"""Node runtimes by kind: a factory, the runtime options it takes and the faults it can inject.

To add a runtime, register a :class:`RuntimeSpec` (``register(RuntimeSpec(...))``) from a module
listed in :data:`BUILTIN_MODULES` (or any module imported before the run). Everything the rest of
the harness needs goes through the spec:

- ``options`` names the ``--runtime-opt`` keys it accepts (unknown ones are refused, exit 254);
- ``faults`` maps each supported :class:`Fault` to how it is done (the capability table);
- ``validate(test)`` refuses impossible combinations *without* touching the machine
  (:class:`RuntimeOptionError`, exit 254); ``requires`` checks are added automatically;
- ``preflight(test)`` checks the machine right before the run creates anything (and returns
  the test, with ``nodes`` replaced when the runtime decides them, e.g. adopted containers): raise
  :class:`RuntimeUnavailableError` (exit 255: not root, no engine) or
  :class:`RuntimeOptionError` (exit 254: e.g. ``--adopt`` matches no container);
- ``create(request)`` returns the unstarted :class:`ManagedRuntime`;
- ``cleanup(state)`` removes what a dead run recorded in its run-state file (only that), and
  ``sweep(run_id)`` (optional) removes leftovers by label when no run-state file is left;
- ``wrap_db(test, db)`` (optional) replaces the target's lifecycle when the runtime's nodes
  already run the target (adopted containers).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.kernel.config import RuntimeKind, TestConfig
from harness.kernel.nodes import ManagedRuntime, RuntimeOptionError
from harness.kernel.protocols import DB
from harness.shell.runtime.faults import Fault, faults_of
from harness.shell.runtime.runstate import RunState


@dataclass(frozen=True, kw_only=True, slots=True)
class RuntimeRequest:
    """What a runtime factory gets: the test (nodes, runtime options) and where state goes."""

    test: TestConfig
    state_dir: Path | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SweepResult:
    """Leftovers of one dead run found without a run-state file (by label)."""

    run_id: str
    removed: tuple[str, ...]


def _nothing(test: TestConfig) -> None:
    return None


def _same(test: TestConfig) -> TestConfig:
    return test


def _refuses_nothing(test: TestConfig) -> Mapping[Fault, str]:
    return {}


@dataclass(frozen=True, kw_only=True, slots=True)
class RuntimeSpec:
    kind: RuntimeKind
    summary: str
    """One line for ``--help``: where the nodes live."""
    create: Callable[[RuntimeRequest], ManagedRuntime]
    cleanup: Callable[[RunState], list[str]]
    faults: Mapping[Fault, str]
    """Supported fault -> how this runtime injects it."""
    unsupported: Mapping[Fault, str] = field(default_factory=dict)
    """Unsupported fault -> why (shown when a test asks for it)."""
    options: Mapping[str, str] = field(default_factory=dict)
    """``--runtime-opt`` key -> what it does."""
    validate: Callable[[TestConfig], None] = _nothing
    preflight: Callable[[TestConfig], TestConfig] = _same
    """Returns the test to run: the same, or with the nodes the runtime found (``--adopt``)."""
    sweep: Callable[[str | None], list[SweepResult]] | None = None
    """Removes leftovers of dead runs (only ``run_id``'s when given) found by label."""
    wrap_db: Callable[[TestConfig, DB], DB] | None = None
    """Replaces the target's DB when the runtime runs the target itself (``--adopt``: the
    target already runs in the user's containers)."""
    refuses: Callable[[TestConfig], Mapping[Fault, str]] = _refuses_nothing
    """Faults of ``faults`` that this runtime cannot inject for this test, with why (ssh: clock
    for Redis); refused like unsupported ones, and left out of ``--nemesis default``."""
    node_names: Callable[[Mapping[str, str]], tuple[str, ...] | None] | None = None
    """The node names the runtime's options fix (ssh: the hosts file's), or None for the
    default ``n1..nN``; raises :class:`RuntimeOptionError` for unusable options."""


RUNTIMES: dict[RuntimeKind, RuntimeSpec] = {}

BUILTIN_MODULES: tuple[str, ...] = ("harness.shell.runtime.specs", "harness.shell.runtime.ssh.spec")


def register(spec: RuntimeSpec) -> None:
    RUNTIMES[spec.kind] = spec


def _load() -> None:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)


def all_specs() -> list[RuntimeSpec]:
    _load()
    return [RUNTIMES[k] for k in RuntimeKind if k in RUNTIMES]


def get_spec(kind: RuntimeKind | str) -> RuntimeSpec:
    """The spec of ``kind``; :class:`RuntimeOptionError` naming the known kinds otherwise."""
    _load()
    try:
        spec = RUNTIMES.get(RuntimeKind(kind))
    except ValueError:
        spec = None
    if spec is None:
        known = ", ".join(s.kind.value for s in all_specs())
        raise RuntimeOptionError(f"unknown runtime {str(kind)!r}; known: {known}")
    return spec


def node_names(kind: RuntimeKind | str, options: Mapping[str, str], count: int
               ) -> tuple[str, ...]:
    """The test's node names: what the runtime's options fix (ssh: its hosts file), else
    ``n1..n<count>``. Raises :class:`RuntimeOptionError`."""
    _load()
    try:
        spec = RUNTIMES.get(RuntimeKind(kind))
    except ValueError:
        spec = None  # validate() names the unknown runtime
    names = spec.node_names(options) if spec is not None and spec.node_names else None
    return names if names is not None else tuple(f"n{i}" for i in range(1, count + 1))


def usable_faults(test: TestConfig) -> frozenset[Fault]:
    """The faults the test's runtime can inject for this test (its ``faults`` minus what it
    ``refuses`` for this test)."""
    spec = get_spec(test.runtime)
    return frozenset(spec.faults) - set(spec.refuses(test))


def validate(test: TestConfig) -> RuntimeSpec:
    """Refuse unknown runtime options and faults the runtime cannot inject (exit 254)."""
    spec = get_spec(test.runtime)
    unknown = sorted(k for k, _ in test.runtime_options if k not in spec.options)
    if unknown:
        known = ", ".join(sorted(spec.options)) or "none"
        elsewhere = sorted({o.kind.value for o in all_specs() for k in unknown if k in o.options})
        hint = f"; add --runtime {' or '.join(elsewhere)}" if elsewhere else ""
        raise RuntimeOptionError(
            f"the {spec.kind.value} runtime has no option {', '.join(unknown)} "
            f"(known: {known}){hint}"
        )
    refused = spec.refuses(test)
    missing = sorted(faults_of(test.nemesis) - usable_faults(test))
    if missing:
        reasons = "; ".join(
            f"{f.value}: {refused.get(f) or spec.unsupported.get(f, 'not supported')}"
            for f in missing
        )
        raise RuntimeOptionError(
            f"the {spec.kind.value} runtime cannot inject {', '.join(f.value for f in missing)} "
            f"({reasons}); see the capability table in splitbrain run --help"
        )
    spec.validate(test)
    return spec


def capability_table() -> str:
    """Runtime x fault, as plain text (``yes``/``no``), for ``--help`` and the README."""
    specs = all_specs()
    width = max(len(f.value) for f in Fault) + 2
    header = "fault".ljust(width) + "".join(s.kind.value.ljust(8) for s in specs)
    rows = [header]
    for fault in Fault:
        cells = "".join(("yes" if fault in s.faults else "no").ljust(8) for s in specs)
        rows.append(fault.value.ljust(width) + cells)
    return "\n".join(r.rstrip() for r in rows)


__all__ = [
    "BUILTIN_MODULES",
    "RUNTIMES",
    "RuntimeRequest",
    "RuntimeSpec",
    "SweepResult",
    "all_specs",
    "capability_table",
    "get_spec",
    "node_names",
    "register",
    "usable_faults",
    "validate",
]
