"""The frozen, typed configuration of one test run (what to run, never runtime state)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from harness.jsontypes import JSON


class RuntimeKind(StrEnum):
    """Where the nodes live."""

    NETNS = "netns"
    DOCKER = "docker"
    SSH = "ssh"


def _frozen_options(options: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(options.items()))


@dataclass(frozen=True, kw_only=True, slots=True)
class TestConfig:
    """Everything that defines a run; stored as ``test.json`` so a run can be reproduced."""

    __test__ = False  # not a pytest test class

    name: str
    target: str
    workload: str
    nemesis: tuple[str, ...] = ()
    """Nemesis names resolved through :mod:`nemesis.registry` (empty = no faults)."""
    nodes: tuple[str, ...] = ("n1", "n2", "n3", "n4", "n5")
    concurrency: int = 10
    time_limit: float = 60.0
    """Seconds of workload (the nemesis' final heal/recovery phase comes on top)."""
    rate: float = 200.0
    """Client operations per second, over all clients (0 = as fast as possible)."""
    seed: int = 0
    store: Path = Path("store")
    runtime: RuntimeKind = RuntimeKind.NETNS
    runtime_options: tuple[tuple[str, str], ...] = ()
    """Options of the runtime (``--runtime-opt K=V``; docker: ``image``, ``adopt``, ...)."""
    target_options: tuple[tuple[str, str], ...] = ()
    workload_options: tuple[tuple[str, str], ...] = ()
    nemesis_options: tuple[tuple[str, str], ...] = ()
    op_timeout: float = 5.0
    """Seconds after which a client operation is recorded as ``info``."""
    stall_timeout: float = 30.0
    """Seconds with nothing dispatched or completed while clients are free (and the nemesis is
    idle) before the watchdog ends the run as a harness failure (stretched to 3 s / rate and to
    ``op_timeout`` + 5 s when those are longer)."""
    grace: float = 30.0
    """Seconds beyond time limit + recovery (+ ``op_timeout``) that a workload may take before the
    watchdog ends it as a harness failure."""
    min_ok: int = 10
    """Operations of each kind (``f``) that must succeed during the workload for a verdict of
    ``valid``; fewer is ``unknown`` (too little traffic to have tested anything)."""
    extra: tuple[tuple[str, str], ...] = field(default=())

    def target_option(self, key: str, default: str | None = None) -> str | None:
        return dict(self.target_options).get(key, default)

    def workload_option(self, key: str, default: str | None = None) -> str | None:
        return dict(self.workload_options).get(key, default)

    def runtime_option(self, key: str, default: str | None = None) -> str | None:
        return dict(self.runtime_options).get(key, default)

    def nemesis_option(self, key: str, default: str | None = None) -> str | None:
        return dict(self.nemesis_options).get(key, default)

    def to_json(self) -> dict[str, JSON]:
        return {
            "name": self.name,
            "target": self.target,
            "workload": self.workload,
            "nemesis": list(self.nemesis),
            "nodes": list(self.nodes),
            "concurrency": self.concurrency,
            "time_limit": self.time_limit,
            "rate": self.rate,
            "seed": self.seed,
            "store": str(self.store),
            "runtime": self.runtime.value,
            "runtime_options": dict(self.runtime_options),
            "target_options": dict(self.target_options),
            "workload_options": dict(self.workload_options),
            "nemesis_options": dict(self.nemesis_options),
            "op_timeout": self.op_timeout,
            "stall_timeout": self.stall_timeout,
            "grace": self.grace,
            "min_ok": self.min_ok,
            "extra": dict(self.extra),
        }


def options(pairs: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Freeze a mapping of options for a :class:`TestConfig` field."""
    return _frozen_options(pairs)


__all__ = ["RuntimeKind", "TestConfig", "options"]
