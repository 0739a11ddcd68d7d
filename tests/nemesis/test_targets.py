from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemesis.targets import Targets, TargetsError, choose, parse_targets


def names(n: int) -> list[str]:
    return [f"n{i + 1}" for i in range(n)]


@given(st.integers(min_value=1, max_value=11), st.integers(min_value=0, max_value=2**32))
def test_sizes(n: int, seed: int) -> None:
    nodes = names(n)
    rng = random.Random(seed)
    assert len(choose(Targets.ONE, nodes, rng)) == 1
    minority = choose(Targets.MINORITY, nodes, rng)
    assert len(minority) >= 1
    if n >= 3:
        assert 2 * len(minority) < n
    assert 2 * len(choose(Targets.MAJORITY, nodes, rng)) > n
    assert choose(Targets.ALL, nodes, rng) == tuple(nodes)
    for t in Targets:
        if t is not Targets.PRIMARIES:
            chosen = choose(t, nodes, rng)
            assert set(chosen) <= set(nodes)
            assert len(set(chosen)) == len(chosen)


def test_primaries() -> None:
    assert choose(Targets.PRIMARIES, names(5), random.Random(0), primaries=["n3"]) == ("n3",)
    with pytest.raises(TargetsError, match="primaries"):
        choose(Targets.PRIMARIES, names(5), random.Random(0))


def test_parse() -> None:
    assert parse_targets("one, majority") == (Targets.ONE, Targets.MAJORITY)
    with pytest.raises(TargetsError, match="'most'"):
        parse_targets("one,most")
    with pytest.raises(TargetsError, match="no targets"):
        parse_targets(" , ")
