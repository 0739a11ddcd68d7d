from __future__ import annotations

import redis
from redis.sentinel import MasterNotFoundError

from harness.kernel.ops import Op, OpType
from targets.redis.workload_clients import ERRORS, Rejected, _definite


def _add() -> Op:
    return Op(index=0, time=0, type=OpType.INVOKE, process=0, f="add", value=1)


def test_error_replies_and_demotions_are_definite() -> None:
    assert isinstance(_definite(redis.ResponseError("NOREPLICAS")), Rejected)
    demoted = redis.ConnectionError("The previous master is now a slave")
    assert isinstance(_definite(demoted), Rejected)
    timeout = redis.TimeoutError("Timeout reading from socket")
    assert _definite(timeout) is timeout


def test_outcomes() -> None:
    cases = [
        (Rejected("READONLY"), OpType.FAIL),
        (MasterNotFoundError("no master"), OpType.FAIL),
        (redis.ConnectionError("reset"), OpType.INFO),
        (redis.TimeoutError("timeout"), OpType.INFO),
    ]
    for error, kind in cases:
        done = ERRORS.completion(_add(), error, "n1")
        assert done is not None and done.type is kind, error
