"""The frozen, typed configuration of one test run (what to run, never runtime state)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path

from harness.kernel.errors import BadInputError
from harness.kernel.jsontypes import JSON


class ConfigError(BadInputError):
    """A stored test configuration (``test.json``) cannot be read back."""


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
    concurrency: int = 15
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


    @classmethod
    def from_json(cls, data: JSON) -> TestConfig:
        """The configuration :meth:`to_json` wrote. Fields added since (``stall_timeout``,
        ``grace``, ``min_ok``, ``runtime_options``) take their defaults when absent.

        Raises :class:`ConfigError` naming the field that is missing or of the wrong type.
        """
        if not isinstance(data, dict):
            raise ConfigError(f"expected a JSON object, got {type(data).__name__}")
        try:
            runtime = RuntimeKind(str(data.get("runtime", RuntimeKind.NETNS.value)))
        except ValueError:
            raise ConfigError(f"field 'runtime': unknown runtime {data.get('runtime')!r}"
                              ) from None
        d = _Fields(data)
        default = {f.name: f.default for f in fields(cls)}
        return cls(
            name=d.text("name"), target=d.text("target"), workload=d.text("workload"),
            nemesis=d.strings("nemesis"), nodes=d.strings("nodes"),
            concurrency=d.integer("concurrency"), time_limit=d.number("time_limit"),
            rate=d.number("rate"), seed=d.integer("seed"), store=Path(d.text("store")),
            runtime=runtime, runtime_options=d.options("runtime_options"),
            target_options=d.options("target_options"),
            workload_options=d.options("workload_options"),
            nemesis_options=d.options("nemesis_options"), op_timeout=d.number("op_timeout"),
            extra=d.options("extra"),
            stall_timeout=d.number("stall_timeout", default["stall_timeout"]),
            grace=d.number("grace", default["grace"]),
            min_ok=d.integer("min_ok", default["min_ok"]),
        )


_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Fields:
    """Typed access to the fields of a stored configuration (errors name the field)."""

    data: dict[str, JSON]

    def _get(self, key: str, default: object) -> JSON:
        if key not in self.data:
            if default is _MISSING:
                raise ConfigError(f"field '{key}': missing")
            return default  # type: ignore[return-value]
        return self.data[key]

    def text(self, key: str) -> str:
        value = self._get(key, _MISSING)
        if not isinstance(value, str):
            raise ConfigError(f"field '{key}': expected a string, got {value!r}")
        return value

    def number(self, key: str, default: float | object = _MISSING) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"field '{key}': expected a number, got {value!r}")
        return float(value)

    def integer(self, key: str, default: int | object = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"field '{key}': expected an integer, got {value!r}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"field '{key}': expected a list of strings, got {value!r}")
        return tuple(str(v) for v in value)

    def options(self, key: str) -> tuple[tuple[str, str], ...]:
        value = self._get(key, {})
        if not isinstance(value, dict):
            raise ConfigError(f"field '{key}': expected an object, got {value!r}")
        return _frozen_options({str(k): str(v) for k, v in value.items()})


def options(pairs: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Freeze a mapping of options for a :class:`TestConfig` field."""
    return _frozen_options(pairs)


__all__ = ["ConfigError", "RuntimeKind", "TestConfig", "options"]
