"""Targets by name (``--target``): each gives its DB and a client per workload.

To add a builtin target, add a factory to :data:`TARGETS` that takes the :class:`TestConfig` (parse
``test.target_options`` from ``--target-opt K=V``; raise :class:`TargetError` with a clear message
for bad ones, the CLI exits 254) and returns a :class:`Target`: its DB (``setup``/``teardown`` per
node, plus any of Killable, Pausable, HasPrimaries, HasLogFiles, HasFakeTime that it supports, see
:mod:`harness.kernel.protocols`) and, per workload name, a factory of unopened clients. Import the
target's modules inside the factory so that ``splitbrain`` starts fast.

Targets of other packages come in as plugins (entry-point group ``splitbrain.targets``, or
``--target package.module:factory``), resolved by :mod:`harness.shell.plugins`;
``docs/own-target.md`` shows how to write one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from harness.kernel.config import TestConfig
from harness.kernel.errors import BadInputError
from harness.kernel.protocols import DB, Client
from harness.shell import plugins
from harness.shell.plugins import PluginKind


class TargetError(BadInputError):
    """An unknown target, a workload it does not support, or a bad ``--target-opt``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Target:
    name: str
    db: DB
    clients: Mapping[str, Callable[[], Client]]
    """Workload name -> an unopened client for it."""

    def client(self, workload: str) -> Client:
        factory = self.clients.get(workload)
        if factory is None:
            raise TargetError(
                f"target {self.name} does not support workload {workload!r}; it supports: "
                f"{', '.join(sorted(self.clients))}"
            )
        return factory()


TargetFactory = Callable[[TestConfig], Target]


def _raftkv(test: TestConfig) -> Target:
    """The bundled Raft KV (targets/raftkv): register, set, counter and txn workloads."""
    from targets.raftkv.target import target

    return target(test)


def _etcd(test: TestConfig) -> Target:
    """etcd from the Debian package etcd-server: register, set, counter and txn workloads."""
    from targets.etcd.target import target

    return target(test)


def _redis(test: TestConfig) -> Target:
    """Redis with Sentinel from the Debian packages: set, counter and txn workloads."""
    from targets.redis.target import target

    return target(test)


TARGETS: dict[str, TargetFactory] = {"raftkv": _raftkv, "etcd": _etcd, "redis": _redis}


def get_target(test: TestConfig) -> Target:
    """The target ``test.target`` names: a builtin, an installed plugin or ``module:factory``.

    Raises :class:`TargetError` (unknown name, bad option) or
    :class:`harness.shell.plugins.PluginError` (a plugin that cannot be loaded or misbehaves).
    """
    resolved = plugins.resolve(PluginKind.TARGET, test.target, TARGETS, TargetError)
    return plugins.build(resolved, test, Target, (TargetError,))


__all__ = ["TARGETS", "Target", "TargetError", "TargetFactory", "get_target"]
