"""Each built-in model's sequential semantics, step by step."""

from __future__ import annotations

from collections.abc import Hashable

import pytest

from checkers.linearizable import MODEL_NAMES, UNKNOWN, Input, Model, Output, freeze, get_model


def run(model: Model[Hashable], *steps: tuple[str, object, object]) -> tuple[bool, Hashable]:
    """Apply ``(f, value, output)`` steps from the initial state; stop at the first illegal one."""
    state = model.init()
    for f, value, output in steps:
        out: Output = output if output is UNKNOWN else freeze(output)  # type: ignore[arg-type]
        legal, state = model.step(state, Input(f=f, value=freeze(value)), out)  # type: ignore[arg-type]
        if not legal:
            return False, state
    return True, state


def test_model_names_cover_every_model() -> None:
    assert set(MODEL_NAMES) == {
        "register",
        "cas-register",
        "knossos-cas-register",
        "multi-register",
        "knossos-multi-register",
        "kv",
        "mutex",
        "fifo-queue",
        "set",
    }
    for name in MODEL_NAMES:
        assert get_model(name).name == name


def test_unknown_model_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown model 'nope'; known models: register"):
        get_model("nope")


def test_register_starts_absent_and_nil_read_means_absent() -> None:
    m = get_model("register")
    assert run(m, ("read", None, None)) == (True, None)
    assert run(m, ("write", 1, 1), ("read", None, 1)) == (True, 1)
    assert run(m, ("write", 1, 1), ("read", None, None))[0] is False
    assert run(m, ("write", 1, 1), ("read", None, 2))[0] is False
    assert run(m, ("write", 1, 1), ("read", None, UNKNOWN)) == (True, 1)
    with pytest.raises(ValueError, match="register: unknown operation 'cas'"):
        run(m, ("cas", [None, 1], None))


def test_cas_register() -> None:
    m = get_model("cas-register")
    assert run(m, ("cas", [None, 1], None), ("read", None, 1)) == (True, 1)
    assert run(m, ("write", 2, 2), ("cas", [1, 3], None))[0] is False
    assert run(m, ("write", 1, 1), ("cas", [1, 3], UNKNOWN)) == (True, 3)
    with pytest.raises(ValueError, match=r"cas value must be \[expected, new\]"):
        run(m, ("cas", 5, None))


def test_knossos_cas_register_starts_at_zero_and_nil_reads_match_anything() -> None:
    m = get_model("knossos-cas-register")
    assert run(m, ("read", None, 0)) == (True, 0)
    assert run(m, ("write", 3, 3), ("read", None, None)) == (True, 3)
    assert run(m, ("cas", [0, 2], None), ("read", None, 2)) == (True, 2)
    assert run(m, ("read", None, 1))[0] is False


def test_multi_register_txn() -> None:
    m = get_model("multi-register")
    legal, state = run(
        m,
        ("txn", [["write", "x", 1]], [["write", "x", 1]]),
        (
            "txn",
            [["read", "x", None], ["read", "y", None]],
            [["read", "x", 1], ["read", "y", None]],
        ),
    )
    assert legal and state == (("x", 1),)
    assert run(m, ("txn", [["read", "x", None]], [["read", "x", 2]]))[0] is False
    # An indeterminate txn applies its writes and constrains no read.
    assert run(m, ("txn", [["read", "y", None], ["write", "x", 5]], UNKNOWN)) == (
        True,
        (("x", 5),),
    )
    with pytest.raises(ValueError, match="txn micro-op"):
        run(m, ("txn", [["delete", "x", None]], [["delete", "x", None]]))


def test_knossos_multi_register_defaults_to_zero() -> None:
    m = get_model("knossos-multi-register")
    assert run(m, ("txn", [["read", "x", None]], [["read", "x", 0]]))[0] is True
    assert run(m, ("txn", [["read", "x", None]], [["read", "x", None]]))[0] is True
    assert run(m, ("txn", [["read", "x", None]], [["read", "x", 1]]))[0] is False


def test_kv_get_put_append() -> None:
    m = get_model("kv")
    assert run(m, ("get", None, "")) == (True, "")
    assert run(m, ("get", None, None)) == (True, "")
    assert run(m, ("put", "a", None), ("append", "b", None), ("get", None, "ab")) == (True, "ab")
    assert run(m, ("put", "a", None), ("get", None, "b"))[0] is False
    with pytest.raises(ValueError, match="kv: put value must be a string"):
        run(m, ("put", 3, None))


def test_mutex() -> None:
    m = get_model("mutex")
    assert run(m, ("acquire", None, None), ("release", None, None)) == (True, False)
    assert run(m, ("acquire", None, None), ("acquire", None, None))[0] is False
    assert run(m, ("release", None, None))[0] is False


def test_fifo_queue() -> None:
    m = get_model("fifo-queue")
    assert run(m, ("enqueue", 1, 1), ("enqueue", 2, 2), ("dequeue", None, 1)) == (True, (2,))
    assert run(m, ("enqueue", 1, 1), ("dequeue", None, 2))[0] is False
    assert run(m, ("dequeue", None, None)) == (True, ())
    assert run(m, ("enqueue", 1, 1), ("dequeue", None, None))[0] is False
    assert run(m, ("enqueue", 1, 1), ("dequeue", None, UNKNOWN)) == (True, ())


def test_set() -> None:
    m = get_model("set")
    assert run(m, ("add", 1, 1), ("add", 2, 2), ("read", None, [2, 1])) == (True, frozenset({1, 2}))
    assert run(m, ("add", 1, 1), ("read", None, []))[0] is False
    assert run(m, ("read", None, UNKNOWN)) == (True, frozenset())


def test_a_user_model_in_a_few_lines() -> None:
    from checkers.linearizable import check, model
    from tests.checkers.linearizable.ops import ops

    def step(state: int, input: Input, output: Output) -> tuple[bool, int]:
        if input.f == "incr":
            return True, state + 1
        return output is UNKNOWN or output == state, state

    counter = model("counter", init=lambda: 0, step=step)
    good = ops("0 incr _ _ 0 1", "1 get _ 1 2 3")
    bad = ops("0 incr _ _ 0 1", "1 get _ 2 2 3")
    assert check(good, counter).verdict.value == "valid"
    assert check(bad, counter).verdict.value == "invalid"


def test_multi_register_describes_transactions_compactly() -> None:
    m = get_model("multi-register")
    txn = freeze([["read", "x", None], ["write", "y", 3]])
    done = freeze([["read", "x", 2], ["write", "y", 3]])
    assert m.describe_operation(Input(f="txn", value=txn), done) == "txn[r x 2, w y 3]"
    assert m.describe_operation(Input(f="txn", value=txn), UNKNOWN) == "txn[r x ?, w y 3]"
    assert m.describe_state((("x", 1),)) == "{x: 1} (others nil)"
