"""Generated get/put/append histories shaped like Porcupine's kv tests (``test_data/kv``: 1, 10 or
50 clients, 10 keys, about half appends, 46% gets and 4% puts, each append value unique, each op
on one key), for tests and ``bench/kv_bench.py``.

A seeded simulation of a linearizable store: each client invokes an op, the op takes effect at a
random point of its interval and completes later. Faults make chosen keys invalid:

- ``lost``: one get on the key misses an append that completed before the get was invoked (the
  kind a stale-read bug gives; decided in well under a second);
- ``hard``: before anything else, on this key, every client appends at once with long, overlapping
  intervals and no get in between, then a get returns a value with an append that never
  happened: refuting it by search means trying the orders of the concurrent appends. It comes
  first, so that checking keys one after another would spend the whole budget on it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from harness.kernel.history import History, history_of
from harness.kernel.ops import Op, OpType


def kv_history(
    *,
    clients: int,
    ops_per_client: int,
    keys: int = 10,
    seed: int = 0,
    lost: Sequence[int] = (),
    hard: int | None = None,
    hard_appends: int = 40,
) -> History:
    """A history of ``clients * ops_per_client`` operations (plus the hard key's, if any).

    ``lost``: keys that get one lost-append anomaly; ``hard``: the key made hard (see module).
    """
    rng = random.Random(seed)
    state = {str(k): "" for k in range(keys)}
    events: list[tuple[float, int, Op]] = []  # (time, order, op) with process etc.
    order = 0
    pending_lost = set(str(k) for k in lost)
    history_of_key: dict[str, list[tuple[float, str]]] = {k: [] for k in state}
    """Per key: (completion time, value) of each put and append, in effect order."""

    def emit(  # noqa: PLR0917
        t: float, kind: OpType, process: int, f: str, key: str, value: str | None
    ) -> None:
        nonlocal order
        order += 1
        events.append((t, order, Op(index=0, time=0, type=kind, process=process, f=f,
                                    key=key, value=value)))

    if hard is not None:  # first, so that the hard key comes first in key order
        key = str(hard)
        for client in range(min(clients, hard_appends)):
            value = f"x {client} hard y"
            emit(0.001 * client, OpType.INVOKE, client, "append", key, value)
            emit(10.0 + 0.001 * client, OpType.OK, client, "append", key, value)
            state[key] += value
        emit(20.0, OpType.INVOKE, 0, "get", key, None)
        emit(21.0, OpType.OK, 0, "get", key, state[key] + "x phantom y")
    offset = 22.0 if hard is not None else 0.0
    # Each client runs its ops one after another; their effects are applied in time order.
    effects: list[tuple[float, int, int, str, str, str | None, float, float]] = []
    for client in range(clients):
        t = offset + rng.random()
        for seq in range(ops_per_client):
            roll = rng.random()
            f = "get" if roll < 0.46 else "put" if roll < 0.50 else "append"
            key = str(rng.randrange(keys))
            if hard is not None and key == str(hard):
                key = str((hard + 1) % keys)
            value = None if f == "get" else f"x {client} {seq} y"
            start = t
            effect = start + rng.uniform(0.05, 0.5)
            end = effect + rng.uniform(0.05, 0.5)
            effects.append((effect, client, seq, f, key, value, start, end))
            t = end + rng.uniform(0.0, 0.5)
    effects.sort()
    for _effect, client, _seq, f, key, value, start, end in effects:
        emit(start, OpType.INVOKE, client, f, key, value)
        if f == "put":
            assert value is not None
            state[key] = value
            history_of_key[key].append((end, value))
            emit(end, OpType.OK, client, f, key, value)
        elif f == "append":
            assert value is not None
            state[key] += value
            history_of_key[key].append((end, value))
            emit(end, OpType.OK, client, f, key, value)
        else:
            seen = state[key]
            appended = [v for done, v in history_of_key[key] if done < start]
            if key in pending_lost and len(appended) >= 3 and appended[-2] in seen:
                # Lose an append that completed before this get began: never linearizable.
                seen = seen.replace(appended[-2], "", 1)
                pending_lost.discard(key)
            emit(end, OpType.OK, client, f, key, seen)
    events.sort(key=lambda e: (e[0], e[1]))
    ops = []
    for index, (t, _, op) in enumerate(events):
        ops.append(Op(index=index, time=int(t * 1e9), type=op.type, process=op.process,
                      f=op.f, key=op.key, value=op.value))
    return history_of(ops)


def _check_shape(history: History) -> None:
    """Every process alternates invoke and completion (pairing raises otherwise)."""
    history.operations()


def porcupine_c50_bad_like(seed: int = 1) -> History:
    """50 clients, 10 keys, appends: keys 1, 2, 4 and 6 lose an append, key 0 is hard."""
    h = kv_history(clients=50, ops_per_client=34, seed=seed, lost=(1, 2, 4, 6), hard=0)
    _check_shape(h)
    return h


__all__ = ["kv_history", "porcupine_c50_bad_like"]
