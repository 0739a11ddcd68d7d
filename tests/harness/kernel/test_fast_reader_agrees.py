"""Issue #15, "Must show": the fast history reader (whole-file msgspec decoding, bulk pairing)
changes no verdict and no finding. Every reader of a stored run (``splitbrain check``,
``analyze``, the report and the gate) is run on stored runs of each workload twice: with the
fast path and with the line-by-line reader it replaced, and what they say must be the same.
Also: for any well-formed or corrupted file, both readings give the same history or the same
error (file, line, field, message)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkers.elle.simulate import Isolation, SimConfig, simulate, to_history
from harness.cli import cli
from harness.kernel import jsonl
from harness.kernel.config import TestConfig
from harness.kernel.errors import HistoryFormatError
from harness.kernel.history import History
from harness.kernel.jsonl import encode_line, read_jsonl, read_jsonl_by_line, write_jsonl
from harness.kernel.jsontypes import JSON
from harness.kernel.ops import Op
from harness.shell.analysis import _untimed, analyze, check_history, write_results
from harness.shell.gate._figures import run_figures
from harness.shell.run_results import RunResults
from harness.shell.store import write_json
from reports import load_run, render
from tests.checkers.eventual.simulated import Shape
from tests.checkers.eventual.simulated import simulate as simulate_set
from tests.harness.kernel.test_readers_agree import histories
from tests.reports.runs import counter_history, register_history
from workloads.registry import get_workload

CASES: dict[str, tuple[str, str | None, Callable[[], History]]] = {
    # name: (workload, model for ``splitbrain check`` or None, history)
    "register-valid": ("register", "cas-register",
                       lambda: register_history(3000, seed=3, keys=4, fault_every=300)),
    "register-stale": ("register", "cas-register",
                       lambda: register_history(600, seed=5, keys=4, stale_reads=0.02)),
    "set-compact": ("set", "set", lambda: simulate_set(Shape(operations=1500, seed=4),
                                                       compact=True)),
    "set-plain": ("set", "set", lambda: simulate_set(Shape(operations=800, seed=7),
                                                     compact=False)),
    "counter-valid": ("counter", None, lambda: counter_history(1500)),
    "counter-drift": ("counter", None, lambda: counter_history(1500, seed=6, drift=2)),
    "list-append-serializable": ("list-append", "list-append", lambda: to_history(list(
        simulate(SimConfig(isolation=Isolation.SERIALIZABLE, txns=800, seed=2))))),
    "list-append-read-committed": ("list-append", "list-append", lambda: to_history(list(
        simulate(SimConfig(isolation=Isolation.READ_COMMITTED, txns=800, seed=3))))),
}


@pytest.fixture
def by_line(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], None]]:
    """``use(True)``: every reader goes through the line-by-line reader (the old reading)."""
    fast = jsonl._read_fast

    def use(old: bool) -> None:
        monkeypatch.setattr(jsonl, "_read_fast", (lambda data, name: None) if old else fast)

    yield use


def _stored_run(root: Path, name: str) -> tuple[Path, str | None]:
    workload, model, make = CASES[name]
    run_dir = root / name
    run_dir.mkdir(parents=True)
    test = TestConfig(name=name, target="raftkv", workload=workload, nemesis=("partition",),
                      concurrency=10, time_limit=10, store=root)
    write_json(run_dir / "test.json", {"test": test.to_json(), "seed": 0})
    write_jsonl(run_dir / "history.jsonl", make().ops)
    history = read_jsonl_by_line(run_dir / "history.jsonl")  # judged by the old reading
    write_results(run_dir / "results.json", check_history(test, get_workload(test), history))
    return run_dir, model


def _check_output(path: Path, model: str) -> tuple[int, JSON]:
    result = CliRunner().invoke(cli, ["check", "--json", "--model", model, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, _untimed(json.loads(result.stdout))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_reader_says_the_same_with_the_fast_reader(
        name: str, tmp_path: Path, by_line: Callable[[bool], None]) -> None:
    run_dir, model = _stored_run(tmp_path, name)
    path = run_dir / "history.jsonl"
    assert jsonl._read_fast(path.read_bytes(), str(path)) is not None  # the fast path is taken
    old, new = read_jsonl_by_line(path), read_jsonl(path)
    assert new == old and new.lines == old.lines and new.operations() == old.operations()

    said = {}
    stored = (run_dir / "results.json").read_bytes()
    for old_reading in (True, False):
        by_line(old_reading)
        (run_dir / "results.json").write_bytes(stored)  # as the run left it (analyze rewrites it)
        results = RunResults.from_json(json.loads(stored))
        page, info = render(load_run(run_dir))
        said[old_reading] = {
            "check": _check_output(path, model) if model else None,
            "gate": run_figures(run_dir, results),
            "report": (page, info.verdict, info.shown, info.operations),
            "analyze": analyze(run_dir).changed,  # rewrites results.json: last
        }
    assert said[False] == said[True]
    assert said[False]["analyze"] is False  # reproduces the results the old reading wrote
    assert said[False]["report"][1] == json.loads(stored)["verdict"]


def _outcome(path: Path, reader: Callable[[Path], History]) -> object:
    try:
        history = reader(path)
    except HistoryFormatError as e:
        return ("error", e.describe())
    return (history, history.lines)


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(ops=histories(), data=st.data())
def test_fast_and_line_by_line_readers_agree_on_any_file(
        ops: list[Op], data: st.DataObject, tmp_path: Path) -> None:
    raw = bytearray(b"".join(encode_line(op) for op in ops))
    for _ in range(data.draw(st.integers(0, 3))):  # corrupt a few bytes (or not)
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.sampled_from(b' \n{}[],:"0123456789-.etnafluxr\\\xff'))
    path = tmp_path / "history.jsonl"
    path.write_bytes(bytes(raw))
    assert _outcome(path, read_jsonl) == _outcome(path, read_jsonl_by_line)


_A = b'{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}'
_B = b'{"index":1,"time":1,"type":"ok","process":0,"f":"read","value":"} {"}'
_C = b'{"index":2,"time":2,"type":"invoke","process":1,"f":"read"}'


@pytest.mark.parametrize("raw", [
    _A + b" " + _B + b"\n\n" + _C + b"\n",  # two on a line and a blank line: as many rows
    _A + b"\r" + _B + b"\n \n" + _C,
    _A + b"\n" + _B + b"\n" + _C + b"\n",  # a string that looks like two objects
    _A + b"\n\n" + _B + b"\n",  # a blank line: later line numbers count it
    b"\xef\xbb\xbf" + _A + b"\r\n" + _B + b"\r\n",
    _A + b"\n" + _B.replace(b'"value":"} {"', b'"value":[1\n,2]') + b"\n",
])
def test_tricky_lines_read_as_the_line_by_line_reader_reads_them(raw: bytes,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_bytes(raw)
    assert _outcome(path, read_jsonl) == _outcome(path, read_jsonl_by_line)
