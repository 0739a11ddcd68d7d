"""Workloads by name (``--workload``): the builtins are declared here; plugins (entry-point group
``splitbrain.workloads``, or ``--workload package.module:factory``) resolve through
:mod:`harness.shell.plugins`. A factory takes the :class:`TestConfig` and returns a
:class:`Workload`; the target then needs a client for the workload's ``name``."""

from __future__ import annotations

from collections.abc import Callable

from harness.kernel.config import TestConfig
from harness.kernel.errors import BadInputError
from harness.shell import plugins
from harness.shell.plugins import PluginKind
from workloads import counter, list_append, register, rw_register
from workloads import set as set_workload
from workloads.base import Workload, WorkloadOptionError

WORKLOADS: dict[str, Callable[[TestConfig], Workload]] = {
    "register": register.workload,
    "set": set_workload.workload,
    "counter": counter.workload,
    "list-append": list_append.workload,
    "rw-register": rw_register.workload,
}


class UnknownWorkloadError(BadInputError):
    pass


def get_workload(test: TestConfig) -> Workload:
    """The workload ``test.workload`` names; raises :class:`UnknownWorkloadError`,
    :class:`WorkloadOptionError` or :class:`harness.shell.plugins.PluginError`."""
    resolved = plugins.resolve(PluginKind.WORKLOAD, test.workload, WORKLOADS,
                               UnknownWorkloadError)
    return plugins.build(resolved, test, Workload, (WorkloadOptionError, UnknownWorkloadError))


__all__ = ["WORKLOADS", "UnknownWorkloadError", "get_workload"]
