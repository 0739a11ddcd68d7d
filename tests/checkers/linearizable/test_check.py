"""The checker's semantics, decomposition, pruning, budget and results, on hand-made histories."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from checkers.linearizable import (
    StuckReason,
    UnknownReason,
    check,
    get_model,
)
from checkers.verdict import Verdict
from harness.kernel.history import Operation, history_of
from harness.kernel.ops import Op, OpType
from tests.checkers.linearizable.ops import ops

REGISTER = get_model("register")


def hard(k: int, key: str | None = None) -> list[Operation]:
    """``k`` concurrent crashed writes of 1..k, read back in that order, then a read of 1 again
    (which would need a second write of 1): the search must try every subset of the writes
    before it can say "invalid"."""
    suffix = "" if key is None else f' "{key}"'
    specs = [f"{i} write {i + 1} _ 0 _{suffix}" for i in range(k)]
    t = k
    for i in range(k):
        specs.append(f"{100 + i} read _ {i + 1} {t + 1} {t + 2}{suffix}")
        t += 2
    specs.append(f"99 read _ 1 {t + 1} {t + 2}{suffix}")
    return ops(*specs)


def test_sequential_history() -> None:
    h = ops("0 write 1 1 0 1", "0 read _ 1 2 3", "0 write 2 2 4 5", "0 read _ 2 6 7")
    assert check(h, REGISTER).verdict is Verdict.VALID
    h = ops("0 write 1 1 0 1", "0 read _ 2 2 3")
    assert check(h, REGISTER).verdict is Verdict.INVALID


def test_concurrent_read_may_see_either_value() -> None:
    old = ops("0 write 1 1 0 1", "1 write 2 2 2 5", "2 read _ 1 3 4")
    new = ops("0 write 1 1 0 1", "1 write 2 2 2 5", "2 read _ 2 3 4")
    assert check(old, REGISTER).verdict is Verdict.VALID
    assert check(new, REGISTER).verdict is Verdict.VALID


def test_failed_operations_did_not_happen() -> None:
    h = ops("0 write 5 fail 0 1", "1 read _ 5 2 3")
    assert check(h, REGISTER).verdict is Verdict.INVALID


def test_indeterminate_write_may_take_effect_late_or_never() -> None:
    late = ops("0 write 1 1 0 1", "1 write 2 _ 2 _", "2 read _ 1 3 4", "2 read _ 2 5 6")
    never = ops("0 write 1 1 0 1", "1 write 2 _ 2 _", "2 read _ 1 3 4", "2 read _ 1 5 6")
    flip_back = ops("0 write 1 1 0 1", "1 write 2 _ 2 _", "2 read _ 2 3 4", "2 read _ 1 5 6")
    before_invoke = ops("0 write 1 1 0 1", "2 read _ 2 2 3", "1 write 2 _ 4 _")
    for prune in (None, True, False):
        assert check(late, REGISTER, prune=prune).verdict is Verdict.VALID
        assert check(never, REGISTER, prune=prune).verdict is Verdict.VALID
        assert check(flip_back, REGISTER, prune=prune).verdict is Verdict.INVALID
        assert check(before_invoke, REGISTER, prune=prune).verdict is Verdict.INVALID


def test_history_and_operation_list_are_both_accepted() -> None:
    events = [
        Op(index=0, time=0, type=OpType.INVOKE, process=0, f="write", value=1),
        Op(index=1, time=1, type=OpType.OK, process=0, f="write", value=1),
        Op(index=2, time=2, type=OpType.INFO, process="nemesis", f="partition", value=None),
        Op(index=3, time=3, type=OpType.INVOKE, process=1, f="read", value=None),
        Op(index=4, time=4, type=OpType.OK, process=1, f="read", value=2),
    ]
    history = history_of(events)
    assert check(history, REGISTER).verdict is Verdict.INVALID
    assert check(history.operations(), REGISTER).verdict is Verdict.INVALID
    with pytest.raises(TypeError, match="History or a list of Operation"):
        check(events, REGISTER)  # type: ignore[arg-type]


def test_keys_are_checked_independently() -> None:
    h = ops(
        '0 write 1 1 0 1 "a"',
        '1 write 2 2 2 3 "b"',
        '0 read _ 1 4 5 "a"',
        '1 read _ 1 6 7 "b"',
    )
    result = check(h, REGISTER)
    assert result.verdict is Verdict.INVALID
    assert [k.key for k in result.valid_keys] == ["a"]
    assert [k.key for k in result.invalid_keys] == ["b"]


def test_multi_register_partitions_by_connected_keys() -> None:
    h = ops(
        '0 txn [["write","x",1]] [["write","x",1]] 0 1',
        '1 txn [["write","y",2],["write","z",3]] [["write","y",2],["write","z",3]] 2 3',
        '0 txn [["read","x",null]] [["read","x",1]] 4 5',
        '1 txn [["read","z",null]] [["read","z",4]] 6 7',
    )
    result = check(h, get_model("multi-register"))
    assert sorted((k.group, k.verdict.value) for k in result.keys) == [
        ("x", "valid"),
        ("y,z", "invalid"),
    ]


def test_crashed_reads_and_unobserved_crashed_writes_are_pruned() -> None:
    unobserved = ops("0 write 1 1 0 1", "1 write 7 _ 2 _", "2 read _ _ 3 _", "3 read _ 1 4 5")
    result = check(unobserved, REGISTER, prune=True)
    assert result.verdict is Verdict.VALID
    assert result.keys[0].pruned == 2
    observed = ops("0 write 1 1 0 1", "1 write 7 _ 2 _", "3 read _ 7 4 5")
    result = check(observed, REGISTER, prune=True)
    assert result.verdict is Verdict.VALID
    assert result.keys[0].pruned == 0
    cas_expects_it = ops("0 write 1 1 0 1", "1 write 7 _ 2 _", "3 cas [7,8] _ 4 5")
    result = check(cas_expects_it, get_model("cas-register"), prune=True)
    assert result.verdict is Verdict.VALID
    assert result.keys[0].pruned == 0


def test_pruning_makes_many_unobserved_crashed_writes_cheap() -> None:
    specs = [f"{i} write {100 + i} _ 0 _" for i in range(40)]
    specs += ["50 write 1 1 1 2", "51 read _ 1 3 4", "52 read _ 9 5 6"]
    result = check(ops(*specs), REGISTER, prune=True)
    assert result.verdict is Verdict.INVALID
    assert result.keys[0].pruned == 40


def test_counterexample_names_the_stuck_operation_and_state() -> None:
    h = ops("0 write 0 0 0 1", "1 read _ 3 2 4", "2 write 4 4 3 5", "3 read _ 4 6 7")
    result = check(h, get_model("knossos-cas-register"))
    assert result.verdict is Verdict.INVALID
    counterexample = result.keys[0].counterexample
    assert counterexample is not None
    longest = counterexample.prefixes[0]
    assert longest.length == 2
    assert [op.description for op in longest.tail] == ["write(0)", "write(4)"]
    assert longest.state == "4"
    assert [(s.operation.index, s.reason) for s in longest.stuck] == [(1, StuckReason.ILLEGAL)]


def test_to_json_is_plain_json() -> None:
    h = ops('0 write 1 1 0 1 "a"', '1 read _ 2 2 3 "a"', '1 read _ _ 4 5 "b"')
    data = check(h, REGISTER).to_json()
    again = json.loads(json.dumps(data))
    assert again["verdict"] == "invalid"
    assert again["summary"] == {"valid": 1, "invalid": 1, "unknown": 0}
    stuck = again["keys"][0]["counterexample"]["prefixes"][0]["stuck"][0]
    assert stuck["operation"]["description"] == "read() -> 2"


def test_zero_time_budget_gives_unknown_per_key_not_an_exception() -> None:
    h = ops('0 write 1 1 0 1 "a"', '1 write 2 2 2 3 "b"')
    result = check(h, REGISTER, time_limit=0.0, clock=iter(range(100)).__next__)
    assert result.verdict is Verdict.UNKNOWN
    assert [k.reason for k in result.keys] == [UnknownReason.NOT_STARTED] * 2


def test_budget_running_out_mid_check_keeps_partial_results() -> None:
    # A clock that moves one second per look: key "a" finishes, key "b" (hard) runs out of time
    # during its search, key "c" is never started.
    ticks: Iterator[int] = iter(range(10**6))
    h = [*ops('0 write 1 1 0 1 "a"'), *hard(12, key="b"), *ops('200 write 1 1 0 1 "c"')]
    result = check(h, REGISTER, time_limit=6.0, clock=lambda: float(next(ticks)))
    by_key = {k.key: k for k in result.keys}
    assert result.verdict is Verdict.UNKNOWN
    assert by_key["a"].verdict is Verdict.VALID
    assert by_key["b"].verdict is Verdict.UNKNOWN
    assert by_key["b"].reason is UnknownReason.TIME_LIMIT
    assert by_key["c"].reason is UnknownReason.NOT_STARTED


def test_memory_bound_gives_unknown() -> None:
    result = check(hard(12), REGISTER, max_configurations=5_000, time_limit=None)
    assert result.verdict is Verdict.UNKNOWN
    assert result.keys[0].reason is UnknownReason.MEMORY_LIMIT
    assert check(hard(8), REGISTER, time_limit=None).verdict is Verdict.INVALID


def test_operation_no_reachable_state_allows_is_invalid_at_once() -> None:
    h = [*hard(30)[:-1], *ops("99 read _ 999 200 201")]
    result = check(h, REGISTER, time_limit=None)
    assert result.verdict is Verdict.INVALID
    key = result.keys[0]
    assert key.detail == "process 99 read() -> 999 is not allowed in any reachable state"
    assert key.counterexample is not None
    stuck = key.counterexample.prefixes[0].stuck
    assert [s.operation.description for s in stuck] == ["read() -> 999"]


def test_model_rejecting_an_input_gives_unknown_with_the_reason() -> None:
    h = ops("0 write 1 1 0 1", "1 cas [1,2] _ 2 3")
    result = check(h, REGISTER)
    assert result.verdict is Verdict.UNKNOWN
    assert result.keys[0].reason is UnknownReason.MODEL_ERROR
    assert result.keys[0].detail is not None and "unknown operation 'cas'" in result.keys[0].detail


def test_stop_on_invalid_skips_the_remaining_keys() -> None:
    h = ops('0 read _ 5 0 1 "a"', '1 write 1 1 2 3 "b"')
    result = check(h, REGISTER, stop_on_invalid=True)
    assert [k.verdict for k in result.keys] == [Verdict.INVALID, Verdict.UNKNOWN]
    assert result.keys[1].reason is UnknownReason.STOPPED


def test_progress_is_reported_per_part() -> None:
    seen: list[tuple[int, int]] = []
    h = ops('0 write 1 1 0 1 "a"', '1 write 1 1 0 1 "b"', '2 write 1 1 0 1 "c"')
    check(h, REGISTER, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.timeout(120)
def test_worker_processes_give_the_same_results() -> None:
    h = [
        *ops('0 write 1 1 0 1 "a"', '1 read _ 2 2 3 "a"'),
        *ops('2 write 1 1 0 1 "b"', '3 read _ 1 2 3 "b"'),
        *hard(6, key="c"),
    ]
    alone = check(h, REGISTER, workers=1)
    pooled = check(h, REGISTER, workers=2)
    assert [(k.key, k.verdict) for k in alone.keys] == [(k.key, k.verdict) for k in pooled.keys]
    assert [k.verdict.value for k in pooled.keys] == ["invalid", "valid", "invalid"]
    assert pooled.keys[0].counterexample == alone.keys[0].counterexample


def test_memory_bound_in_bytes_gives_unknown() -> None:
    result = check(hard(12), REGISTER, max_memory=50_000, time_limit=None)
    assert result.verdict is Verdict.UNKNOWN
    assert result.keys[0].reason is UnknownReason.MEMORY_LIMIT


@pytest.mark.parametrize("prune", [None, False])
def test_long_single_key_history(prune: bool | None) -> None:
    # Two processes alternate overlapping writes and reads for 3,000 operations; the memo keys
    # stay small because everything before the frontier is linearized.
    specs = []
    t = 0
    for i in range(1500):
        specs.append(f"0 write {i} {i} {t} {t + 2}")
        specs.append(f"1 read _ {i} {t + 1} {t + 3}")
        t += 4
    good = ops(*specs)
    assert check(good, REGISTER, prune=prune).verdict is Verdict.VALID
    bad = ops(*specs[:-1], f"1 read _ 7 {t - 3} {t - 1}")
    result = check(bad, REGISTER, prune=prune)
    assert result.verdict is Verdict.INVALID
    counterexample = result.keys[0].counterexample
    assert counterexample is not None
    assert counterexample.prefixes[0].length == len(specs) - 1


@pytest.mark.timeout(120)
def test_a_worker_that_dies_gives_unknown_not_a_crash() -> None:
    import os

    from checkers.linearizable import Input, Output, model

    parent = os.getpid()

    def step(state: int, input: Input, output: Output) -> tuple[bool, int]:
        if os.getpid() != parent and input.key == "doomed":
            os._exit(3)  # the worker process dies mid-check
        return True, state

    dying = model("dying", init=lambda: 0, step=step)
    h = ops('0 write 1 1 0 1 "doomed"', '1 write 1 1 0 1 "fine"')
    result = check(h, dying, workers=2)
    assert result.verdict is Verdict.UNKNOWN
    reasons = {k.key: k.reason for k in result.keys}
    assert reasons["doomed"] is UnknownReason.WORKER_FAILED


def test_models_own_pruning_rules_for_queues_and_sets() -> None:
    queue = get_model("fifo-queue")
    h = ops(
        "0 enqueue 1 1 0 1",
        "1 enqueue 2 _ 2 _",
        "2 enqueue 3 _ 3 _",
        "3 dequeue _ 1 4 5",
        "3 dequeue _ 3 6 7",
    )
    result = check(h, queue, prune=True)
    assert result.verdict is Verdict.VALID
    assert result.keys[0].pruned == 1  # enqueue 2 was never dequeued; enqueue 3 was
    s = get_model("set")
    h = ops("0 add 1 1 0 1", "1 add 2 _ 2 _", "2 read _ [1] 3 4")
    result = check(h, s, prune=True)
    assert result.verdict is Verdict.VALID
    assert result.keys[0].pruned == 1


def test_a_failing_user_pruning_rule_prunes_nothing() -> None:
    from dataclasses import replace

    def broken(pairs: object) -> list[bool]:
        raise RuntimeError("bug")

    queue = replace(get_model("fifo-queue"), prunable=broken)
    h = ops("0 enqueue 1 1 0 1", "1 enqueue 2 _ 2 _", "3 dequeue _ 1 4 5")
    result = check(h, queue, prune=True)
    assert result.verdict is Verdict.VALID
    assert result.keys[0].pruned == 0
