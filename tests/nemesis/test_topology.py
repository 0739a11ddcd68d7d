from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemesis.topology import (
    Topology,
    TopologyError,
    bridge,
    build,
    complete,
    halves,
    isolate,
    majorities_ring,
    majority,
    one_way,
    parse_grudge,
    random_halves,
    to_json,
    views,
)

node_counts = st.integers(min_value=3, max_value=12)
seeds = st.integers(min_value=0, max_value=2**32)


def names(n: int) -> list[str]:
    return [f"n{i + 1}" for i in range(n)]


def components_of(grudge: dict[str, frozenset[str]], nodes: list[str]) -> set[frozenset[str]]:
    return set(views(grudge, nodes).values())


def test_halves_of_five_is_two_against_three() -> None:
    grudge = halves(names(5))
    assert components_of(grudge, names(5)) == {
        frozenset({"n1", "n2"}),
        frozenset({"n3", "n4", "n5"}),
    }
    assert grudge["n1"] == frozenset({"n3", "n4", "n5"})


@given(node_counts, seeds)
def test_random_halves_cover_all_nodes_in_two_disjoint_symmetric_sides(n: int, seed: int) -> None:
    nodes = names(n)
    grudge = random_halves(nodes, random.Random(seed))
    sides = components_of(grudge, nodes)
    assert len(sides) == 2
    assert frozenset().union(*sides) == frozenset(nodes)
    assert sorted(len(s) for s in sides) == [n // 2, n - n // 2]
    for a, dropped in grudge.items():
        for b in dropped:
            assert a in grudge[b], "a complete partition is symmetric"


@given(node_counts, seeds)
def test_majorities_ring_gives_each_node_a_distinct_majority(n: int, seed: int) -> None:
    nodes = names(n)
    grudge = majorities_ring(nodes, random.Random(seed))
    seen = views(grudge, nodes)
    for node, view in seen.items():
        assert node in view
        assert len(view) == majority(n)
    assert len(set(seen.values())) == n, "no two nodes share a view"


@given(st.sampled_from([5, 9, 13, 4, 8]), seeds)
def test_majorities_ring_is_symmetric_when_the_majority_is_odd(n: int, seed: int) -> None:
    assert majority(n) % 2 == 1
    nodes = names(n)
    seen = views(majorities_ring(nodes, random.Random(seed)), nodes)
    for a in nodes:
        for b in seen[a]:
            assert a in seen[b]


@given(node_counts, seeds)
def test_bridge_node_sees_everyone_and_sides_do_not_see_each_other(n: int, seed: int) -> None:
    nodes = names(n)
    grudge = bridge(nodes, random.Random(seed))
    seen = views(grudge, nodes)
    bridges = [node for node in nodes if seen[node] == frozenset(nodes)]
    assert len(bridges) == 1
    (b,) = bridges
    others = [node for node in nodes if node != b]
    for node in others:
        assert b in seen[node]
        assert len(seen[node]) < n
    left = seen[others[0]] - {b}
    right = frozenset(others) - left
    assert right, "there are two sides"
    for x in left:
        assert grudge[x] == right
    for y in right:
        assert grudge[y] == left


@given(node_counts, seeds)
def test_one_way_grudge_drops_in_one_direction_only(n: int, seed: int) -> None:
    nodes = names(n)
    grudge = one_way(nodes, random.Random(seed))
    assert grudge
    for deaf, senders in grudge.items():
        for s in senders:
            assert deaf not in grudge.get(s, frozenset())


@given(node_counts, seeds, st.sampled_from(list(Topology)))
def test_every_topology_names_only_known_nodes_and_never_self(
    n: int, seed: int, topology: Topology
) -> None:
    nodes = names(n)
    grudge = build(topology, nodes, random.Random(seed), primaries=["n2"])
    assert grudge, f"{topology} cuts something"
    for node, dropped in grudge.items():
        assert node in nodes
        assert node not in dropped
        assert dropped <= frozenset(nodes)


def test_isolate_primary_uses_the_primaries() -> None:
    grudge = build(Topology.ISOLATE_PRIMARY, names(5), random.Random(0), primaries=["n4"])
    assert grudge["n4"] == frozenset({"n1", "n2", "n3", "n5"})
    assert grudge["n1"] == frozenset({"n4"})


def test_isolate_primary_without_primary_is_an_error() -> None:
    with pytest.raises(TopologyError, match="no primary"):
        build(Topology.ISOLATE_PRIMARY, names(5), random.Random(0), primaries=[])


def test_same_seed_same_grudge() -> None:
    a = majorities_ring(names(7), random.Random(42))
    b = majorities_ring(names(7), random.Random(42))
    assert a == b


def test_too_few_nodes_is_a_clear_error() -> None:
    with pytest.raises(TopologyError, match="bridge needs at least 3 nodes"):
        bridge(names(2), random.Random(0))


def test_overlapping_components_rejected() -> None:
    with pytest.raises(TopologyError, match="overlap"):
        complete([["n1", "n2"], ["n2", "n3"]])


def test_isolate_unknown_node_rejected() -> None:
    with pytest.raises(TopologyError, match="unknown"):
        isolate(names(3), ["n9"])


def test_parse_grudge() -> None:
    grudge = parse_grudge("n1<n2,n3; n4<n1", names(4))
    assert grudge == {"n1": frozenset({"n2", "n3"}), "n4": frozenset({"n1"})}
    assert to_json(grudge) == {"n1": ["n2", "n3"], "n4": ["n1"]}


@pytest.mark.parametrize(
    ("text", "message"), [("n1n2", "expected NODE<FROM"), ("n1<n9", "unknown nodes")]
)
def test_parse_grudge_errors_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(TopologyError, match=message):
        parse_grudge(text, names(3))
