"""A register workload whose generator stalls on purpose after a few hundred operations (used by
the watchdog's integration test as ``--workload
tests.harness.shell.stalling_workload:workload``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from harness.kernel import generators as g
from harness.kernel.config import TestConfig
from harness.kernel.generators import PENDING, Context, Step
from harness.kernel.ops import Op
from workloads.base import Workload
from workloads.register import workload as register


@dataclass(frozen=True, slots=True)
class PendingForever:
    def op(self, ctx: Context) -> Step:
        return PENDING

    def update(self, ctx: Context, event: Op) -> g.Generator:
        return self


def workload(test: TestConfig) -> Workload:
    base = register(test)
    return dataclasses.replace(
        base, generator=g.seq(g.limit(300, base.generator), PendingForever()),
        final_generator=None)
