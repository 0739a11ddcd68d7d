"""The suite file (TOML): the cases the gate runs and what each must show.

A suite is a TOML file with an optional ``[defaults]`` table (applied to every case), an optional
``[thresholds]`` table (baseline regression thresholds) and ``[[case]]`` tables::

    [defaults]
    target = "raftkv"
    nodes = 3
    time-limit = 10

    [[case]]
    name = "stale-reads"
    target-options = { bug = "stale-reads" }
    nemesis = ["partition"]          # or "partition,kill"
    nemesis-options = { interval = 2 }
    runtime = "docker"               # where the nodes live (default netns)
    runtime-options = { image = "splitbrain-node:abc" }
    expect = "invalid"               # a known bug that must keep being found
    seeds = [1, 2]                   # or: repeat = 3 (fresh seeds, derived from the gate seed)
    unknown-budget = 1               # runs that may end unknown without failing the gate

Every mistake is a :class:`SuiteError` naming the file and the case.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from harness.kernel.config import RuntimeKind, TestConfig, options
from harness.kernel.errors import BadInputError
from harness.shell.runtime.registry import node_names
from harness.shell.store import StoreError, validate_test_name

MAX_NODES = 9
MAX_RUNS_PER_CASE = 1000


class SuiteError(BadInputError):
    """The suite file is unreadable or wrong; the message names the file and the case."""


class Expectation(StrEnum):
    """What a case must show."""

    VALID = "valid"  # the system must be found correct
    INVALID = "invalid"  # a known bug that must keep being found


@dataclass(frozen=True, kw_only=True, slots=True)
class Thresholds:
    """How much worse than the baseline a key figure may get before it is a regression."""

    availability_drop: float = 0.15
    """Absolute drop of the ok fraction of operations invoked under faults."""
    p99_increase: float = 1.0
    """Relative increase of the p99 latency of ok operations (1.0 = twice the baseline) ..."""
    p99_floor_ms: float = 100.0
    """... and by at least this many milliseconds (so noise on tiny latencies is ignored)."""
    unknown_rate_increase: float = 0.05
    """Absolute increase of the fraction of operations that ended ``info``."""
    anomaly_increase: int = 0
    """Anomalies more than the baseline in a case that expects ``valid``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Case:
    """One case of a suite: a test configuration, its seeds and its expectation."""

    name: str
    target: str = "raftkv"
    workload: str = "register"
    nemesis: tuple[str, ...] = ("none",)
    nodes: int = 3
    concurrency: int = 5
    time_limit: float = 10.0
    rate: float = 100.0
    op_timeout: float = 5.0
    runtime: RuntimeKind = RuntimeKind.NETNS
    runtime_options: tuple[tuple[str, str], ...] = ()
    target_options: tuple[tuple[str, str], ...] = ()
    workload_options: tuple[tuple[str, str], ...] = ()
    nemesis_options: tuple[tuple[str, str], ...] = ()
    seeds: tuple[int, ...] = ()
    """Explicit seeds; empty = ``repeat`` seeds derived from the gate's seed."""
    repeat: int = 1
    expect: Expectation = Expectation.VALID
    unknown_budget: int = 0
    """Runs that may end ``unknown`` (or fail to run) without breaking the expectation."""
    miss_budget: int = 0
    """Runs of an ``invalid`` case that may end ``valid`` (the bug not found this time)."""

    def run_seeds(self, gate_seed: int) -> tuple[int, ...]:
        """The seeds to run: the explicit ones, or ``repeat`` derived from ``gate_seed``."""
        if self.seeds:
            return self.seeds
        rng = random.Random(f"{gate_seed}:{self.name}")
        return tuple(rng.randrange(2**31) for _ in range(self.repeat))

    def test_name(self, suite: str) -> str:
        return f"{suite}.{self.name}"

    def config(self, *, suite: str, seed: int, store: Path) -> TestConfig:
        return TestConfig(
            name=self.test_name(suite), target=self.target, workload=self.workload,
            nemesis=self.nemesis,
            nodes=node_names(self.runtime, dict(self.runtime_options), self.nodes),
            concurrency=self.concurrency, time_limit=self.time_limit, rate=self.rate,
            seed=seed, store=store, target_options=self.target_options,
            workload_options=self.workload_options, nemesis_options=self.nemesis_options,
            op_timeout=self.op_timeout, runtime=self.runtime,
            runtime_options=self.runtime_options,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Suite:
    path: Path
    name: str
    cases: tuple[Case, ...]
    thresholds: Thresholds = Thresholds()

    def case(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise SuiteError(f"{self.path}: no case named {name!r}; cases: "
                         f"{', '.join(c.name for c in self.cases)}")


TOP_KEYS = frozenset({"name", "defaults", "case", "thresholds"})
CASE_KEYS = frozenset({
    "name", "target", "workload", "nemesis", "nodes", "concurrency", "time-limit", "rate",
    "op-timeout", "target-options", "workload-options", "nemesis-options", "seeds", "repeat",
    "expect", "unknown-budget", "miss-budget", "runtime", "runtime-options",
})
DEFAULT_KEYS = CASE_KEYS - {"name"}
THRESHOLD_KEYS = {
    "availability-drop": "availability_drop",
    "p99-latency-increase": "p99_increase",
    "p99-latency-floor-ms": "p99_floor_ms",
    "unknown-rate-increase": "unknown_rate_increase",
    "anomaly-increase": "anomaly_increase",
}

TomlValue = object
"""What ``tomllib`` returns (checked with isinstance before use)."""


class _Where:
    """Builds error messages that name the file and the case."""

    def __init__(self, path: Path, case: str) -> None:
        self.path = path
        self.case = case

    def error(self, message: str) -> SuiteError:
        return SuiteError(f"{self.path}: {self.case}: {message}")


def _integer(where: _Where, key: str, value: TomlValue, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(f"{key} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise where.error(f"{key} must be in {low}..{high}, got {value}")
    return value


def _number(where: _Where, key: str, value: TomlValue, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.error(f"{key} must be a number, got {value!r}")
    if not low <= value <= high:
        raise where.error(f"{key} must be in [{low:g}, {high:g}], got {value}")
    return float(value)


def _text(where: _Where, key: str, value: TomlValue) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"{key} must be a non-empty string, got {value!r}")
    return value.strip()


def _option_value(where: _Where, key: str, name: str, value: TomlValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise where.error(f"{key}.{name} must be a string, number or boolean, got {value!r}")


def _options(where: _Where, key: str, value: TomlValue) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise where.error(f"{key} must be a table of options, e.g. {key} = {{ name = \"value\" }}")
    return options({str(k): _option_value(where, key, str(k), v) for k, v in value.items()})


def _nemesis(where: _Where, value: TomlValue) -> tuple[str, ...]:
    if isinstance(value, str):
        names = [n.strip() for n in value.split(",") if n.strip()]
    elif isinstance(value, list) and all(isinstance(n, str) for n in value):
        names = [str(n).strip() for n in value if str(n).strip()]
    else:
        raise where.error(f"nemesis must be a string (\"partition,kill\") or a list of names, "
                          f"got {value!r}")
    if not names:
        raise where.error("nemesis names no fault (use \"none\" for no faults)")
    return tuple(names)


def _seeds(where: _Where, value: TomlValue) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise where.error(f"seeds must be a non-empty list of integers, got {value!r}")
    seeds = tuple(_integer(where, "seeds", s, 0, 2**63 - 1) for s in value)
    if len(set(seeds)) != len(seeds):
        raise where.error(f"seeds repeat a value: {list(seeds)}")
    if len(seeds) > MAX_RUNS_PER_CASE:
        raise where.error(f"at most {MAX_RUNS_PER_CASE} seeds")
    return seeds


def _fields(where: _Where, table: Mapping[str, TomlValue]) -> dict[str, object]:
    """Case keys (TOML spelling) -> :class:`Case` field values, each checked."""
    out: dict[str, object] = {}
    for key, value in table.items():
        if key == "name":
            continue
        if key in ("target", "workload"):
            out[key] = _text(where, key, value)
        elif key == "nemesis":
            out[key] = _nemesis(where, value)
        elif key == "nodes":
            out[key] = _integer(where, key, value, 1, MAX_NODES)
        elif key == "concurrency":
            out[key] = _integer(where, key, value, 1, 1000)
        elif key == "time-limit":
            out["time_limit"] = _number(where, key, value, 0.1, 86_400)
        elif key == "rate":
            out[key] = _number(where, key, value, 0, 1_000_000)
        elif key == "op-timeout":
            out["op_timeout"] = _number(where, key, value, 0.01, 3600)
        elif key == "runtime":
            try:
                out[key] = RuntimeKind(str(value))
            except ValueError:
                known = ", ".join(k.value for k in RuntimeKind)
                raise where.error(f"runtime must be one of {known}, got {value!r}") from None
        elif key in ("target-options", "workload-options", "nemesis-options",
                     "runtime-options"):
            out[key.replace("-", "_")] = _options(where, key, value)
        elif key == "seeds":
            out[key] = _seeds(where, value)
        elif key == "repeat":
            out[key] = _integer(where, key, value, 1, MAX_RUNS_PER_CASE)
        elif key == "expect":
            try:
                out[key] = Expectation(str(value))
            except ValueError:
                raise where.error(f"expect must be valid or invalid, got {value!r}") from None
        elif key in ("unknown-budget", "miss-budget"):
            out[key.replace("-", "_")] = _integer(where, key, value, 0, MAX_RUNS_PER_CASE)
        else:  # pragma: no cover - keys are checked against CASE_KEYS first
            raise where.error(f"unknown key {key!r}")
    return out


def _unknown_keys(where: _Where, table: Mapping[str, TomlValue], known: frozenset[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise where.error(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def _case(path: Path, index: int, table: TomlValue, defaults: Mapping[str, object]) -> Case:
    where = _Where(path, f"case #{index}")
    if not isinstance(table, dict):
        raise where.error("must be a table ([[case]])")
    if "name" not in table:
        raise where.error("has no name (every [[case]] needs name = \"...\")")
    name = _text(where, "name", table["name"])
    where = _Where(path, f"case {name!r} (#{index})")
    try:
        validate_test_name(name)
    except StoreError as e:
        raise where.error(str(e)) from None
    _unknown_keys(where, table, CASE_KEYS)
    if "seeds" in table and "repeat" in table:
        raise where.error("give seeds or repeat, not both")
    fields = {**defaults, **_fields(where, table)}
    if "seeds" in fields and "repeat" in table:
        del fields["seeds"]
    if "repeat" in fields and "seeds" in table:
        del fields["repeat"]
    case = Case(name=name, **fields)  # type: ignore[arg-type]  # values checked in _fields
    runs = len(case.seeds) if case.seeds else case.repeat
    if case.unknown_budget > runs:
        raise where.error(f"unknown-budget {case.unknown_budget} is more than its {runs} run(s)")
    if case.expect is Expectation.VALID and case.miss_budget:
        raise where.error("miss-budget only applies to expect = \"invalid\"")
    if case.miss_budget >= runs:
        raise where.error(f"miss-budget {case.miss_budget} must be below its {runs} run(s) "
                          "(the bug must be found at least once)")
    return case


def _thresholds(path: Path, table: TomlValue) -> Thresholds:
    where = _Where(path, "[thresholds]")
    if not isinstance(table, dict):
        raise where.error("must be a table")
    _unknown_keys(where, table, frozenset(THRESHOLD_KEYS))
    values: dict[str, float] = {}
    anomaly_increase = Thresholds().anomaly_increase
    for key, value in table.items():
        field = THRESHOLD_KEYS[key]
        if field == "anomaly_increase":
            anomaly_increase = _integer(where, key, value, 0, 1_000_000)
        else:
            values[field] = _number(where, key, value, 0.0, 1_000_000.0)
    return Thresholds(anomaly_increase=anomaly_increase, **values)


def parse_suite(path: Path, text: str) -> Suite:
    """Parse and check the suite in ``text`` (read from ``path``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SuiteError(f"{path}: not valid TOML: {e}") from None
    top = _Where(path, "top level")
    _unknown_keys(top, data, TOP_KEYS)
    name = path.stem
    if "name" in data:
        name = _text(top, "name", data["name"])
    try:
        validate_test_name(name)
    except StoreError as e:
        raise top.error(f"suite name: {e}") from None
    raw_defaults = data.get("defaults", {})
    where = _Where(path, "[defaults]")
    if not isinstance(raw_defaults, dict):
        raise where.error("must be a table")
    _unknown_keys(where, raw_defaults, DEFAULT_KEYS)
    if "seeds" in raw_defaults and "repeat" in raw_defaults:
        raise where.error("give seeds or repeat, not both")
    defaults = _fields(where, raw_defaults)
    raw_cases = data.get("case")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise top.error("no cases: add at least one [[case]] table")
    cases = tuple(_case(path, i, t, defaults) for i, t in enumerate(raw_cases, start=1))
    seen: set[str] = set()
    for case in cases:
        if case.name in seen:
            raise SuiteError(f"{path}: case {case.name!r}: two cases have this name")
        seen.add(case.name)
    thresholds = _thresholds(path, data["thresholds"]) if "thresholds" in data else Thresholds()
    return Suite(path=path, name=name, cases=cases, thresholds=thresholds)


def load_suite(path: Path) -> Suite:
    """Read and check a suite file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SuiteError(f"{path}: cannot read the suite: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise SuiteError(f"{path}: not UTF-8 text") from None
    return parse_suite(path, text)


__all__ = [
    "Case",
    "Expectation",
    "Suite",
    "SuiteError",
    "Thresholds",
    "load_suite",
    "parse_suite",
]
