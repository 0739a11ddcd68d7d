"""``--workload-opt K=V`` pairs: the shared :class:`harness.kernel.option_reader.OptionReader` bound
to :class:`workloads.base.WorkloadOptionError`."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from harness.kernel.option_reader import OptionReader
from workloads.base import WorkloadOptionError


class WorkloadOptionReader(OptionReader):
    """Typed access to one workload's options; raises :class:`WorkloadOptionError`."""

    def __init__(self, workload: str, options: Mapping[str, str], known: Collection[str]) -> None:
        super().__init__(workload, options, known, error=WorkloadOptionError)


__all__ = ["WorkloadOptionReader"]
