"""The ``rw-register`` workload: Elle-style transactions of ``[w k v]`` and ``[r k nil]``
micro-ops (see :mod:`workloads.txn` for options), checked by :mod:`checkers.elle` for the
anomalies the chosen consistency model forbids. Targets provide a client named ``rw-register``."""

from __future__ import annotations

from checkers.compose import Compose
from checkers.stats import StatsChecker
from harness.kernel.config import TestConfig
from harness.kernel.generators import derive_seed
from workloads.base import Workload
from workloads.behaviour_check import WithBehaviour
from workloads.txn import TxnChecker, TxnOps, TxnOptions


def workload(test: TestConfig) -> Workload:
    """Register transactions (w, r) over rotating keys, checked for transactional anomalies."""
    options = TxnOptions.parse("rw-register", dict(test.workload_options))
    return Workload(
        name="rw-register",
        generator=TxnOps(options, "w", derive_seed(test.seed, "rw-register")),
        checker=WithBehaviour(Compose({
            "rw-register": TxnChecker("rw-register", options.consistency_model,
                                        options.check_time_limit_s),
            "stats": StatsChecker(),
        })),
    )


__all__ = ["workload"]
