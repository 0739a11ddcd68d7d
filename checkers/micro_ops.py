"""Micro-op functions and their spellings: one reader for every transactional model.

A transaction's value is a list of ``[f key value]`` micro-ops. Elle (Kingsbury and Alvaro,
VLDB 2020; ``elle.list-append`` and ``elle.rw-register``) spells the functions ``:r``, ``:w`` and
``:append``; many Jepsen suites (and Knossos's multi-register) spell reads and writes ``:read``
and ``:write``. Every spelling is accepted as a keyword or a string, by every model that reads
micro-ops (``multi-register``, ``rw-register``, ``list-append``), and means the same function.
"""

from __future__ import annotations

from enum import StrEnum

from harness.kernel.values import name_of


class MicroF(StrEnum):
    """A micro-op's function, by Elle's canonical name."""

    READ = "r"
    WRITE = "w"
    APPEND = "append"


SPELLINGS: dict[str, MicroF] = {
    "r": MicroF.READ,
    "read": MicroF.READ,
    "w": MicroF.WRITE,
    "write": MicroF.WRITE,
    "append": MicroF.APPEND,
}
"""Every accepted spelling (keyword or string text) and the function it means."""


def micro_f(value: object) -> MicroF | None:
    """The function a micro-op's first element names (``:w``, ``"write"`` ... -> ``WRITE``), or
    ``None`` when it names none (not a string or keyword, or an unknown name)."""
    name = name_of(value)
    return None if name is None else SPELLINGS.get(name)


def spellings(*functions: MicroF) -> str:
    """The accepted spellings of ``functions``, for error messages (``"r|read, w|write"``)."""
    return ", ".join("|".join(s for s, f in SPELLINGS.items() if f is fn) for fn in functions)


__all__ = ["SPELLINGS", "MicroF", "micro_f", "spellings"]
