"""Workloads by name (``--workload``)."""

from __future__ import annotations

from collections.abc import Callable

from harness.config import TestConfig
from workloads import counter, register
from workloads import set as set_workload
from workloads.base import Workload

WORKLOADS: dict[str, Callable[[TestConfig], Workload]] = {
    "register": register.workload,
    "set": set_workload.workload,
    "counter": counter.workload,
}


class UnknownWorkloadError(ValueError):
    pass


def get_workload(test: TestConfig) -> Workload:
    factory = WORKLOADS.get(test.workload)
    if factory is None:
        raise UnknownWorkloadError(
            f"unknown workload {test.workload!r}; known: {', '.join(sorted(WORKLOADS))}"
        )
    return factory(test)


__all__ = ["WORKLOADS", "UnknownWorkloadError", "get_workload"]
