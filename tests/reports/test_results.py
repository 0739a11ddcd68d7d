from __future__ import annotations

from checkers.verdict import Verdict
from reports import read_results


def test_controller_shape_is_flattened_to_leaves() -> None:
    r = read_results({"verdict": "invalid", "workload": {"verdict": "invalid", "checkers": {
        "linearizable": {"checker": "linearizable", "verdict": "invalid", "keys": []},
        "stats": {"verdict": "valid", "operations": 3},
    }}})
    assert r.verdict is Verdict.INVALID and r.stated
    assert [(c.name, c.kind, c.verdict) for c in r.checkers] == [
        ("linearizable", "linearizable", Verdict.INVALID), ("stats", "stats", Verdict.VALID)]


def test_flat_and_list_and_single_shapes() -> None:
    flat = read_results({"verdict": "valid", "checkers": {"a": {"verdict": "valid"}}})
    assert [c.name for c in flat.checkers] == ["a"]
    listed = read_results({"checkers": [{"checker": "set", "verdict": "invalid"},
                                        {"verdict": "valid"}]})
    assert [c.name for c in listed.checkers] == ["set", "checker 2"]
    assert listed.verdict is Verdict.INVALID and not listed.stated
    single = read_results({"checker": "counter", "verdict": "unknown"})
    assert single.verdict is Verdict.UNKNOWN
    assert [c.kind for c in single.checkers] == ["counter"]


def test_nested_composition_names_parent() -> None:
    r = read_results({"verdict": "valid", "bank": {"verdict": "valid",
                                                   "checkers": {"sum": {"verdict": "valid"}}}})
    assert [c.name for c in r.checkers] == ["bank/sum"]


def test_jepsen_valid_flag() -> None:
    r = read_results({"lin": {"valid?": False}, "perf": {"valid?": "unknown"}})
    assert [c.verdict for c in r.checkers] == [Verdict.INVALID, Verdict.UNKNOWN]
    assert r.verdict is Verdict.INVALID


def test_missing_and_reasons() -> None:
    missing = read_results(None)
    assert missing.verdict is None and missing.problems
    interrupted = read_results({"verdict": "unknown", "reason": "interrupted by SIGINT"})
    assert interrupted.verdict is Verdict.UNKNOWN
    assert interrupted.problems == ("reason: interrupted by SIGINT",)
    none = read_results({"foo": 1})
    assert none.verdict is None and "states no verdict" in none.problems[0]
    assert read_results([1, 2]).problems == ("results.json is not a JSON object",)
