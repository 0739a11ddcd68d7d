"""``--target-opt K=V`` pairs: the shared :class:`harness.kernel.option_reader.OptionReader` bound
to :class:`TargetOptionError`."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from harness.kernel.option_reader import OptionError
from harness.kernel.option_reader import OptionReader as _OptionReader


class TargetOptionError(OptionError):
    """A ``--target-opt`` is unknown or has a bad value."""


class OptionReader(_OptionReader):
    """Typed access to one target's options; raises :class:`TargetOptionError`."""

    def __init__(self, target: str, options: Mapping[str, str], known: Collection[str]) -> None:
        super().__init__(target, options, known, error=TargetOptionError)


__all__ = ["OptionReader", "TargetOptionError"]
