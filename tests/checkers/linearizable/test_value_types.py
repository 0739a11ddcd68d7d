"""Property: values of different types never compare equal, in any model (harness.kernel.values).

For every built-in model, a history that stores value ``a`` and then observes ``b`` is invalid
whenever ``a`` and ``b`` differ in type, even when Python's ``==`` says they are equal (``1`` and
``True``, ``42`` and ``42.0``, ``:a`` and ``"a"``), and valid when it observes ``a`` itself."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from checkers.linearizable import MODEL_NAMES, check, get_model
from checkers.verdict import Verdict
from harness.kernel.edn import Keyword, SetValue
from harness.kernel.history import history_of
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op, OpType
from harness.kernel.values import freeze, same_value, thaw

Events = list[tuple[int, OpType, str, JSON]]


def _ops(events: Events, key: JSON = None) -> list[Op]:
    return [Op(index=i, time=i, type=t, process=p, f=f, value=v,
               key=key)  # type: ignore[arg-type]
            for i, (p, t, f, v) in enumerate(events)]


def _store_then_observe(f_store: str, f_observe: str, stored: JSON, observed: JSON,
                        observe_arg: JSON = None) -> Events:
    return [(0, OpType.INVOKE, f_store, stored), (0, OpType.OK, f_store, stored),
            (1, OpType.INVOKE, f_observe, observe_arg), (1, OpType.OK, f_observe, observed)]


TEMPLATES: dict[str, Callable[[JSON, JSON], Events]] = {
    "register": lambda a, b: _store_then_observe("write", "read", a, b),
    "cas-register": lambda a, b: _store_then_observe("write", "read", a, b),
    "knossos-cas-register": lambda a, b: _store_then_observe("write", "read", a, b),
    "multi-register": lambda a, b: [
        (0, OpType.INVOKE, "txn", [["w", "x", a]]), (0, OpType.OK, "txn", [["w", "x", a]]),
        (1, OpType.INVOKE, "txn", [["r", "x", None]]), (1, OpType.OK, "txn", [["r", "x", b]])],
    "knossos-multi-register": lambda a, b: [
        (0, OpType.INVOKE, "txn", [[Keyword("w"), "x", a]]),
        (0, OpType.OK, "txn", [[Keyword("w"), "x", a]]),
        (1, OpType.INVOKE, "txn", [[Keyword("r"), "x", None]]),
        (1, OpType.OK, "txn", [[Keyword("r"), "x", b]])],
    "set": lambda a, b: _store_then_observe("add", "read", a, [b]),
    "fifo-queue": lambda a, b: _store_then_observe("enqueue", "dequeue", a, b),
    "kv": lambda a, b: _store_then_observe("put", "get", a, b),
}

# Pairs that Python's == confuses, and values built from them.
confusable = st.sampled_from([
    (1, True), (0, False), (42, 42.0), (1.0, True), (Keyword("a"), "a"), (0, 0.0),
    ([1], [True]), ({"k": 1}, {"k": 1.0}), ([Keyword("x")], ["x"]), ({"a": 1}, [["a", 1]]),
    (SetValue([1, 2]), [1, 2]), (SetValue([]), []), (SetValue([1]), SetValue([True])),
    (SetValue([Keyword("a")]), ["a"]),
])


@st.composite
def confused(draw: st.DrawFn) -> tuple[JSON, JSON]:
    a, b = draw(confusable)
    if draw(st.booleans()):
        a, b = b, a
    depth = draw(st.integers(0, 2))
    for _ in range(depth):
        a, b = [a], [b]
    return a, b


def test_every_model_has_a_template() -> None:
    assert set(TEMPLATES) | {"mutex"} == set(MODEL_NAMES)  # a mutex holds no values


@given(pair=confused())
def test_freeze_keeps_types_apart(pair: tuple[JSON, JSON]) -> None:
    a, b = pair
    assert a == b or "{" in repr(a) + repr(b)  # Python agrees (maps fooled the old freeze)
    assert not same_value(a, b)
    assert freeze(a) != freeze(b) and {freeze(a), freeze(b)} != {freeze(a)}
    assert same_value(thaw(freeze(a)), a)


@given(pair=confused(), name=st.sampled_from(sorted(TEMPLATES)))
def test_no_model_confuses_types(pair: tuple[JSON, JSON], name: str) -> None:
    a, b = pair
    if name == "kv":  # values are strings: a get returns something that is not that string
        a, b = "1", (Keyword("1") if isinstance(b, str) else b)
    model = get_model(name)
    events = TEMPLATES[name](a, b)
    result = check(history_of(_ops(events)), model, time_limit=10.0)
    assert result.verdict is Verdict.INVALID, (name, a, b)
    same = TEMPLATES[name](a, a)
    assert check(history_of(_ops(same)), model, time_limit=10.0).verdict is Verdict.VALID


@given(pair=confused())
def test_keys_of_different_types_are_different_keys(pair: tuple[JSON, JSON]) -> None:
    a, b = pair
    if isinstance(a, list | dict) or isinstance(b, list | dict):
        return
    events = _store_then_observe("write", "read", 5, None)
    ops = _ops(events[:2], key=a) + [
        Op(index=2 + i, time=2 + i, type=t, process=p, f=f, value=v,
           key=b)  # type: ignore[arg-type]
        for i, (p, t, f, v) in enumerate(_store_then_observe("write", "read", 5, 5)[2:])]
    # Key b was never written: its read of 5 is invalid if b is not the same key as a.
    result = check(history_of(ops), get_model("register"), time_limit=10.0)
    assert result.verdict is Verdict.INVALID and len(result.keys) == 2


def test_sets_equal_in_any_order_and_never_a_list() -> None:
    assert same_value(SetValue([1, 2]), SetValue([2, 1]))
    assert same_value(SetValue([[1], {"a": 2}]), SetValue([{"a": 2}, [1]]))
    assert not same_value(SetValue([1, 2]), [1, 2]) and not same_value([1, 2], [2, 1])
    assert not same_value(SetValue([1, 2]), SetValue([1, 2, 3]))
    assert isinstance(thaw(freeze(SetValue([2, 1]))), SetValue)
    for name, observed, verdict in (("register", SetValue([2, 1]), Verdict.VALID),
                                    ("register", [1, 2], Verdict.INVALID),
                                    ("cas-register", SetValue([1]), Verdict.INVALID)):
        events = _store_then_observe("write", "read", SetValue([1, 2]), observed)
        result = check(history_of(_ops(events)), get_model(name), time_limit=10.0)
        assert result.verdict is verdict, (name, observed)
    for read, verdict in ((SetValue([2, 1]), Verdict.VALID), ([2, 1], Verdict.VALID),
                          (SetValue([1, 3]), Verdict.INVALID)):
        events = [(0, OpType.INVOKE, "add", 1), (0, OpType.OK, "add", 1),
                  (0, OpType.INVOKE, "add", 2), (0, OpType.OK, "add", 2),
                  (1, OpType.INVOKE, "read", None), (1, OpType.OK, "read", read)]
        result = check(history_of(_ops(events)), get_model("set"), time_limit=10.0)
        assert result.verdict is verdict, read  # the set model reads lists and sets as sets
