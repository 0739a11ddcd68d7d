from __future__ import annotations

import pytest

from harness.kernel.config import RuntimeKind, TestConfig, options
from harness.kernel.nodes import RuntimeOptionError
from harness.shell.runtime.faults import Fault, faults_of
from harness.shell.runtime.registry import (
    RUNTIMES,
    RuntimeSpec,
    capability_table,
    get_spec,
    validate,
)


def _test(**kw: object) -> TestConfig:
    return TestConfig(name="t", target="raftkv", workload="register", **kw)  # type: ignore[arg-type]


def test_nemesis_names_map_onto_faults() -> None:
    assert faults_of(["partition", "packet"]) == {Fault.PARTITION, Fault.LOSS, Fault.BANDWIDTH,
                                                  Fault.DELAY}
    assert faults_of(["none", "some-plugin"]) == frozenset()


def test_netns_supports_every_fault_and_no_options() -> None:
    spec = validate(_test(nemesis=("partition", "kill", "pause", "clock", "packet")))
    assert spec.kind is RuntimeKind.NETNS and set(spec.faults) == set(Fault)
    with pytest.raises(RuntimeOptionError, match="no option image"):
        validate(_test(runtime_options=options({"image": "x"})))


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(RuntimeOptionError, match="unknown runtime 'vm'; known: netns"):
        get_spec("vm")


def test_a_fault_the_runtime_cannot_inject_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    netns = get_spec(RuntimeKind.NETNS)
    limited = RuntimeSpec(
        kind=RuntimeKind.DOCKER, summary="s", create=netns.create, cleanup=netns.cleanup,
        faults={Fault.PARTITION: "rules"}, unsupported={Fault.CLOCK: "no libfaketime"},
    )
    monkeypatch.setitem(RUNTIMES, RuntimeKind.DOCKER, limited)
    with pytest.raises(RuntimeOptionError, match=r"cannot inject clock \(clock: no libfaketime"):
        validate(_test(runtime=RuntimeKind.DOCKER, nemesis=("partition", "clock")))
    assert validate(_test(runtime=RuntimeKind.DOCKER, nemesis=("partition",))) is limited
    table = capability_table().splitlines()
    assert table[0].split() == ["fault", "netns", "docker", "ssh"]
    assert "clock      yes     no      yes" in table


def test_the_readme_shows_the_current_capability_table() -> None:
    from tests.conftest import ROOT

    assert capability_table() in (ROOT / "README.md").read_text()
