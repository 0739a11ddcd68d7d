from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from harness.kernel.clock import ManualClock
from harness.kernel.config import TestConfig
from harness.kernel.context import RunContext
from harness.kernel.nodes import ExecResult, ProcessHandle
from harness.kernel.ops import Op, OpType
from harness.kernel.protocols import (
    ContractError,
    Killable,
    NoopClient,
    NoopDB,
    NoopNemesis,
    ValidatingClient,
    complete,
)


class _NoRuntime:
    nodes: Sequence[str] = ("n1",)
    controller_address = "10.0.0.254"

    def address(self, node: str) -> str:
        return "10.0.0.1"

    def exec(self, node: str, argv: Sequence[str], **kw: object) -> ExecResult:
        raise AssertionError("not used")

    def spawn(self, node: str, name: str, argv: Sequence[str], **kw: object) -> ProcessHandle:
        raise AssertionError("not used")

    def processes(self) -> Sequence[ProcessHandle]:
        return ()


def _ctx(tmp_path: Path) -> RunContext:
    return RunContext(
        test=TestConfig(name="t", target="noop", workload="noop"),
        runtime=_NoRuntime(),  # type: ignore[arg-type]
        db=NoopDB(),
        run_dir=tmp_path,
        clock=ManualClock(),
        rng=random.Random(1),
        log=logging.getLogger("t"),
    )


def _invoke(process: int = 0, f: str = "read") -> Op:
    return Op(index=0, time=0, type=OpType.INVOKE, process=process, f=f, value=3)


class _BadClient(NoopClient):
    def __init__(self, change: dict[str, object]) -> None:
        self.change = change

    def open(self, ctx: RunContext, node: str) -> _BadClient:
        return self

    def invoke(self, ctx: RunContext, op: Op) -> Op:
        return dataclasses.replace(op, **self.change)  # type: ignore[arg-type]


def test_noop_client_completes_ok_with_the_value(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    client = ValidatingClient(NoopClient()).open(ctx, "n1")
    done = client.invoke(ctx, _invoke())
    assert (done.type, done.value, done.process, done.f) == (OpType.OK, 3, 0, "read")


@pytest.mark.parametrize(
    "change",
    [{"process": 1}, {"f": "write"}, {"type": OpType.INVOKE}],
)
def test_validating_client_rejects_broken_completions(
    tmp_path: Path, change: dict[str, object]
) -> None:
    ctx = _ctx(tmp_path)
    change = {"type": OpType.OK, **change}
    client = ValidatingClient(_BadClient(change)).open(ctx, "n1")
    with pytest.raises(ContractError):
        client.invoke(ctx, _invoke())


def test_validating_client_must_be_opened_and_not_closed(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    with pytest.raises(ContractError, match="never opened"):
        ValidatingClient(NoopClient()).invoke(ctx, _invoke())
    opened = ValidatingClient(NoopClient()).open(ctx, "n1")
    opened.close(ctx)
    with pytest.raises(ContractError, match="closed"):
        opened.invoke(ctx, _invoke())


def test_complete_keeps_identity_and_sets_error() -> None:
    op = dataclasses.replace(_invoke(), key=7, node="n2")
    done = complete(op, OpType.FAIL, None, error="no leader")
    assert (done.key, done.node, done.error, done.type) == (7, "n2", "no leader", OpType.FAIL)


def test_noop_nemesis_records_info_and_db_is_not_killable(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    nem = NoopNemesis().setup(ctx)
    op = Op(index=0, time=0, type=OpType.INVOKE, process="nemesis", f="start", value=None)
    assert nem.invoke(ctx, op).type is OpType.INFO
    assert not isinstance(NoopDB(), Killable)


def test_config_json_round_trips_options() -> None:
    cfg = TestConfig(name="t", target="raftkv", workload="register", target_options=(("a", "1"),))
    assert cfg.to_json()["target_options"] == {"a": "1"}
    assert cfg.target_option("a") == "1" and cfg.target_option("b", "x") == "x"


def test_the_protocols_import_no_checker() -> None:
    """harness.kernel.protocols is below the checkers (which import it): no import cycle."""
    import subprocess
    import sys

    code = ("import sys, harness.kernel.protocols; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('checkers', 'workloads')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    from checkers.verdict import Verdict as Reexported
    from harness.kernel.verdict import Verdict

    assert Reexported is Verdict
