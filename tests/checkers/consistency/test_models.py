"""The consistency-model tables are well-formed and their answers match the papers."""

from __future__ import annotations

import pytest

from checkers.consistency import (
    ANOMALIES,
    MODELS,
    SOURCES,
    TRANSACTIONAL,
    UnknownNameError,
    boundary,
    forbidding,
    ruled_out,
    stronger,
    weaker,
)


def test_every_name_in_the_tables_is_defined_and_sourced() -> None:
    for m in MODELS.values():
        assert m.source in SOURCES
        assert all(w in MODELS for w in m.implies)
        assert all(a in ANOMALIES for a in m.forbids)
    for a in ANOMALIES.values():
        assert a.source in SOURCES
        assert all(g in ANOMALIES for g in a.generalizes_to)


def test_the_hierarchy_is_acyclic() -> None:
    for name in MODELS:
        assert all(name not in weaker(w) for w in MODELS[name].implies)


def test_implications_follow_the_literature() -> None:
    assert "serializable" in weaker("strict-serializable")
    assert "read-committed" in weaker("serializable")
    assert "snapshot-isolation" not in weaker("serializable")  # SI allows write skew, SER no
    assert "serializable" not in weaker("snapshot-isolation")
    assert {"read-your-writes", "monotonic-reads", "monotonic-writes"} <= weaker("PRAM")
    assert "writes-follow-reads" in weaker("causal")
    assert "sequential" in weaker("linearizable")
    assert "strict-serializable" in stronger("linearizable")


@pytest.mark.parametrize(("anomaly", "forbidden_by", "allowed_by"), [
    ("G0", {"read-uncommitted"}, set()),
    ("G1a", {"read-committed"}, {"read-uncommitted"}),
    ("G1c", {"read-committed", "causal"}, {"read-uncommitted"}),
    ("G-single", {"snapshot-isolation", "repeatable-read", "serializable"}, {"read-committed"}),
    ("G-nonadjacent", {"snapshot-isolation", "serializable"}, {"read-committed"}),
    ("G2-item", {"repeatable-read", "serializable"}, {"snapshot-isolation"}),
    ("G2-item-realtime", {"strict-serializable"}, {"serializable", "snapshot-isolation"}),
    ("G-single-process", {"strong-session-serializable"}, {"serializable",
                                                          "snapshot-isolation"}),
    ("G1c-process", {"causal", "strong-session-serializable"}, {"serializable"}),
    ("lost-update", {"snapshot-isolation"}, {"read-committed"}),
    ("monotonic-reads-violation", {"monotonic-reads", "PRAM", "causal", "linearizable"},
     {"read-your-writes", "serializable"}),
])
def test_what_each_anomaly_rules_out(anomaly: str, forbidden_by: set[str],
                                     allowed_by: set[str]) -> None:
    assert forbidden_by <= forbidding(anomaly)
    assert not allowed_by & forbidding(anomaly)


def test_boundary_of_write_skew() -> None:
    b = boundary(["G2-item"], TRANSACTIONAL)
    assert b.not_ == ("repeatable-read",)
    assert set(b.also_not) == {"serializable", "strong-session-serializable",
                               "strict-serializable"}
    assert "snapshot-isolation" in b.possible


def test_no_anomalies_leaves_the_strongest_models() -> None:
    b = boundary([], TRANSACTIONAL)
    assert b.ruled_out == ()
    assert set(b.possible) == {"strict-serializable", "snapshot-isolation"}


def test_unknown_names_are_errors() -> None:
    with pytest.raises(UnknownNameError):
        ruled_out(["G42"])
    with pytest.raises(UnknownNameError):
        weaker("eventual-serializability")
