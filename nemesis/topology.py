"""Partition topologies as pure data: a grudge maps each node to the nodes it drops traffic from.

A grudge is directional: ``{"n1": {"n2"}}`` means n1 drops every packet *from* n2 (n2 may still
receive from n1). Complete partitions are symmetric grudges built from components.
Nothing here touches the network; :mod:`nemesis.partition` applies a grudge for real.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TypeAlias

from harness.kernel.errors import BadInputError

Grudge: TypeAlias = Mapping[str, frozenset[str]]
"""node -> the nodes whose traffic it drops. Nodes without an entry drop nothing."""


class Topology(StrEnum):
    """The shapes of partition the nemesis knows."""

    HALVES = "halves"  # a fixed minority half vs the rest (in node order)
    RANDOM_HALVES = "random-halves"  # the same, with the nodes shuffled first
    ISOLATE_ONE = "isolate-one"  # one random node alone
    ISOLATE_PRIMARY = "isolate-primary"  # the current primaries alone (ask the DB)
    MAJORITIES_RING = "majorities-ring"  # every node sees a different majority
    BRIDGE = "bridge"  # two halves that both see one bridge node
    ONE_WAY = "one-way"  # a random half drops traffic from the other half, not vice versa


class TopologyError(BadInputError):
    """A topology cannot be built for these nodes (e.g. a bridge of two nodes)."""


def normalize(grudge: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Drop empty entries and self-grudges; sort nothing (a grudge is a set-valued mapping)."""
    out: dict[str, frozenset[str]] = {}
    for node, others in grudge.items():
        drops = frozenset(o for o in others if o != node)
        if drops:
            out[node] = drops
    return out


def complete(components: Sequence[Collection[str]]) -> dict[str, frozenset[str]]:
    """Each node drops traffic from every node outside its component (components disjoint)."""
    everyone = frozenset(n for c in components for n in c)
    if sum(len(c) for c in components) != len(everyone):
        raise TopologyError(f"components overlap: {[sorted(c) for c in components]}")
    grudge: dict[str, frozenset[str]] = {}
    for component in components:
        outside = everyone - frozenset(component)
        for node in component:
            grudge[node] = outside
    return normalize(grudge)


def split_halves(nodes: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first ``len // 2`` nodes (a minority, or exactly half) and the rest."""
    cut = len(nodes) // 2
    return tuple(nodes[:cut]), tuple(nodes[cut:])


def halves(nodes: Sequence[str]) -> dict[str, frozenset[str]]:
    _require(nodes, 2, Topology.HALVES)
    return complete(split_halves(nodes))


def random_halves(nodes: Sequence[str], rng: random.Random) -> dict[str, frozenset[str]]:
    _require(nodes, 2, Topology.RANDOM_HALVES)
    return complete(split_halves(_shuffled(nodes, rng)))


def isolate(nodes: Sequence[str], isolated: Collection[str]) -> dict[str, frozenset[str]]:
    """``isolated`` (together, as one component) cut off from every other node."""
    unknown = set(isolated) - set(nodes)
    if unknown:
        raise TopologyError(f"cannot isolate unknown nodes {sorted(unknown)}")
    rest = [n for n in nodes if n not in isolated]
    return complete([list(isolated), rest])


def isolate_one(nodes: Sequence[str], rng: random.Random) -> dict[str, frozenset[str]]:
    _require(nodes, 2, Topology.ISOLATE_ONE)
    return isolate(nodes, [rng.choice(list(nodes))])


def majority(n: int) -> int:
    """The smallest number of nodes that is more than half of ``n``."""
    return n // 2 + 1


def ring_views(ring: Sequence[str]) -> dict[str, frozenset[str]]:
    """Each node's view in a ring: a window of ``majority(n)`` consecutive nodes around it.

    When ``majority(n)`` is odd (5, 9, ... nodes) the windows are symmetric (i sees j iff j sees
    i); otherwise (3, 6, 7, ... nodes) they lean one way and the grudge is partly one-way.
    """
    n = len(ring)
    size = majority(n)
    before = (size - 1) // 2
    return {
        ring[i]: frozenset(ring[(i - before + k) % n] for k in range(size)) for i in range(n)
    }


def majorities_ring(nodes: Sequence[str], rng: random.Random) -> dict[str, frozenset[str]]:
    """Every node sees a majority (itself included), and no two nodes see the same majority."""
    _require(nodes, 3, Topology.MAJORITIES_RING)
    ring = _shuffled(nodes, rng)
    everyone = frozenset(ring)
    return normalize({node: everyone - view for node, view in ring_views(ring).items()})


def bridge(nodes: Sequence[str], rng: random.Random) -> dict[str, frozenset[str]]:
    """Two halves cut from each other; one bridge node talks to both."""
    _require(nodes, 3, Topology.BRIDGE)
    shuffled = _shuffled(nodes, rng)
    bridge_node, rest = shuffled[0], shuffled[1:]
    left, right = split_halves(rest)
    grudge: dict[str, frozenset[str]] = {}
    for node in left:
        grudge[node] = frozenset(right)
    for node in right:
        grudge[node] = frozenset(left)
    assert bridge_node not in grudge
    return normalize(grudge)


def one_way(nodes: Sequence[str], rng: random.Random) -> dict[str, frozenset[str]]:
    """A random half drops all traffic from the other half; the other half receives everything."""
    _require(nodes, 2, Topology.ONE_WAY)
    deaf, senders = split_halves(_shuffled(nodes, rng))
    return normalize({node: frozenset(senders) for node in deaf})


def build(
    topology: Topology,
    nodes: Sequence[str],
    rng: random.Random,
    *,
    primaries: Collection[str] = (),
) -> dict[str, frozenset[str]]:
    """The grudge of ``topology`` over ``nodes``; ``primaries`` is used by ISOLATE_PRIMARY."""
    match topology:
        case Topology.HALVES:
            return halves(nodes)
        case Topology.RANDOM_HALVES:
            return random_halves(nodes, rng)
        case Topology.ISOLATE_ONE:
            return isolate_one(nodes, rng)
        case Topology.ISOLATE_PRIMARY:
            known = [p for p in primaries if p in nodes]
            if not known:
                raise TopologyError("no primary is known, cannot isolate it")
            if len(known) == len(nodes):
                raise TopologyError("every node claims to be primary; nothing to isolate")
            return isolate(nodes, known)
        case Topology.MAJORITIES_RING:
            return majorities_ring(nodes, rng)
        case Topology.BRIDGE:
            return bridge(nodes, rng)
        case Topology.ONE_WAY:
            return one_way(nodes, rng)


def parse_grudge(text: str, nodes: Collection[str]) -> dict[str, frozenset[str]]:
    """An explicit grudge from ``"n1<n2,n3;n4<n5"`` (n1 drops traffic from n2 and n3; ...)."""
    grudge: dict[str, set[str]] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        node, sep, others = part.partition("<")
        node = node.strip()
        if not sep or not node:
            raise TopologyError(
                f"bad grudge entry {part!r}: expected NODE<FROM,FROM (NODE drops traffic FROM)"
            )
        senders = {o.strip() for o in others.split(",") if o.strip()}
        unknown = ({node} | senders) - set(nodes)
        if unknown:
            raise TopologyError(f"grudge {part!r} names unknown nodes {sorted(unknown)}")
        grudge.setdefault(node, set()).update(senders)
    return normalize(grudge)


def views(grudge: Grudge, nodes: Iterable[str]) -> dict[str, frozenset[str]]:
    """What each node still hears from (itself included)."""
    everyone = frozenset(nodes)
    return {n: everyone - grudge.get(n, frozenset()) for n in everyone}


def to_json(grudge: Grudge) -> dict[str, list[str]]:
    """A JSON-able grudge for the history (sorted, so it is stable)."""
    return {node: sorted(grudge[node]) for node in sorted(grudge)}


def _shuffled(nodes: Sequence[str], rng: random.Random) -> list[str]:
    out = list(nodes)
    rng.shuffle(out)
    return out


def _require(nodes: Sequence[str], n: int, topology: Topology) -> None:
    if len(set(nodes)) != len(nodes):
        raise TopologyError(f"duplicate nodes in {list(nodes)}")
    if len(nodes) < n:
        raise TopologyError(f"{topology.value} needs at least {n} nodes, got {len(nodes)}")


__all__ = [
    "Grudge",
    "Topology",
    "TopologyError",
    "bridge",
    "build",
    "complete",
    "halves",
    "isolate",
    "isolate_one",
    "majorities_ring",
    "majority",
    "normalize",
    "one_way",
    "parse_grudge",
    "random_halves",
    "ring_views",
    "split_halves",
    "to_json",
    "views",
]
