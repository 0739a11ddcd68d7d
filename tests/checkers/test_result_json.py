"""Every checker result reads back from its JSON as the same value (``from_json`` next to
``to_json``), on results the checkers themselves produce from random histories; malformed
stored results name the field at fault."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkers.behaviour import Behaviour, BehaviourResult, SideCount, WindowSides
from checkers.compose import CheckerFailure, CompositeResult, SimpleResult
from checkers.counter import CounterResult, check_counter
from checkers.coverage import CoverageResult
from checkers.elle import TxnCheckResult, check_list_append, check_rw_register
from checkers.elle.simulate import Isolation, SimConfig, simulate, to_history
from checkers.eventual import SetResult, check_set
from checkers.linearizable import MODEL_NAMES, LinearizabilityResult, check, get_model
from checkers.result_json import OtherResult, ResultFormatError, result_from_json
from checkers.session import SessionResult, check_sessions
from checkers.stats import StatsResult
from checkers.verdict import Verdict
from harness.kernel.jsontypes import JSON
from harness.shell.run_results import ResultsFileError, RunResults
from tests.checkers.eventual.test_set_fast import set_histories
from tests.checkers.histories import H
from tests.checkers.linearizable.simulate import simulate as simulate_linearizable
from tests.checkers.linearizable.workloads import workload_for

RECORDED = Path(__file__).parents[1] / "harness" / "recorded_runs"


def through_json(value: JSON) -> JSON:
    """``value`` as it comes back from a file."""
    decoded: JSON = json.loads(json.dumps(value))
    return decoded


def assert_round_trip(result: object) -> None:
    to_json = getattr(result, "to_json")  # noqa: B009  (any result type)
    stored = through_json(to_json())
    again = type(result).from_json(stored, "r")  # type: ignore[attr-defined]
    assert again == result
    assert result_from_json(stored, "r") == result
    assert through_json(again.to_json()) == stored


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(MODEL_NAMES), seed=st.integers(0, 2**32 - 1),
       size=st.tuples(st.integers(1, 9), st.integers(1, 4)),
       faults=st.tuples(st.sampled_from([0.0, 0.3]), st.sampled_from([0.0, 0.3])))
def test_linearizability_results(name: str, seed: int, size: tuple[int, int],
                                 faults: tuple[float, float]) -> None:
    history = simulate_linearizable(workload_for(name), random.Random(seed),
                                    operations=size[0], processes=size[1], crash=faults[0],
                                    corrupt=faults[1], late=0.5)
    result = check(history, get_model(name), time_limit=None)
    assert isinstance(result, LinearizabilityResult)
    assert_round_trip(result)


@settings(max_examples=150, deadline=None)
@given(set_histories())
def test_set_and_session_results(history: object) -> None:
    from harness.kernel.history import History

    assert isinstance(history, History)
    assert_round_trip(check_set(history))
    assert_round_trip(check_sessions(history, kind="set"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.sampled_from(["ok", "info", "fail"]),
                          st.integers(-2, 2)), max_size=30),
       st.lists(st.integers(-5, 5), max_size=3))
def test_counter_results(steps: list[tuple[int, str, int]], finals: list[int]) -> None:
    h = H()
    total = 0
    for delta, outcome, error in steps:
        h.invoke(0, "add", delta)
        getattr(h, outcome)(0, "add", delta)
        total += delta if outcome == "ok" else 0
        h.invoke(1, "read").ok(1, "read", total + error)
    for i, v in enumerate(finals):
        h.invoke(100 + i, "final-read", node=f"n{i}").ok(100 + i, "final-read", v, node=f"n{i}")
    result = check_counter(h.history())
    assert isinstance(result, CounterResult)
    assert_round_trip(result)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), isolation=st.sampled_from(list(Isolation)),
       txns=st.integers(2, 8), keys=st.integers(1, 3))
def test_transactional_results(seed: int, isolation: Isolation, txns: int, keys: int) -> None:
    cfg = SimConfig(isolation=isolation, txns=txns, seed=seed, keys=keys, max_mops=4,
                    concurrency=3, p_info=0.1, p_fail=0.1)
    result = check_list_append(to_history(list(simulate(cfg))), time_limit=30)
    assert isinstance(result, TxnCheckResult)
    assert_round_trip(result)


def test_rw_register_result() -> None:
    h = H()
    h.invoke(0, "txn", [["w", "x", 1]]).ok(0, "txn", [["w", "x", 1]])
    h.invoke(1, "txn", [["r", "x", None]]).ok(1, "txn", [["r", "x", 2]])
    result = check_rw_register(h.history(), time_limit=10)
    assert_round_trip(result)


def test_composed_stats_and_failure_results() -> None:
    stats = StatsResult(verdict=Verdict.VALID, operations=3, ok=2,
                        by_f={"read": {"ok": 2, "fail": 1, "info": 0}})
    failure = CheckerFailure(error="KeyError: 'x'")
    composite = CompositeResult(verdict=Verdict.UNKNOWN, parts={"stats": stats,
                                                               "behaviour": failure})
    for result in (stats, failure, composite):
        assert_round_trip(result)
    assert failure.verdict is Verdict.UNKNOWN  # a checker that raised never passes


def test_a_plugins_result_is_kept_as_it_is() -> None:
    result = SimpleResult(verdict=Verdict.INVALID, data={"bank": {"total": 99}})
    stored = through_json(result.to_json())
    other = result_from_json(stored, "workload")
    assert other == OtherResult(verdict=Verdict.INVALID, data={"verdict": "invalid",
                                                               "bank": {"total": 99}})
    assert SimpleResult.from_json(stored) == result
    assert other.to_json() == stored


@pytest.mark.parametrize("name", sorted(p.name for p in RECORDED.iterdir() if p.is_dir()))
def test_recorded_results_of_schema_1_read_back_to_every_type(name: str) -> None:
    old = json.loads((RECORDED / name / "results.json").read_text())
    results = RunResults.from_json(old)
    assert results.schema_version == 1 and results.verdict.value == old["verdict"]
    kinds = {type(r) for _, r in results.checkers()}
    assert OtherResult not in kinds  # every built-in result has its type
    assert RunResults.from_json(through_json(results.to_json())) == results


def test_set_result_keeps_its_examples_and_counts() -> None:
    h = H()
    for e in range(30):
        h.invoke(e, "add", e).ok(e, "add", e)
    h.invoke(99, "final-read", node="n1").ok(99, "final-read", [], node="n1")
    result = check_set(h.history())
    assert isinstance(result, SetResult)
    assert len(result.lost) == 30 and len(result.missing_by_node["n1"]) == 20
    assert result.evidence["lost"][0].value == 0
    assert_round_trip(result)


def test_session_result_of_a_register_history() -> None:
    h = H()
    h.invoke(0, "write", 1).ok(0, "write", 1)
    h.invoke(0, "read").ok(0, "read", None)
    result = check_sessions(h.history(), kind="register")
    assert isinstance(result, SessionResult) and result.verdict is Verdict.INVALID
    assert_round_trip(result)


def test_malformed_results_name_the_field() -> None:
    good = json.loads((RECORDED / "set-lost" / "results.json").read_text())
    bad = json.loads(json.dumps(good))
    bad["workload"]["checkers"]["set"]["lost"] = None
    with pytest.raises(ResultsFileError, match=r"workload\.checkers\.set\.lost: expected a list"):
        RunResults.from_json(bad, "results.json")
    with pytest.raises(ResultsFileError, match="verdict: missing"):
        RunResults.from_json({"schema_version": 2}, "results.json")
    with pytest.raises(ResultsFileError, match="schema_version: 99 is not a schema"):
        RunResults.from_json(dict(good, schema_version=99), "results.json")
    with pytest.raises(ResultFormatError, match=r"r\.keys: expected a list"):
        LinearizabilityResult.from_json({"verdict": "valid", "model": "register",
                                         "operations": 1, "seconds": 0.1, "keys": 3}, "r")


names = st.text(alphabet="abcdefgh-", min_size=1, max_size=6)
counts = st.integers(0, 10**6)
side_counts = st.builds(
    SideCount, nodes=st.lists(names, max_size=3).map(tuple), ok=counts, total=counts,
    by_f=st.dictionaries(names, st.tuples(counts, counts), max_size=3).map(
        lambda d: tuple((f, ok, n) for f, (ok, n) in sorted(d.items()))))


@settings(max_examples=100, deadline=None)
@given(st.builds(
    BehaviourResult, behaviour=st.sampled_from(list(Behaviour)), summary=st.text(max_size=20),
    minority=side_counts, majority=side_counts,
    windows=st.lists(st.builds(WindowSides, start=counts, end=counts,
                               minority=st.lists(side_counts, max_size=2).map(tuple),
                               majority=st.lists(side_counts, max_size=2).map(tuple)),
                     max_size=3).map(tuple),
    anomalies=st.lists(st.text(max_size=10), max_size=3).map(tuple)))
def test_behaviour_results(result: BehaviourResult) -> None:
    assert_round_trip(result)


@settings(max_examples=100, deadline=None)
@given(st.builds(
    CoverageResult, verdict=st.sampled_from(list(Verdict)),
    problems=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    served_by_f=st.dictionaries(names, counts, max_size=3),
    applied=st.dictionaries(names, counts, max_size=3),
    survivable_s=st.integers(0, 10**7).map(lambda ms: ms / 1000), survivable_ok=counts))
def test_coverage_results(result: CoverageResult) -> None:
    assert_round_trip(result)
