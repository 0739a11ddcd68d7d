"""Which nodes a process, clock or packet fault hits: pure choices from a seeded ``Random``."""

from __future__ import annotations

import random
import time
from collections.abc import Collection, Sequence
from enum import StrEnum

from harness.kernel.context import RunContext
from harness.kernel.errors import BadInputError
from harness.kernel.protocols import HasPrimaries
from nemesis.topology import majority


class Targets(StrEnum):
    ONE = "one"  # one random node
    MINORITY = "minority"  # a random strict minority (but always at least one node)
    MAJORITY = "majority"  # a random majority
    PRIMARIES = "primaries"  # the nodes that currently claim to be primary (ask the DB)
    ALL = "all"


class TargetsError(BadInputError):
    """A target set cannot be chosen (e.g. ``primaries`` when the DB cannot say)."""


def parse_targets(text: str) -> tuple[Targets, ...]:
    """``"one,majority"`` -> (ONE, MAJORITY); names the bad entry otherwise."""
    out: list[Targets] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            out.append(Targets(part))
        except ValueError:
            known = ", ".join(t.value for t in Targets)
            raise TargetsError(f"unknown targets {part!r} (known: {known})") from None
    if not out:
        raise TargetsError("no targets given")
    return tuple(out)


def minority_size(n: int) -> int:
    """The largest strict minority of ``n`` nodes."""
    return (n - 1) // 2


def choose(
    targets: Targets,
    nodes: Sequence[str],
    rng: random.Random,
    *,
    primaries: Collection[str] | None = None,
) -> tuple[str, ...]:
    """The nodes ``targets`` picks, in node order. ``primaries`` None = the DB cannot tell."""
    if not nodes:
        raise TargetsError("no nodes to choose from")
    match targets:
        case Targets.ONE:
            return (rng.choice(list(nodes)),)
        case Targets.MINORITY:
            return _sample(nodes, max(1, minority_size(len(nodes))), rng)
        case Targets.MAJORITY:
            return _sample(nodes, majority(len(nodes)), rng)
        case Targets.PRIMARIES:
            if primaries is None:
                raise TargetsError("the target cannot name its primaries (no HasPrimaries)")
            return tuple(n for n in nodes if n in primaries)
        case Targets.ALL:
            return tuple(nodes)


def _sample(nodes: Sequence[str], k: int, rng: random.Random) -> tuple[str, ...]:
    chosen = set(rng.sample(list(nodes), k))
    return tuple(n for n in nodes if n in chosen)


PRIMARY_WAIT_S = 3.0
"""How long a fault aimed at the primaries waits for one to be elected (after a kill, a heal)."""


def current_primaries(db: HasPrimaries, ctx: RunContext) -> Sequence[str]:
    """The DB's primaries, asking again for up to :data:`PRIMARY_WAIT_S` while there are none
    (an election is under way, e.g. right after every node was restarted)."""
    deadline = time.monotonic() + PRIMARY_WAIT_S
    while True:
        primaries = db.primaries(ctx)
        if primaries or time.monotonic() >= deadline:
            return primaries
        time.sleep(0.1)


__all__ = ["PRIMARY_WAIT_S", "Targets", "TargetsError", "choose", "current_primaries",
           "minority_size", "parse_targets"]
