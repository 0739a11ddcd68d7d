"""The kv model's refinement (hints read off get outputs) never changes a verdict: it agrees with
the brute-force checker and with the same model without refinement."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import event, given, settings
from hypothesis import strategies as st

from checkers.evidence import lack_of_evidence
from checkers.linearizable import Input, check, get_model
from checkers.linearizable.models.kv import append_states
from checkers.verdict import Verdict
from tests.checkers.linearizable.brute import brute_force_linearizable
from tests.checkers.linearizable.kv_histories import kv_history
from tests.checkers.linearizable.simulate import simulate
from tests.checkers.linearizable.workloads import kv_workload

KV = get_model("kv")
PLAIN = replace(KV, refine=None)


@given(seed=st.integers(0, 2**32 - 1), operations=st.integers(2, 9),
       processes=st.integers(1, 4), crash=st.sampled_from([0.0, 0.3]),
       corrupt=st.sampled_from([0.0, 0.3]), unique=st.booleans())
@settings(max_examples=400, deadline=None)
def test_refined_kv_agrees_with_brute_force(  # noqa: PLR0917
        seed: int, operations: int, processes: int,
                                            crash: float, corrupt: float, unique: bool) -> None:
    history = simulate(kv_workload(unique), random.Random(seed), operations=operations,
                       processes=processes, crash=crash, corrupt=corrupt, late=0.5)
    expected = brute_force_linearizable(history.operations(), KV)
    result = check(history, KV, time_limit=None)
    assert (result.verdict is not Verdict.INVALID) == expected, history.ops
    if result.verdict is Verdict.UNKNOWN:  # never valid on nothing
        assert lack_of_evidence(history.operations()) is not None
    assert check(history, PLAIN, time_limit=None).verdict is result.verdict
    event(f"expected {'valid' if expected else 'invalid'}")


def test_hints_follow_the_unique_factorization() -> None:
    ops = [(Input(f="append", value="x1"), None), (Input(f="append", value="x2"), None),
           (Input(f="put", value="p"), None), (Input(f="get"), "px2x1"),
           (Input(f="append", value="x3"), None), (Input(f="get"), "x3")]
    assert append_states(ops) == ["px2", "p", None, None, "", None]
    # "ab" splits as a+b or as ab: no hint from that get.
    ambiguous = [(Input(f="append", value="a"), None), (Input(f="append", value="b"), None),
                 (Input(f="append", value="ab"), None), (Input(f="get"), "ab")]
    assert append_states(ambiguous) == [None, None, None, None]
    twice = [(Input(f="append", value="a"), None), (Input(f="append", value="a"), None),
             (Input(f="get"), "a")]
    assert append_states(twice) == [None, None, None]


def test_refined_kv_agrees_on_medium_histories() -> None:
    for seed in range(12):
        lost = (seed % 3,) if seed % 2 else ()
        history = kv_history(clients=4, ops_per_client=25, keys=3, seed=seed, lost=lost)
        refined = check(history, KV, time_limit=60.0)
        plain = check(history, PLAIN, time_limit=60.0)
        assert refined.verdict is plain.verdict
        assert refined.verdict is (Verdict.INVALID if lost else Verdict.VALID)
