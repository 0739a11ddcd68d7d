"""The options of ``splitbrain run``, typed, and the one place they become a :class:`TestConfig`.

The CLI (:mod:`harness.shell.commands.run`) and the pytest plugin (:mod:`harness.pytest_plugin`)
both parse their input with the same click command and build the test here, so they take the same
options with the same defaults and the same checks.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.kernel.config import RuntimeKind, TestConfig, options
from harness.kernel.errors import BadInputError
from harness.shell.runtime.registry import node_names
from harness.shell.store import validate_test_name


class RunOptionError(BadInputError):
    """An option of ``splitbrain run`` that cannot be used (the CLI exits 254)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RunOptions:
    """What ``splitbrain run`` takes; the defaults are the CLI's (``--help`` shows them)."""

    target: str = "raftkv"
    """A builtin, an installed plugin's name, or ``package.module:factory``."""
    workload: str = "register"
    nemesis: tuple[str, ...] = ("default",)
    """Fault names; ``default`` = partitions, process and clock faults the target can take
    (:mod:`nemesis.defaults`); ``none`` = no faults."""
    nodes: int = 5
    concurrency: int = 15
    time_limit: float = 30.0
    """Seconds of workload."""
    rate: float = 200.0
    """Client operations per second in total (0 = as fast as possible)."""
    seed: int | None = None
    """None = a fresh random seed (it is stored with the run)."""
    store: Path = Path("store")
    name: str | None = None
    """None = ``target-workload[-faults]``."""
    target_options: Mapping[str, str] = field(default_factory=dict)
    workload_options: Mapping[str, str] = field(default_factory=dict)
    nemesis_options: Mapping[str, str] = field(default_factory=dict)
    op_timeout: float = 5.0
    """Seconds after which a client op is recorded as ``info``."""
    stall_timeout: float = 30.0
    """Watchdog: seconds with nothing dispatched while clients are free."""
    grace: float = 30.0
    """Watchdog: seconds a run may overrun time limit + recovery."""
    min_ok: int = 10
    """Operations of each kind that must succeed for a ``valid`` verdict."""
    runtime: str = RuntimeKind.NETNS.value
    """Where the nodes live (a :class:`RuntimeKind` value)."""
    runtime_options: Mapping[str, str] = field(default_factory=dict)
    """``--runtime-opt`` (docker: image, adopt, adopt-names, ...)."""

    def test_name(self) -> str:
        """The explicit name, or one made of the target, the workload and the faults (a
        ``package.module:factory`` contributes its module path, with ``:`` made ``.``)."""
        if self.name is not None:
            return self.name
        faults = [n for n in self.nemesis if n not in ("none", "default")]
        return _safe("-".join([self.target, self.workload, *faults]))

    def to_test(self) -> TestConfig:
        """The :class:`TestConfig` of this run; raises :class:`RunOptionError` for bad options."""
        nemeses = tuple(n.strip() for n in self.nemesis if n.strip())
        if not nemeses:
            raise RunOptionError("give at least one nemesis (or none)")
        if "none" in nemeses and len(set(nemeses)) > 1:
            raise RunOptionError(
                f"--nemesis {','.join(nemeses)}: 'none' means no faults and cannot be combined "
                "with others")
        name = self.test_name()
        try:
            runtime = RuntimeKind(self.runtime)
        except ValueError:
            known = ", ".join(k.value for k in RuntimeKind)
            raise RunOptionError(f"unknown runtime {self.runtime!r}; known: {known}") from None
        try:
            validate_test_name(name)
            # ssh: the nodes are the hosts file's (``nodes`` is ignored)
            nodes = node_names(runtime, self.runtime_options, self.nodes)
        except ValueError as e:
            raise RunOptionError(str(e)) from None
        return TestConfig(
            name=name, target=self.target, workload=self.workload, nemesis=nemeses,
            nodes=nodes,
            concurrency=self.concurrency, time_limit=self.time_limit, rate=self.rate,
            seed=self.seed if self.seed is not None else secrets.randbelow(2**31),
            store=self.store,
            target_options=options(self.target_options),
            workload_options=options(self.workload_options),
            nemesis_options=options(self.nemesis_options),
            op_timeout=self.op_timeout, runtime=runtime,
            runtime_options=options(self.runtime_options),
            stall_timeout=self.stall_timeout, grace=self.grace, min_ok=self.min_ok,
        )


DEFAULTS = RunOptions()
"""The defaults, for the click options (one source for the CLI and the pytest plugin)."""


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", ".", name)[:100]


def pairs(values: tuple[str, ...] | list[str], flag: str) -> dict[str, str]:
    """``("k=v", ...)`` -> ``{"k": "v"}``; :class:`RunOptionError` naming ``flag`` otherwise."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise RunOptionError(f"{flag}: expected K=V, got {item!r}")
        out[key.strip()] = value.strip()
    return out


__all__ = ["DEFAULTS", "RunOptionError", "RunOptions", "pairs"]
