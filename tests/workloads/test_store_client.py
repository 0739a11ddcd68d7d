"""The shared store client: opened per node, known errors become completions, close once."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import complete
from tests.workloads.fakes import ERRORS, DefiniteError, context, invoke
from workloads.store_client import StoreClient


class Store:
    def __init__(self, node: str, fail: BaseException | None = None) -> None:
        self.node = node
        self.fail = fail
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class EchoClient(StoreClient[Store]):
    def apply(self, store: Store, op: Op) -> Op:
        if store.fail is not None:
            raise store.fail
        return complete(op, OpType.OK, store.node, node=self._node)


def test_open_connects_to_the_node_and_close_closes_once(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    stores: list[Store] = []
    template = EchoClient(lambda c, n: stores.append(Store(n)) or stores[-1], ERRORS)
    client = template.open(ctx, "n2")
    assert isinstance(client, EchoClient) and client is not template
    done = client.invoke(ctx, invoke("read", None))
    assert (done.type, done.value, done.node) == (OpType.OK, "n2", "n2")
    client.close(ctx)
    client.close(ctx)
    assert [s.closed for s in stores] == [1]


def test_known_errors_complete_and_others_propagate(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    failing = EchoClient(lambda c, n: Store(n, DefiniteError("refused")), ERRORS).open(ctx, "n1")
    done = failing.invoke(ctx, invoke("read", None))
    assert (done.type, done.error) == (OpType.FAIL, "refused")
    buggy = EchoClient(lambda c, n: Store(n, RuntimeError("bug")), ERRORS).open(ctx, "n1")
    with pytest.raises(RuntimeError, match="bug"):
        buggy.invoke(ctx, invoke("read", None))
    with pytest.raises(AssertionError, match="not opened"):
        EchoClient(lambda c, n: Store(n), ERRORS).invoke(ctx, invoke("read", None))
