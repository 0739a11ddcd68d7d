"""Reading ``--workload-opt K=V`` pairs into typed values, with errors that name the option."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from workloads.base import WorkloadOptionError


class WorkloadOptionReader:
    def __init__(self, workload: str, options: Mapping[str, str], known: Collection[str]) -> None:
        self.workload = workload
        self.options = dict(options)
        unknown = sorted(set(self.options) - set(known))
        if unknown:
            raise WorkloadOptionError(
                f"unknown {workload} option(s) {', '.join(unknown)}; known: "
                f"{', '.join(sorted(known))}"
            )

    def number(self, key: str, default: float, low: float, high: float) -> float:
        raw = self.options.get(key)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise WorkloadOptionError(
                f"{self.workload} option {key}: expected a number, got {raw!r}"
            ) from None
        if not low <= value <= high:
            raise WorkloadOptionError(
                f"{self.workload} option {key}: {value:g} is not in [{low:g}, {high:g}]"
            )
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.number(key, default, low, high)
        if value != int(value):
            raise WorkloadOptionError(f"{self.workload} option {key}: expected an integer")
        return int(value)


__all__ = ["WorkloadOptionReader"]
