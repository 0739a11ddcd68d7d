"""Nemeses by name: ``--nemesis a,b,c`` resolves each name here and composes the packages.

To add a nemesis, register a factory: ``NEMESES["partition"] = partition_package`` where the
factory takes the :class:`~harness.kernel.config.TestConfig` (read your options with
``test.nemesis_option(key)``, from ``--nemesis-opt K=V``) and returns a :class:`NemesisPackage`.
Raise :class:`NemesisOptionError` for bad options (the CLI prints it and exits 254).

How the run uses a package (see ``harness.shell.run``):
- ``generator`` runs on the nemesis thread alongside the clients for ``--time-limit`` seconds;
- then ``final_generator`` runs (heal everything), on the nemesis thread;
- clients keep running ``recovery_s`` more seconds, fault-free, so recovery is checked too;
- ``nemesis.teardown(ctx)`` always runs at the end (also after a crash or Ctrl-C): heal there too.
Every nemesis op goes into the history (process ``"nemesis"``, type info, start and end).

Nemeses of other packages come in as plugins (entry-point group ``splitbrain.nemeses``, or
``--nemesis package.module:factory``), resolved by :mod:`harness.shell.plugins`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.generators import Generator, any_of, seq
from harness.kernel.ops import Op, OpType
from harness.kernel.option_reader import OptionError
from harness.kernel.protocols import Nemesis, NoopNemesis, ReportsFaults, complete
from harness.shell import plugins
from harness.shell.plugins import PluginKind

if TYPE_CHECKING:
    from nemesis.schedule import FaultChoice


class NemesisOptionError(OptionError):
    """An unknown nemesis name or a bad ``--nemesis-opt`` (exit 254)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NemesisPackage:
    """A nemesis with its schedule."""

    nemesis: Nemesis
    generator: Generator | None = None
    """Nemesis ops during the workload (None = no faults)."""
    final_generator: Generator | None = None
    """Ops after the workload that heal everything (None = nothing to heal)."""
    recovery_s: float = 0.0
    """Fault-free seconds of client operations after the heal."""
    fs: frozenset[str] = frozenset()
    """The ``f`` values this nemesis handles (used to route ops when packages are composed)."""
    choices: tuple[FaultChoice, ...] = ()
    """The plain faults its schedule draws from (built-ins); when every composed package has
    them, one mixed schedule of these and the targeted patterns replaces the separate ones
    (unless ``--nemesis-opt overlap=true``)."""


NemesisFactory = Callable[[TestConfig], NemesisPackage]


def none_package(test: TestConfig) -> NemesisPackage:
    """No faults."""
    return NemesisPackage(nemesis=NoopNemesis())


NEMESES: dict[str, NemesisFactory] = {"none": none_package}
"""Name -> factory. The nemesis modules add theirs (import them in :func:`_load_builtins`)."""


BUILTIN_MODULES: tuple[str, ...] = ("nemesis.packages",)
"""Modules imported before names are resolved; each adds its factories to :data:`NEMESES`."""


def _load_builtins() -> None:
    """Import modules that register nemeses (kept lazy so this registry has no dependencies)."""
    import importlib

    for module in BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:
                raise


def builtins() -> dict[str, NemesisFactory]:
    """Every builtin nemesis by name (after the modules that declare them are imported)."""
    _load_builtins()
    return dict(NEMESES)


class ComposedNemesis:
    """Routes each op to the nemesis whose package declares its ``f``."""

    def __init__(self, packages: Sequence[NemesisPackage]) -> None:
        self._packages = tuple(packages)
        self._route = {f: p.nemesis for p in packages for f in p.fs}

    def setup(self, ctx: RunContext) -> ComposedNemesis:
        nemeses = [p.nemesis.setup(ctx) for p in self._packages]
        packages = [
            NemesisPackage(nemesis=n, generator=p.generator, final_generator=p.final_generator,
                           recovery_s=p.recovery_s, fs=p.fs)
            for n, p in zip(nemeses, self._packages, strict=True)
        ]
        return ComposedNemesis(packages)

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        nemesis = self._route.get(op.f)
        if nemesis is None:
            return complete(op, OpType.INFO, None, error=f"no nemesis handles {op.f!r}")
        return nemesis.invoke(ctx, op)

    def teardown(self, ctx: RunContext) -> None:
        errors: list[BaseException] = []
        for package in self._packages:
            try:
                package.nemesis.teardown(ctx)
            except Exception as e:
                errors.append(e)
        if errors:
            raise errors[0]

    def active_faults(self) -> Sequence[str]:
        faults: list[str] = []
        for package in self._packages:
            if isinstance(package.nemesis, ReportsFaults):
                faults.extend(package.nemesis.active_faults())
        return faults


def compose(packages: Sequence[NemesisPackage], seed: int) -> NemesisPackage:
    """One package from several: their schedules side by side, then every heal in turn."""
    if len(packages) == 1:
        return packages[0]
    gens = [p.generator for p in packages if p.generator is not None]
    finals = [p.final_generator for p in packages if p.final_generator is not None]
    return NemesisPackage(
        nemesis=ComposedNemesis(packages),
        # all schedules at once, soonest op first: each package keeps its own timeline
        generator=any_of(*gens) if gens else None,
        final_generator=seq(*finals) if finals else None,
        recovery_s=max((p.recovery_s for p in packages), default=0.0),
        fs=frozenset().union(*(p.fs for p in packages)),
    )


def build(test: TestConfig) -> NemesisPackage:
    """The package for ``test.nemesis`` (empty or ``none`` = no faults)."""
    _load_builtins()
    names = [n for n in test.nemesis if n != "none"] or ["none"]
    resolved = [plugins.resolve(PluginKind.NEMESIS, n, NEMESES, NemesisOptionError)
                for n in names]
    packages = [plugins.build(r, test, NemesisPackage, (NemesisOptionError,)) for r in resolved]
    package = compose(packages, test.seed)
    if packages and all(p.choices for p in packages):
        # here: the registry has no dependencies
        from nemesis.mixing import mixed_generator
        from nemesis.options import mixing_options

        if not mixing_options(test).overlap:
            package = replace(package, generator=mixed_generator(test, names, packages))
    return package


__all__ = [
    "BUILTIN_MODULES",
    "NEMESES",
    "ComposedNemesis",
    "NemesisFactory",
    "NemesisOptionError",
    "NemesisPackage",
    "build",
    "builtins",
    "compose",
    "none_package",
]
