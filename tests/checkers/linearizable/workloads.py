"""One simulated workload per built-in model (see ``simulate.py``)."""

from __future__ import annotations

import random
from collections.abc import Callable

from harness.kernel.jsontypes import JSON, Scalar
from harness.kernel.ops import OpType
from tests.checkers.linearizable.simulate import State, Workload

Fresh = Callable[[], int]
SMALL = [1, 2, 3]


def _flip(type: OpType) -> OpType:
    return OpType.FAIL if type is OpType.OK else OpType.OK


def register_workload(*, cas: bool, init: JSON, nil_reads: bool, unique: bool) -> Workload:
    """Reads, writes (and cas); ``unique`` writes fresh values (pruning-friendly shapes)."""

    def value(rng: random.Random, fresh: Fresh) -> JSON:
        return fresh() if unique else rng.choice(SMALL)

    def invoke(rng: random.Random, fresh: Fresh) -> tuple[str, JSON, Scalar]:
        r = rng.random()
        if r < 0.4:
            return "read", None, None
        if r < 0.7 or not cas:
            return "write", value(rng, fresh), None
        return "cas", [rng.choice([init, *SMALL]), value(rng, fresh)], None

    def apply(state: State, f: str, v: JSON) -> tuple[State, OpType, JSON]:
        if f == "read":
            return state, OpType.OK, state  # type: ignore[return-value]
        if f == "write":
            return v, OpType.OK, v
        assert isinstance(v, list)
        if state == v[0]:
            return v[1], OpType.OK, v
        return state, OpType.FAIL, v

    def corrupt(
        rng: random.Random, f: str, v: JSON, type: OpType, out: JSON
    ) -> tuple[OpType, JSON]:
        if f == "read":
            choices: list[JSON] = [None, *SMALL] if nil_reads or init is None else [*SMALL]
            return type, rng.choice([*choices, 4])
        if f == "cas":
            return _flip(type), out
        return type, out

    return Workload(init=lambda: init, invoke=invoke, apply=apply, corrupt=corrupt)


def multi_register_workload(*, default: JSON) -> Workload:
    keys = ["x", "y", "z"]

    def invoke(rng: random.Random, fresh: Fresh) -> tuple[str, JSON, Scalar]:
        micros: list[JSON] = []
        for k in rng.sample(keys, rng.choice([1, 1, 2])):
            if rng.random() < 0.5:
                micros.append(["read", k, None])
            else:
                micros.append(["write", k, rng.choice(SMALL)])
        return "txn", micros, None

    def apply(state: State, f: str, v: JSON) -> tuple[State, OpType, JSON]:
        assert isinstance(state, dict) and isinstance(v, list)
        values = dict(state)
        out: list[JSON] = []
        for micro in v:
            assert isinstance(micro, list)
            mf, k, val = micro
            assert isinstance(k, str)
            if mf == "write":
                values[k] = val
                out.append(micro)
            else:
                out.append(["read", k, values.get(k, default)])
        return values, OpType.OK, out

    def corrupt(
        rng: random.Random, f: str, v: JSON, type: OpType, out: JSON
    ) -> tuple[OpType, JSON]:
        assert isinstance(out, list)
        changed: list[JSON] = []
        for micro in out:
            assert isinstance(micro, list)
            if micro[0] == "read":
                changed.append(["read", micro[1], rng.choice([None, *SMALL])])
            else:
                changed.append(micro)
        return type, changed

    return Workload(init=dict, invoke=invoke, apply=apply, corrupt=corrupt)


KV_PIECES = ["x", "y", "xy", "yx", "", "xyx"]
"""Values whose concatenations can be split in several ways (to exercise the kv refinement)."""


def kv_workload(unique: bool = False) -> Workload:
    def invoke(rng: random.Random, fresh: Fresh) -> tuple[str, JSON, Scalar]:
        key = rng.choice(["a", "b"])
        f = rng.choice(["get", "get", "put", "append", "append"])
        if f == "get":
            return f, None, key
        if unique and rng.random() < 0.7:
            return f, f"<{fresh()}>", key
        return f, rng.choice(KV_PIECES), key

    def apply(state: State, f: str, v: JSON) -> tuple[State, OpType, JSON]:
        assert isinstance(state, str)
        if f == "get":
            return state, OpType.OK, state
        assert isinstance(v, str)
        after = v if f == "put" else state + v
        return after, OpType.OK, None

    def corrupt(
        rng: random.Random, f: str, v: JSON, type: OpType, out: JSON
    ) -> tuple[OpType, JSON]:
        if f == "get":
            return type, rng.choice([None, "", "x", "y", "xy", "yx"])
        return type, out

    return Workload(init=str, invoke=invoke, apply=apply, corrupt=corrupt)


def mutex_workload() -> Workload:
    def invoke(rng: random.Random, fresh: Fresh) -> tuple[str, JSON, Scalar]:
        return rng.choice(["acquire", "release"]), None, None

    def apply(state: State, f: str, v: JSON) -> tuple[State, OpType, JSON]:
        if f == "acquire":
            return (True, OpType.FAIL if state else OpType.OK, None)
        return (False, OpType.OK if state else OpType.FAIL, None)

    def corrupt(
        rng: random.Random, f: str, v: JSON, type: OpType, out: JSON
    ) -> tuple[OpType, JSON]:
        return _flip(type), out

    return Workload(init=lambda: False, invoke=invoke, apply=apply, corrupt=corrupt)


def queue_workload() -> Workload:
    def invoke(rng: random.Random, fresh: Fresh) -> tuple[str, JSON, Scalar]:
        if rng.random() < 0.5:
            return "enqueue", fresh(), None
        return "dequeue", None, None

    def apply(state: State, f: str, v: JSON) -> tuple[State, OpType, JSON]:
        assert isinstance(state, tuple)
        if f == "enqueue":
            return (*state, v), OpType.OK, v
        if not state:
            return state, OpType.OK, None
        return state[1:], OpType.OK, state[0]

    def corrupt(
        rng: random.Random, f: str, v: JSON, type: OpType, out: JSON
    ) -> tuple[OpType, JSON]:
        if f == "dequeue":
            return type, rng.choice([None, 1, 2, 3])
        return type, out

    return Workload(init=tuple, invoke=invoke, apply=apply, corrupt=corrupt)


def set_workload() -> Workload:
    def invoke(rng: random.Random, fresh: Fresh) -> tuple[str, JSON, Scalar]:
        if rng.random() < 0.5:
            return "add", rng.choice(SMALL), None
        return "read", None, None

    def apply(state: State, f: str, v: JSON) -> tuple[State, OpType, JSON]:
        assert isinstance(state, frozenset)
        if f == "add":
            return state | {v}, OpType.OK, v
        return state, OpType.OK, sorted(state)

    def corrupt(
        rng: random.Random, f: str, v: JSON, type: OpType, out: JSON
    ) -> tuple[OpType, JSON]:
        if f == "read":
            read: list[JSON] = [*sorted(set(rng.sample(SMALL, rng.randrange(len(SMALL) + 1))))]
            return type, read
        return type, out

    return Workload(init=frozenset, invoke=invoke, apply=apply, corrupt=corrupt)


def workload_for(model_name: str, *, unique: bool = False) -> Workload:
    """The workload that exercises the built-in model ``model_name``."""
    if model_name == "register":
        return register_workload(cas=False, init=None, nil_reads=False, unique=unique)
    if model_name == "cas-register":
        return register_workload(cas=True, init=None, nil_reads=False, unique=unique)
    if model_name == "knossos-cas-register":
        return register_workload(cas=True, init=0, nil_reads=True, unique=unique)
    if model_name == "multi-register":
        return multi_register_workload(default=None)
    if model_name == "knossos-multi-register":
        return multi_register_workload(default=0)
    if model_name == "kv":
        return kv_workload(unique)
    if model_name == "mutex":
        return mutex_workload()
    if model_name == "fifo-queue":
        return queue_workload()
    if model_name == "set":
        return set_workload()
    raise ValueError(f"no workload for model {model_name!r}")


__all__ = ["workload_for"]
