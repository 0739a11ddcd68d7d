"""The checker agrees with a brute-force checker on small random histories with crashes, for
every built-in model, with pruning automatic, forced and disabled."""

from __future__ import annotations

import random
from collections.abc import Hashable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from checkers.evidence import lack_of_evidence
from checkers.linearizable import (
    MODEL_NAMES,
    Model,
    PartialLinearization,
    StuckReason,
    check,
    get_model,
)
from checkers.linearizable._subhistory import class_of
from checkers.verdict import Verdict
from harness.kernel.history import Operation
from tests.checkers.linearizable.brute import brute_force_linearizable
from tests.checkers.linearizable.simulate import simulate
from tests.checkers.linearizable.workloads import workload_for


@dataclass(frozen=True, kw_only=True, slots=True)
class Shape:
    seed: int
    operations: int
    processes: int
    crash: float
    corrupt: float
    late: float
    unique: bool


shapes = st.builds(
    Shape,
    seed=st.integers(0, 2**32 - 1),
    operations=st.integers(1, 9),
    processes=st.integers(1, 4),
    crash=st.sampled_from([0.0, 0.2, 0.5]),
    corrupt=st.sampled_from([0.0, 0.2, 0.5]),
    late=st.sampled_from([0.0, 0.5, 1.0]),
    unique=st.booleans(),
)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", MODEL_NAMES)
@given(shape=shapes)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_agrees_with_brute_force(name: str, shape: Shape) -> None:
    model = get_model(name)
    history = simulate(
        workload_for(name, unique=shape.unique),
        random.Random(shape.seed),
        operations=shape.operations,
        processes=shape.processes,
        crash=shape.crash,
        corrupt=shape.corrupt,
        late=shape.late,
    )
    expected = (
        Verdict.VALID if brute_force_linearizable(history.operations(), model) else Verdict.INVALID
    )
    if expected is Verdict.VALID and lack_of_evidence(history.operations()) is not None:
        expected = Verdict.UNKNOWN  # linearizable, but nothing completed ok: never valid on nothing
    event(f"expected {expected.value}")
    for prune in (None, True, False):
        result = check(history, model, prune=prune, time_limit=None)
        assert result.verdict is expected, (prune, history.ops)
        if prune is True and any(k.pruned for k in result.keys):
            event("pruned some operations")
        for key in result.invalid_keys:
            assert key.counterexample is not None
            for prefix in key.counterexample.prefixes:
                assert_is_a_linearization(prefix, history.operations(), model)


def assert_is_a_linearization(
    prefix: PartialLinearization, operations: list[Operation], model: Model[Hashable]
) -> None:
    """The reported prefix (whole, in these tiny histories) is legal, ends in the reported
    state, respects real time, and every stuck operation is really stuck after it."""
    assert len(prefix.tail) == prefix.length
    ops = [operations[ref.index] for ref in prefix.tail]
    for i, earlier in enumerate(ops):
        for later in ops[i + 1 :]:
            assert not (later.ret is not None and later.ret < earlier.call)
    state = model.init()
    for op in ops:
        legal, state = model.step(state, *class_of(op))
        assert legal
    if prefix.state != "any reachable state":
        assert prefix.state == model.describe_state(state)
    for stuck in prefix.stuck:
        legal, _ = model.step(state, *class_of(operations[stuck.operation.index]))
        assert legal is (stuck.reason is StuckReason.DEAD_END)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("name", "operations"),
    [
        ("cas-register", 40),
        ("knossos-cas-register", 40),
        ("multi-register", 30),
        ("kv", 30),
        ("mutex", 40),
        # Queues and sets have exponentially many states under crashes: keep them small.
        ("fifo-queue", 14),
        ("set", 14),
    ],
)
@given(seed=st.integers(0, 2**32 - 1), crash=st.sampled_from([0.1, 0.3]))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_pruning_modes_agree_on_medium_histories(
    name: str, operations: int, seed: int, crash: float
) -> None:
    # Too big for brute force: automatic, forced and disabled pruning must agree.
    history = simulate(
        workload_for(name, unique=seed % 2 == 0),
        random.Random(seed),
        operations=operations,
        processes=4,
        crash=crash,
        corrupt=0.05,
        late=0.5,
    )
    model = get_model(name)
    verdicts = {
        prune: check(history, model, prune=prune, time_limit=None).verdict
        for prune in (None, True, False)
    }
    assert len(set(verdicts.values())) == 1, verdicts
    event(f"verdict {verdicts[None].value}")
