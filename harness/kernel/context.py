"""The runtime context handed to clients, DBs, nemeses and checkers (live objects, not config)."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.kernel.clock import Clock
from harness.kernel.config import TestConfig
from harness.kernel.nodes import NodeRuntime

if TYPE_CHECKING:
    from harness.kernel.protocols import DB


@dataclass(frozen=True, kw_only=True, slots=True)
class RunContext:
    """What a running test has: its config, its nodes, its DB, its run directory and a clock.

    ``rng`` is seeded from ``test.seed``; use it (or a ``random.Random`` derived from it) for every
    random choice so the run can be reproduced.
    """

    test: TestConfig
    runtime: NodeRuntime
    db: DB
    run_dir: Path
    clock: Clock
    rng: random.Random
    log: logging.Logger

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(self.runtime.nodes)

    def node_dir(self, node: str) -> Path:
        """``<run_dir>/nodes/<node>/``, created on demand: logs and data of one node."""
        path = self.run_dir / "nodes" / node
        path.mkdir(parents=True, exist_ok=True)
        return path


__all__ = ["RunContext"]
