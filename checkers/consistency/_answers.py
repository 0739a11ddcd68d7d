"""Answers computed from the model and anomaly tables: what a set of anomalies rules out.

After Elle's ``elle.consistency-model`` (Kingsbury and Alvaro, VLDB 2020): ``not`` is the weakest
models ruled out, ``also_not`` the stronger ones they drag along, and ``possible`` the strongest
models that no anomaly found rules out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from checkers.consistency._data import ANOMALIES, MODELS


class UnknownNameError(KeyError):
    """An anomaly or model name that is not in the tables."""


@cache
def weaker(model: str) -> frozenset[str]:
    """Every model ``model`` implies, itself included. Raises :class:`UnknownNameError`."""
    if model not in MODELS:
        raise UnknownNameError(model)
    out = {model}
    for m in MODELS[model].implies:
        out |= weaker(m)
    return frozenset(out)


@cache
def stronger(model: str) -> frozenset[str]:
    """Every model that implies ``model``, itself included."""
    if model not in MODELS:
        raise UnknownNameError(model)
    return frozenset(m for m in MODELS if model in weaker(m))


@cache
def generalizations(anomaly: str) -> frozenset[str]:
    """``anomaly`` and every anomaly it is a special case of."""
    if anomaly not in ANOMALIES:
        raise UnknownNameError(anomaly)
    out = {anomaly}
    for a in ANOMALIES[anomaly].generalizes_to:
        out |= generalizations(a)
    return frozenset(out)


@cache
def forbidding(anomaly: str) -> frozenset[str]:
    """The models that forbid ``anomaly`` (directly, through a generalization, or through a
    weaker model they imply)."""
    general = generalizations(anomaly)
    direct = {m.name for m in MODELS.values() if general.intersection(m.forbids)}
    out: set[str] = set()
    for m in direct:
        out |= stronger(m)
    return frozenset(out)


def _sorted(names: Iterable[str]) -> tuple[str, ...]:
    order = {name: i for i, name in enumerate(MODELS)}
    return tuple(sorted(names, key=order.__getitem__))


@dataclass(frozen=True, kw_only=True, slots=True)
class Boundary:
    """What a set of anomalies says about the models (names in :data:`MODELS` order)."""

    ruled_out: tuple[str, ...]
    """Every model some anomaly rules out."""
    not_: tuple[str, ...]
    """The weakest models ruled out (Elle's ``:not``)."""
    also_not: tuple[str, ...]
    """The other ruled-out models, all stronger than one in ``not_`` (Elle's ``:also-not``)."""
    possible: tuple[str, ...]
    """The strongest models not ruled out."""


def ruled_out(anomalies: Iterable[str]) -> frozenset[str]:
    """The models that forbid one of ``anomalies``. Raises :class:`UnknownNameError`."""
    out: set[str] = set()
    for a in anomalies:
        out |= forbidding(a)
    return frozenset(out)


def boundary(anomalies: Iterable[str], among: Iterable[str] | None = None) -> Boundary:
    """Ruled-out and still-possible models for the anomalies found.

    ``among`` restricts the answer to the models a checker can speak about (for example the
    transactional ones for list-append); by default all of :data:`MODELS`.
    """
    scope = set(MODELS) if among is None else set(among)
    out = ruled_out(anomalies) & scope
    weakest = {m for m in out if not any(w != m and w in out for w in weaker(m))}
    alive = scope - out
    strongest = {m for m in alive if not any(s != m and s in alive for s in stronger(m))}
    return Boundary(ruled_out=_sorted(out), not_=_sorted(weakest),
                    also_not=_sorted(out - weakest), possible=_sorted(strongest))


TRANSACTIONAL = (
    "strict-serializable", "strong-session-serializable", "serializable", "snapshot-isolation",
    "repeatable-read", "read-committed", "read-uncommitted", "causal",
)
"""The models a transactional (list-append, rw-register) history speaks about."""

SINGLE_OBJECT = (
    "linearizable", "sequential", "causal", "PRAM", "read-your-writes", "monotonic-reads",
    "monotonic-writes", "writes-follow-reads",
)
"""The models a single-object (register, set) history with session checks speaks about."""

__all__ = [
    "SINGLE_OBJECT", "TRANSACTIONAL", "Boundary", "UnknownNameError", "boundary", "forbidding",
    "generalizations", "ruled_out", "stronger", "weaker",
]
