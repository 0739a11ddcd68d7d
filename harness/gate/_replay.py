"""Replay: the configuration of a stored run, read back from its ``test.json``."""

from __future__ import annotations

import json
from pathlib import Path

from harness.config import RuntimeKind, TestConfig, options
from harness.jsontypes import JSON


class ReplayError(ValueError):
    """The run directory has no readable, complete ``test.json``."""


def _str_map(data: dict[str, JSON], key: str) -> tuple[tuple[str, str], ...]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ReplayError(f"{key} must be an object")
    return options({str(k): str(v) for k, v in value.items()})


def _number(data: dict[str, JSON], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReplayError(f"{key} must be a number, got {value!r}")
    return float(value)


def _int(data: dict[str, JSON], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReplayError(f"{key} must be an integer, got {value!r}")
    return value


def _strings(data: dict[str, JSON], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReplayError(f"{key} must be a list of strings, got {value!r}")
    return tuple(str(v) for v in value)


def _text(data: dict[str, JSON], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ReplayError(f"{key} must be a string, got {value!r}")
    return value


DEFAULTS = TestConfig(name="defaults", target="-", workload="-")


def config_from_json(data: JSON, *, store: Path | None = None) -> TestConfig:
    """The :class:`TestConfig` stored as ``{"test": {...}}`` (``store`` overrides its store)."""
    if not isinstance(data, dict) or not isinstance(data.get("test"), dict):
        raise ReplayError("expected an object with a 'test' object")
    test = data["test"]
    assert isinstance(test, dict)
    try:
        runtime = RuntimeKind(str(test.get("runtime", RuntimeKind.NETNS.value)))
    except ValueError:
        raise ReplayError(f"unknown runtime {test.get('runtime')!r}") from None
    return TestConfig(
        name=_text(test, "name"),
        target=_text(test, "target"),
        workload=_text(test, "workload"),
        nemesis=_strings(test, "nemesis"),
        nodes=_strings(test, "nodes"),
        concurrency=_int(test, "concurrency"),
        time_limit=_number(test, "time_limit"),
        rate=_number(test, "rate"),
        seed=_int(test, "seed"),
        store=store if store is not None else Path(_text(test, "store")),
        runtime=runtime,
        runtime_options=_str_map(test, "runtime_options"),
        target_options=_str_map(test, "target_options"),
        workload_options=_str_map(test, "workload_options"),
        nemesis_options=_str_map(test, "nemesis_options"),
        op_timeout=_number(test, "op_timeout"),
        extra=_str_map(test, "extra"),
        # absent from runs stored before the watchdog and the traffic check existed
        stall_timeout=_number(test, "stall_timeout") if "stall_timeout" in test
        else DEFAULTS.stall_timeout,
        grace=_number(test, "grace") if "grace" in test else DEFAULTS.grace,
        min_ok=_int(test, "min_ok") if "min_ok" in test else DEFAULTS.min_ok,
    )


def load_replay(run_dir: Path, *, store: Path | None = None) -> TestConfig:
    """The configuration of the run in ``run_dir``, with the same seed."""
    path = run_dir / "test.json"
    try:
        data: JSON = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ReplayError(f"{path}: cannot read it: {e.strerror or e} (is {run_dir} a run "
                          "directory?)") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReplayError(f"{path}: not JSON: {e}") from None
    try:
        return config_from_json(data, store=store)
    except ReplayError as e:
        raise ReplayError(f"{path}: {e}") from None


__all__ = ["ReplayError", "config_from_json", "load_replay"]
