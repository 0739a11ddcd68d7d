"""A fake run context and exceptions for workload client tests (no nodes, no network)."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import cast

from harness.kernel.clock import ManualClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.nodes import NodeRuntime
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import NoopDB
from workloads.outcomes import Errors


class DefiniteError(Exception):
    pass


class MaybeError(Exception):
    pass


ERRORS = Errors(definite=(DefiniteError,), indeterminate=(MaybeError,))


def context(tmp_path: Path) -> RunContext:
    return RunContext(
        test=TestConfig(name="t", target="fake", workload="set"),
        runtime=cast(NodeRuntime, None), db=NoopDB(), run_dir=tmp_path, clock=ManualClock(),
        rng=random.Random(0), log=logging.getLogger("test"),
    )


def invoke(f: str, value: object = None, process: int = 0) -> Op:
    return Op(index=0, time=0, type=OpType.INVOKE, process=process, f=f,
              value=value)  # type: ignore[arg-type]
